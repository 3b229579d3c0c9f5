package dev.cortado.dsl;

/**
 * A projection applied to a variable's new value after every update, as Keras's constraints
 * ({@code kernel_constraint=MaxNorm(2)}): a function from the updated tensor to its projection,
 * of the same shape, written with DSL ops.
 */
@FunctionalInterface
public interface Constraint {
  /**
   * Projects the updated value.
   *
   * @param w the variable after the update
   * @return the projected value, of {@code w}'s shape
   */
  Tensor apply(Tensor w);
}
