package dev.cortado.runtime;

/**
 * The gate nonlinearities of generated recurrent layers: {@code sigmoid(v) = 1 / (1 + e^-v)} and
 * {@code tanh(v)}. The double forms are the reference interpreter's own expressions, so float64
 * models match it bit for bit. The float forms compute {@code e^v} in float arithmetic: a range
 * reduction {@code v = k·ln 2 + r} with {@code |r| ≤ ln 2 / 2}, a degree-7 polynomial for
 * {@code e^r} (Cephes {@code expf}, within 2 ulp of float) and {@code 2^k} built in the exponent
 * bits. That is several times cheaper than {@link Math#exp}, a call into a double-precision
 * stub, and as accurate as a float result can be; {@code tanh} is {@code 1 − 2 / (e^{2v} + 1)},
 * whose absolute error is under {@code 2⁻²³}.
 */
public final class Gates {
  private Gates() {}

  /** {@code 1 / (1 + e^-v)}, exactly as the interpreter computes it. */
  public static double sigmoid(double v) {
    return 1.0 / (1.0 + Math.exp(-v));
  }

  /** {@link Math#tanh}, as the interpreter computes it. */
  public static double tanh(double v) {
    return Math.tanh(v);
  }

  /** {@code 1 / (1 + e^-v)} in float. */
  public static float sigmoid(float v) {
    return 1f / (1f + exp(-v));
  }

  /** {@code tanh(v) = 1 − 2 / (e^{2v} + 1)} in float. */
  public static float tanh(float v) {
    return 1f - 2f / (exp(2f * v) + 1f);
  }

  /**
   * {@code e^v} in float for {@code v} clamped to {@code [-87, 88]}, where the result is a normal
   * float: below, {@code e^v} is under {@code 2⁻¹²⁵} (the gates it feeds saturate there); above,
   * it is near {@code Float.MAX_VALUE}. NaN stays NaN (through the
   * polynomial).
   */
  public static float exp(float v) {
    float x = Math.max(-87f, Math.min(88f, v));
    float k = (float) Math.floor(x * 1.44269504088896341f + 0.5f);
    float r = x - k * 0.693359375f + k * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1f;
    float scale = Float.intBitsToFloat(((int) k + 127) << 23);
    return p * scale;
  }
}
