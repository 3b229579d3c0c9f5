package dev.cortado.bench;

/**
 * The float32 loops that the hand-written training steps are made of, and a reference for the
 * kernels the codegen emits.
 *
 * <p>Layout: every matrix is one {@code float[]} per row ({@code float[rows][cols]}), so that every
 * array in an inner loop is indexed with the same plain index {@code [n]}. That is what lets C2
 * (JDK 17) vectorize: with offsets into a shared buffer ({@code y[yo + n]}, {@code w[wo + n]}) it
 * cannot rule out overlap and stays scalar, about 3× slower.
 *
 * <p>A dense layer {@code y = x·W + b} with {@code x[batch][in]}, {@code W[in][out]} needs three
 * matrix products, each written as a row update {@code row[n] += a·other[n]} over the
 * contiguous dimension:
 *
 * <ul>
 *   <li>forward {@code y = x·W}: for each batch row, {@code y[b][n] += x[b][k]·W[k][n]}, vector
 *       over {@code n} (out), summed over {@code k} (in) unrolled by 4 ({@link #matmulAcc});
 *   <li>weight gradient {@code dW = xᵀ·dY}: for each row {@code k}, {@code dW[k][n] +=
 *       x[b][k]·dY[b][n]}, vector over {@code n}, summed over {@code b} unrolled by 4 ({@link
 *       #gradRow}), one row at a time so that the optimizer update of that row follows while it
 *       is in L1 (no gradient matrix is ever stored);
 *   <li>input gradient {@code dX = dY·Wᵀ}: the same loop as the forward pass over a transposed
 *       copy {@code Wᵀ[out][in]} ({@link #transpose}, made before the update), vector over
 *       {@code in}, summed over {@code out}. A dot product per element instead would be a float
 *       reduction, which C2 does not vectorize.
 * </ul>
 *
 * <p>A narrow layer (fewer outputs than a 16-float vector, such as the 10 logits) gets nothing
 * from vectorizing over {@code out}: C2's vector loop never starts and the loops run scalar. Such
 * a layer keeps its kernel transposed, {@code Wᵀ[out][in]}, and vectorizes over the batch or over
 * {@code in} instead: forward {@code yᵀ = Wᵀ·xᵀ} (vector over {@code b}, on a transposed copy of
 * the input), {@code dX = dY·Wᵀ} (vector over {@code in}, no copy), and row {@code n} of {@code
 * dWᵀ = dYᵀ·x} (vector over {@code in}). For the 128→10 layer at batch 32 that took the forward
 * product from 12 to under 5 µs.
 *
 * <p>The sum is unrolled by 4 as nested {@code Math.fma}: that took float matmuls from about 20 to
 * 31–34 GFLOP/s here; unrolling by 8 was slower on JDK 17. Loop bounds are the array lengths;
 * generated code has literal bounds.
 */
final class Kernels {
  private Kernels() {}

  /**
   * {@code y[b][n] += Σ_k x[b][k] · w[k][n]} for every batch row {@code b}: {@code x[B][K]},
   * {@code w[K][N]}, {@code y[B][N]}. Blocked over {@code k} so that a block of rows of {@code w}
   * ({@value #BLOCK_FLOATS} floats, 32 KB, the size of L1) is reused by every batch row before the
   * next block: unblocked, a 784×256 kernel (800 KB) is streamed from L2/L3 once per batch row and
   * the forward pass ran at 9–19 instead of 33–37 GFLOP/s. Two batch rows per pass over a block
   * (one load of {@code w} for two fmas) was slower: C2 did not vectorize that loop.
   */
  static void matmulAcc(float[][] x, float[][] w, float[][] y) {
    int batch = x.length;
    int in = w.length;
    int block = Math.max(4, BLOCK_FLOATS / Math.max(1, w[0].length) & ~3);
    for (int k0 = 0; k0 < in; k0 += block) {
      int k1 = Math.min(in, k0 + block);
      for (int b = 0; b < batch; b++) {
        rowAcc(x[b], w, y[b], k0, k1);
      }
    }
  }

  /** Floats of {@code w} per block of {@link #matmulAcc}: 32 KB. */
  static final int BLOCK_FLOATS = 8192;

  /** {@code y += x[k0..k1)·W[k0..k1)} for one row, the sum over {@code k} unrolled by 4. */
  static void rowAcc(float[] x, float[][] w, float[] y, int k0, int k1) {
    int out = y.length;
    int k = k0;
    for (; k + 3 < k1; k += 4) {
      float[] w0 = w[k];
      float[] w1 = w[k + 1];
      float[] w2 = w[k + 2];
      float[] w3 = w[k + 3];
      float a0 = x[k];
      float a1 = x[k + 1];
      float a2 = x[k + 2];
      float a3 = x[k + 3];
      for (int n = 0; n < out; n++) {
        y[n] = Math.fma(a3, w3[n], Math.fma(a2, w2[n], Math.fma(a1, w1[n], Math.fma(a0, w0[n], y[n]))));
      }
    }
    for (; k < k1; k++) {
      float[] wk = w[k];
      float a = x[k];
      for (int n = 0; n < out; n++) {
        y[n] = Math.fma(a, wk[n], y[n]);
      }
    }
  }

