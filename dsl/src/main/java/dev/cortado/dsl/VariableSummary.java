package dev.cortado.dsl;

import dev.cortado.ir.Role;

/**
 * A variable as {@link Model#summary()} lists it. {@code regularizer}, {@code constraint} and
 * {@code role} may be null (a kernel has no role).
 */
public record VariableSummary(String name, int[] shape, String initializer, String regularizer, boolean trainable,
    String constraint, Role role) {
  /**
   * The number of scalars in the variable.
   *
   * @return the product of the shape, 1 for a scalar
   */
  public long parameters() {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }
}
