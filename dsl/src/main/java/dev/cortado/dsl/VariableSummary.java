package dev.cortado.dsl;

/** A variable as {@link Model#summary()} lists it. {@code regularizer} and {@code constraint} may be null. */
public record VariableSummary(String name, int[] shape, String initializer, String regularizer, boolean trainable,
    String constraint) {
  /** The number of scalars in the variable. */
  public long parameters() {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }
}
