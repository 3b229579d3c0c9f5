package dev.cortado.bench;

/**
 * The plain-Java loops with four result rows per pass, as Cortado's default kernel writes them on
 * Java 25 and later: the four rows of {@code w} (or {@code dy}) that one pass reads are loaded
 * once per element into locals and feed four rows' fma chains, a quarter of the loads per fma.
 * JDK 17's C2 does not vectorise a loop that stores to four arrays (it runs about a third as fast
 * there); Java 25's does. {@link #forThisJvm} picks these loops on Java 25+ and {@link
 * Matmul#PLAIN} before, as Cortado does, so that the hand-written column stays the best plain Java
 * on either JDK. Each element sums in the same order as {@link Kernels}.
 */
final class FourRows implements Matmul {
  static final FourRows INSTANCE = new FourRows();

  private FourRows() {}

  /** These loops on Java 25 and later, {@link Matmul#PLAIN} before. */
  static Matmul forThisJvm() {
    return Runtime.version().feature() >= 25 ? INSTANCE : PLAIN;
  }

  @Override
  public void acc(float[][] x, float[][] w, float[][] y) {
    int batch = x.length;
    int in = w.length;
    int block = Math.max(4, Kernels.BLOCK_FLOATS / Math.max(1, w[0].length) & ~3);
    for (int k0 = 0; k0 < in; k0 += block) {
      int k1 = Math.min(in, k0 + block);
      int b = 0;
      for (; b + 3 < batch; b += 4) {
        rowsAcc(x, b, w, y, k0, k1);
      }
      for (; b < batch; b++) {
        Kernels.rowAcc(x[b], w, y[b], k0, k1);
      }
    }
  }

  /** Rows {@code b..b+3} of {@code y += x[k0..k1)·W[k0..k1)}, the sum over {@code k} unrolled by 4. */
  private static void rowsAcc(float[][] x, int b, float[][] w, float[][] y, int k0, int k1) {
    float[] x0 = x[b];
    float[] x1 = x[b + 1];
    float[] x2 = x[b + 2];
    float[] x3 = x[b + 3];
    float[] y0 = y[b];
    float[] y1 = y[b + 1];
    float[] y2 = y[b + 2];
    float[] y3 = y[b + 3];
    int out = y0.length;
    int k = k0;
    for (; k + 3 < k1; k += 4) {
      float[] w0 = w[k];
      float[] w1 = w[k + 1];
      float[] w2 = w[k + 2];
      float[] w3 = w[k + 3];
      float a0 = x0[k], a1 = x0[k + 1], a2 = x0[k + 2], a3 = x0[k + 3];
      float c0 = x1[k], c1 = x1[k + 1], c2 = x1[k + 2], c3 = x1[k + 3];
      float d0 = x2[k], d1 = x2[k + 1], d2 = x2[k + 2], d3 = x2[k + 3];
      float e0 = x3[k], e1 = x3[k + 1], e2 = x3[k + 2], e3 = x3[k + 3];
      for (int n = 0; n < out; n++) {
        float v0 = w0[n];
        float v1 = w1[n];
        float v2 = w2[n];
        float v3 = w3[n];
        y0[n] = Math.fma(a3, v3, Math.fma(a2, v2, Math.fma(a1, v1, Math.fma(a0, v0, y0[n]))));
        y1[n] = Math.fma(c3, v3, Math.fma(c2, v2, Math.fma(c1, v1, Math.fma(c0, v0, y1[n]))));
        y2[n] = Math.fma(d3, v3, Math.fma(d2, v2, Math.fma(d1, v1, Math.fma(d0, v0, y2[n]))));
        y3[n] = Math.fma(e3, v3, Math.fma(e2, v2, Math.fma(e1, v1, Math.fma(e0, v0, y3[n]))));
      }
    }
    for (int r = 0; r < 4 && k < k1; r++) {
      Kernels.rowAcc(x[b + r], w, y[b + r], k, k1);
    }
  }

  @Override
  public void gradRows(float[][] x, int k0, int count, float[][] dy, float[][] g) {
    if (count != 4 || x.length < 4) {
      PLAIN.gradRows(x, k0, count, dy, g);
      return;
    }
    int batch = x.length;
    float[] g0 = g[0];
    float[] g1 = g[1];
    float[] g2 = g[2];
    float[] g3 = g[3];
    int out = g0.length;
    for (int n = 0; n < out; n++) {
      g0[n] = 0f;
      g1[n] = 0f;
      g2[n] = 0f;
      g3[n] = 0f;
    }
    int b = 0;
    for (; b + 3 < batch; b += 4) {
      float[] d0 = dy[b];
      float[] d1 = dy[b + 1];
      float[] d2 = dy[b + 2];
      float[] d3 = dy[b + 3];
      float a0 = x[b][k0], a1 = x[b + 1][k0], a2 = x[b + 2][k0], a3 = x[b + 3][k0];
      float c0 = x[b][k0 + 1], c1 = x[b + 1][k0 + 1], c2 = x[b + 2][k0 + 1], c3 = x[b + 3][k0 + 1];
      float e0 = x[b][k0 + 2], e1 = x[b + 1][k0 + 2], e2 = x[b + 2][k0 + 2], e3 = x[b + 3][k0 + 2];
      float f0 = x[b][k0 + 3], f1 = x[b + 1][k0 + 3], f2 = x[b + 2][k0 + 3], f3 = x[b + 3][k0 + 3];
      for (int n = 0; n < out; n++) {
        float v0 = d0[n];
        float v1 = d1[n];
        float v2 = d2[n];
        float v3 = d3[n];
        g0[n] = Math.fma(a3, v3, Math.fma(a2, v2, Math.fma(a1, v1, Math.fma(a0, v0, g0[n]))));
        g1[n] = Math.fma(c3, v3, Math.fma(c2, v2, Math.fma(c1, v1, Math.fma(c0, v0, g1[n]))));
        g2[n] = Math.fma(e3, v3, Math.fma(e2, v2, Math.fma(e1, v1, Math.fma(e0, v0, g2[n]))));
        g3[n] = Math.fma(f3, v3, Math.fma(f2, v2, Math.fma(f1, v1, Math.fma(f0, v0, g3[n]))));
      }
    }
    for (; b < batch; b++) {
      float[] d = dy[b];
      for (int r = 0; r < 4; r++) {
        float a = x[b][k0 + r];
        float[] gr = g[r];
        for (int n = 0; n < out; n++) {
          gr[n] = Math.fma(a, d[n], gr[n]);
        }
      }
    }
  }
}