  /** {@code y[b] = bias} for every row, then {@code y += x·W} with {@code mm}. */
  static void dense(Matmul mm, float[][] x, float[][] w, float[] bias, float[][] y) {
    for (float[] row : y) {
      System.arraycopy(bias, 0, row, 0, bias.length);
    }
    mm.acc(x, w, y);
  }

  /** {@code y = max(y, 0)} in place. */
  static void relu(float[][] y) {
    for (float[] row : y) {
      for (int n = 0; n < row.length; n++) {
        row[n] = Math.max(row[n], 0f);
      }
    }
  }

  /**
   * The input gradient {@code dx = dy·Wᵀ}, masked by ReLU when {@code activation} is given
   * ({@code dx[b][k] = 0} where {@code activation[b][k] <= 0}, see {@link #reluMask}); {@code wT}
   * is {@code Wᵀ[out][in]}.
   */
  static void inputGrad(Matmul mm, float[][] dy, float[][] wT, float[][] activation,
      float[][] dx) {
    for (float[] row : dx) {
      java.util.Arrays.fill(row, 0f);
    }
    mm.acc(dy, wT, dx);
    if (activation != null) {
      for (int b = 0; b < dx.length; b++) {
        float[] d = dx[b];
        float[] h = activation[b];
        for (int k = 0; k < d.length; k++) {
          d[k] *= reluMask(h[k]);
        }
      }
    }
  }

  /**
   * The ReLU derivative at an output {@code h >= 0}: 1 if {@code h > 0}, else 0, without a
   * branch. {@code h > 0 ? d : 0} compiles to a branch that mispredicts on half the elements and
   * does not vectorize on JDK 17 (4.8 µs for 4,096 elements against 1.3 µs): {@code h·2^150} is at
   * least 2 for every positive float, the smallest subnormal included, so {@code min(h·2^150, 1)}
   * is exactly 1 or 0 (two factors, as 2^150 is not a float). Differs from the select only where
   * {@code h} is NaN or the gradient infinite, which a diverged step has anyway.
   */
  static float reluMask(float h) {
    return Math.min(h * 0x1p126f * 0x1p24f, 1f);
  }

  /**
   * One row of the weight gradient: {@code g[n] = Σ_b x[b][k] · dy[b][n]} ({@code dW = xᵀ·dY}),
   * the sum over the batch unrolled by 4.
   */
  static void gradRow(float[][] x, int k, float[][] dy, float[] g) {
    int batch = x.length;
    int out = g.length;
    int b = 0;
    if (batch >= 4) {
      float a0 = x[0][k];
      float a1 = x[1][k];
      float a2 = x[2][k];
      float a3 = x[3][k];
      float[] d0 = dy[0];
      float[] d1 = dy[1];
      float[] d2 = dy[2];
      float[] d3 = dy[3];
      for (int n = 0; n < out; n++) {
        g[n] = Math.fma(a3, d3[n], Math.fma(a2, d2[n], Math.fma(a1, d1[n], a0 * d0[n])));
      }
      b = 4;
    } else {
      java.util.Arrays.fill(g, 0f);
    }
    for (; b + 3 < batch; b += 4) {
      float a0 = x[b][k];
      float a1 = x[b + 1][k];
      float a2 = x[b + 2][k];
      float a3 = x[b + 3][k];
      float[] d0 = dy[b];
      float[] d1 = dy[b + 1];
      float[] d2 = dy[b + 2];
      float[] d3 = dy[b + 3];
      for (int n = 0; n < out; n++) {
        g[n] = Math.fma(a3, d3[n], Math.fma(a2, d2[n], Math.fma(a1, d1[n], Math.fma(a0, d0[n], g[n]))));
      }
    }
    for (; b < batch; b++) {
      float a = x[b][k];
      float[] d = dy[b];
      for (int n = 0; n < out; n++) {
        g[n] = Math.fma(a, d[n], g[n]);
      }
    }
  }

  /** The bias gradient {@code g[n] = Σ_b dy[b][n]}. */
  static void columnSums(float[][] dy, float[] g) {
    System.arraycopy(dy[0], 0, g, 0, g.length);
    for (int b = 1; b < dy.length; b++) {
      float[] d = dy[b];
      for (int n = 0; n < g.length; n++) {
        g[n] += d[n];
      }
    }
  }

  /** {@code wT[n][k] = w[k][n]}, in blocks of 16 rows of {@code w} to keep the reads in cache. */
  static void transpose(float[][] w, float[][] wT) {
    int in = w.length;
    int out = wT.length;
    for (int k0 = 0; k0 < in; k0 += 16) {
      int k1 = Math.min(in, k0 + 16);
      for (int n = 0; n < out; n++) {
        float[] t = wT[n];
        for (int k = k0; k < k1; k++) {
          t[k] = w[k][n];
        }
      }
    }
  }
}
