package dev.cortado.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Matmul} with the incubating Vector API ({@code --add-modules jdk.incubator.vector}):
 * register blocks of 4 rows × 2 vectors, kept in registers over the whole sum, so that each pair
 * of loads of the shared operand feeds 8 fmas. C2's auto-vectorized loops cannot do that (they
 * load and store the accumulator row for every 4 terms, and a block of two rows was not
 * vectorized at all); on the 64×784×256 forward product this reached 84–89 GFLOP/s against 33–38
 * for {@link Kernels}. Shapes that do not fill whole blocks (fewer than 4 rows, or a row length
 * not a multiple of two vectors) fall back to {@link Matmul#PLAIN}.
 *
 * <p>Load this class only when {@link #available()}: it does not link without the module.
 */
final class VectorMatmul implements Matmul {
  static final VectorMatmul INSTANCE = new VectorMatmul();
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private VectorMatmul() {}

  /** Whether the JVM was started with {@code --add-modules jdk.incubator.vector}. */
  static boolean available() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  @Override
  public void acc(float[][] x, float[][] w, float[][] y) {
    int batch = x.length;
    int out = y[0].length;
    if (batch % 4 != 0 || out % (2 * L) != 0) {
      PLAIN.acc(x, w, y);
      return;
    }
    for (int b = 0; b < batch; b += 4) {
      for (int n = 0; n < out; n += 2 * L) {
        block(x[b], x[b + 1], x[b + 2], x[b + 3], w, y[b], y[b + 1], y[b + 2], y[b + 3], n);
      }
    }
  }

  /** {@code y_i[n … n+2L) += x_i · W[·][n … n+2L)} for four rows {@code i}, summed over all k. */
  private static void block(float[] x0, float[] x1, float[] x2, float[] x3, float[][] w,
      float[] y0, float[] y1, float[] y2, float[] y3, int n) {
    FloatVector a00 = FloatVector.fromArray(S, y0, n);
    FloatVector a01 = FloatVector.fromArray(S, y0, n + L);
    FloatVector a10 = FloatVector.fromArray(S, y1, n);
    FloatVector a11 = FloatVector.fromArray(S, y1, n + L);
    FloatVector a20 = FloatVector.fromArray(S, y2, n);
    FloatVector a21 = FloatVector.fromArray(S, y2, n + L);
    FloatVector a30 = FloatVector.fromArray(S, y3, n);
    FloatVector a31 = FloatVector.fromArray(S, y3, n + L);
    for (int k = 0; k < w.length; k++) {
      float[] wk = w[k];
      FloatVector w0 = FloatVector.fromArray(S, wk, n);
      FloatVector w1 = FloatVector.fromArray(S, wk, n + L);
      FloatVector c = FloatVector.broadcast(S, x0[k]);
      a00 = w0.fma(c, a00);
      a01 = w1.fma(c, a01);
      c = FloatVector.broadcast(S, x1[k]);
      a10 = w0.fma(c, a10);
      a11 = w1.fma(c, a11);
      c = FloatVector.broadcast(S, x2[k]);
      a20 = w0.fma(c, a20);
      a21 = w1.fma(c, a21);
      c = FloatVector.broadcast(S, x3[k]);
      a30 = w0.fma(c, a30);
      a31 = w1.fma(c, a31);
    }
    a00.intoArray(y0, n);
    a01.intoArray(y0, n + L);
    a10.intoArray(y1, n);
    a11.intoArray(y1, n + L);
    a20.intoArray(y2, n);
    a21.intoArray(y2, n + L);
    a30.intoArray(y3, n);
    a31.intoArray(y3, n + L);
  }

  @Override
  public void gradRows(float[][] x, int k0, int count, float[][] dy, float[][] g) {
    int out = g[0].length;
    if (count != 4 || out % (2 * L) != 0) {
      PLAIN.gradRows(x, k0, count, dy, g);
      return;
    }
    for (int n = 0; n < out; n += 2 * L) {
      FloatVector a00 = FloatVector.zero(S);
      FloatVector a01 = a00;
      FloatVector a10 = a00;
      FloatVector a11 = a00;
      FloatVector a20 = a00;
      FloatVector a21 = a00;
      FloatVector a30 = a00;
      FloatVector a31 = a00;
      for (int b = 0; b < x.length; b++) {
        float[] xb = x[b];
        float[] db = dy[b];
        FloatVector d0 = FloatVector.fromArray(S, db, n);
        FloatVector d1 = FloatVector.fromArray(S, db, n + L);
        FloatVector c = FloatVector.broadcast(S, xb[k0]);
        a00 = d0.fma(c, a00);
        a01 = d1.fma(c, a01);
        c = FloatVector.broadcast(S, xb[k0 + 1]);
        a10 = d0.fma(c, a10);
        a11 = d1.fma(c, a11);
        c = FloatVector.broadcast(S, xb[k0 + 2]);
        a20 = d0.fma(c, a20);
        a21 = d1.fma(c, a21);
        c = FloatVector.broadcast(S, xb[k0 + 3]);
        a30 = d0.fma(c, a30);
        a31 = d1.fma(c, a31);
      }
      a00.intoArray(g[0], n);
      a01.intoArray(g[0], n + L);
      a10.intoArray(g[1], n);
      a11.intoArray(g[1], n + L);
      a20.intoArray(g[2], n);
      a21.intoArray(g[2], n + L);
      a30.intoArray(g[3], n);
      a31.intoArray(g[3], n + L);
    }
  }
}
