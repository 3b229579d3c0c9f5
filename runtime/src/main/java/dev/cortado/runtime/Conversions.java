package dev.cortado.runtime;

/**
 * Copies between {@code float[]} and {@code double[]}, shared by the interpreter and generated
 * code: the first {@code n} elements of a {@code float[]} or {@code double[]}, as the type asked for.
 */
public final class Conversions {
  private Conversions() {}

  /**
   * A {@code double[]} copy of the first {@code n} elements of a {@code float[]} or {@code
   * double[]}.
   *
   * @param a a {@code float[]} or {@code double[]}
   * @param n how many elements to copy
   * @return a new array
   */
  public static double[] toDoubles(Object a, int n) {
    double[] d = new double[n];
    if (a instanceof double[] src) {
      System.arraycopy(src, 0, d, 0, n);
    } else {
      float[] src = (float[]) a;
      for (int i = 0; i < n; i++) {
        d[i] = src[i];
      }
    }
    return d;
  }

  /**
   * A {@code float[]} copy (rounded) of the first {@code n} elements of a {@code double[]} or
   * {@code float[]}.
   *
   * @param a a {@code double[]} or {@code float[]}
   * @param n how many elements to copy
   * @return a new array
   */
  public static float[] toFloats(Object a, int n) {
    float[] f = new float[n];
    if (a instanceof float[] src) {
      System.arraycopy(src, 0, f, 0, n);
    } else {
      double[] src = (double[]) a;
      for (int i = 0; i < n; i++) {
        f[i] = (float) src[i];
      }
    }
    return f;
  }
}
