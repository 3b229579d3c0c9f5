package dev.cortado.dsl;

/**
 * A function from a variable to a scalar penalty, as TensorFlow 1.x's {@code regularizer=}
 * argument of {@code get_variable}. Each regularized variable contributes exactly one term to
 * {@code REGULARIZATION_LOSSES}. Built in: {@link Cortado#l1}, {@link Cortado#l2} (our
 * convention: {@code l2(λ) = λ·Σw²/2}, TensorFlow's {@code l2_loss}) and {@link Cortado#l1l2}.
 * A custom one is a lambda over DSL ops: {@code w -> w.square().square().sum().mul(0.05)}. It
 * must return a scalar.
 */
@FunctionalInterface
public interface Regularizer {
  /**
   * The penalty of {@code w}: a scalar tensor.
   *
   * @param w the variable
   * @return the scalar penalty
   */
  Tensor apply(Tensor w);
}
