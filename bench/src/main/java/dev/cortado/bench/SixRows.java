package dev.cortado.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code c = a·b} in register blocks of 6 rows × 4 vectors of 16 floats (24 accumulators), the
 * form of the generated code's Vector API kernel, for {@link CoreSharing}. Rows a multiple of 6,
 * columns a multiple of 64, 512-bit vectors; needs {@code --add-modules jdk.incubator.vector}.
 */
final class SixRows {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;

  private SixRows() {}

  /** {@code c[m × n] = a[m × k]·b[k × n]}, row-major. */
  static void product(float[] a, float[] b, float[] c, int m, int k, int n) {
    for (int j = 0; j < n; j += 64) {
      for (int i = 0; i + 6 <= m; i += 6) {
        block(a, b, c, i, j, k, n);
      }
    }
  }

  private static void block(float[] a, float[] b, float[] c, int i, int j, int k, int n) {
    FloatVector z = FloatVector.zero(S);
    FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
    FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
    FloatVector c40 = z, c41 = z, c42 = z, c43 = z, c50 = z, c51 = z, c52 = z, c53 = z;
    for (int p = 0; p < k; p++) {
      int at = p * n + j;
      FloatVector b0 = FloatVector.fromArray(S, b, at);
      FloatVector b1 = FloatVector.fromArray(S, b, at + 16);
      FloatVector b2 = FloatVector.fromArray(S, b, at + 32);
      FloatVector b3 = FloatVector.fromArray(S, b, at + 48);
      FloatVector x = FloatVector.broadcast(S, a[i * k + p]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      c02 = x.fma(b2, c02);
      c03 = x.fma(b3, c03);
      x = FloatVector.broadcast(S, a[(i + 1) * k + p]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      c12 = x.fma(b2, c12);
      c13 = x.fma(b3, c13);
      x = FloatVector.broadcast(S, a[(i + 2) * k + p]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      c22 = x.fma(b2, c22);
      c23 = x.fma(b3, c23);
      x = FloatVector.broadcast(S, a[(i + 3) * k + p]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      c32 = x.fma(b2, c32);
      c33 = x.fma(b3, c33);
      x = FloatVector.broadcast(S, a[(i + 4) * k + p]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      c42 = x.fma(b2, c42);
      c43 = x.fma(b3, c43);
      x = FloatVector.broadcast(S, a[(i + 5) * k + p]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
      c52 = x.fma(b2, c52);
      c53 = x.fma(b3, c53);
    }
    // stored here, not by a helper: vectors passed to a method that is not inlined are boxed
    int o0 = i * n + j;
    c00.intoArray(c, o0);
    c01.intoArray(c, o0 + 16);
    c02.intoArray(c, o0 + 32);
    c03.intoArray(c, o0 + 48);
    int o1 = (i + 1) * n + j;
    c10.intoArray(c, o1);
    c11.intoArray(c, o1 + 16);
    c12.intoArray(c, o1 + 32);
    c13.intoArray(c, o1 + 48);
    int o2 = (i + 2) * n + j;
    c20.intoArray(c, o2);
    c21.intoArray(c, o2 + 16);
    c22.intoArray(c, o2 + 32);
    c23.intoArray(c, o2 + 48);
    int o3 = (i + 3) * n + j;
    c30.intoArray(c, o3);
    c31.intoArray(c, o3 + 16);
    c32.intoArray(c, o3 + 32);
    c33.intoArray(c, o3 + 48);
    int o4 = (i + 4) * n + j;
    c40.intoArray(c, o4);
    c41.intoArray(c, o4 + 16);
    c42.intoArray(c, o4 + 32);
    c43.intoArray(c, o4 + 48);
    int o5 = (i + 5) * n + j;
    c50.intoArray(c, o5);
    c51.intoArray(c, o5 + 16);
    c52.intoArray(c, o5 + 32);
    c53.intoArray(c, o5 + 48);
  }
}
