package dev.cortado.dsl;

import org.apache.commons.math3.random.RandomGenerator;

/**
 * Fills a new variable with its starting values.
 *
 * <p>Implementations are immutable values with a readable {@code toString()}, e.g. {@code "glorotUniform"}
 * or {@code "normal(mean=0.0, stddev=0.05)"}, which {@code model.summary()} prints. The built-in ones come
 * from {@link Initializers}; a custom one may be a lambda:
 *
 * <pre>{@code
 * Initializer identity = (shape, rng) -> { double[] v = new double[shape[0] * shape[1]];
 *                                          for (int i = 0; i < shape[0]; i++) v[i * shape[1] + i] = 1; return v; };
 * }</pre>
 *
 * <p>The model gives every variable its own generator, {@link Initializers#rngFor(long, String)} of the
 * model seed and the variable's full name, so a model initializes identically on every run and adding a
 * variable does not change the others.
 */
@FunctionalInterface
public interface Initializer {
  /**
   * Returns the starting values of a variable.
   *
   * @param shape the variable's batch-free shape ({@code []} for a scalar)
   * @param rng the only source of randomness an implementation may draw from
   * @return {@code shape[0] * shape[1] * ...} values (1 for a scalar), row-major (last index fastest)
   */
  double[] initialize(int[] shape, RandomGenerator rng);
}
