package dev.cortado.runtime;

/**
 * The gate nonlinearities of generated recurrent layers, {@code sigmoid(v) = 1 / (1 + e^-v)} and
 * {@code tanh(v)}, in the scalar form generated code calls. The double forms are the reference
 * interpreter's own expressions, so float64 models match it bit for bit. The float forms compute
 * in double and round once, each with one {@link Math#exp} ({@code tanh} as {@code 1 − 2 /
 * (e^{2v} + 1)}): on JDK 17 that measured faster than a float polynomial for {@code e^v}. Kernels
 * on the Vector API compute the float gates on whole vectors instead.
 */
public final class Gates {
  private Gates() {}

  /**
   * {@code 1 / (1 + e^-v)}, exactly as the interpreter computes it.
   *
   * @param v the gate's pre-activation
   * @return σ(v)
   */
  public static double sigmoid(double v) {
    return 1.0 / (1.0 + Math.exp(-v));
  }

  /**
   * {@link Math#tanh}, as the interpreter computes it.
   *
   * @param v the pre-activation
   * @return tanh(v)
   */
  public static double tanh(double v) {
    return Math.tanh(v);
  }

  /**
   * {@code 1 / (1 + e^-v)} computed in double, rounded to float.
   *
   * @param v the gate's pre-activation
   * @return σ(v), rounded once
   */
  public static float sigmoid(float v) {
    return (float) (1.0 / (1.0 + Math.exp(-(double) v)));
  }

  /**
   * {@code tanh(v) = 1 − 2 / (e^{2v} + 1)} computed in double, rounded to float.
   *
   * @param v the pre-activation
   * @return tanh(v), rounded once
   */
  public static float tanh(float v) {
    return (float) (1.0 - 2.0 / (Math.exp(2.0 * v) + 1.0));
  }
}
