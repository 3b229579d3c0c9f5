package dev.cortado.bench;

/**
 * The two matrix-product loops a dense layer's step is made of, as a strategy so that the same
 * step runs on the plain-Java loops of {@link Kernels} or on {@link VectorMatmul}.
 */
interface Matmul {
  /** {@code y[b][n] += Σ_k x[b][k] · w[k][n]}: the forward product and the input gradient. */
  void acc(float[][] x, float[][] w, float[][] y);

  /**
   * Rows {@code k0 … k0+count-1} of the weight gradient {@code xᵀ·dy} into {@code g[0 … count-1]}:
   * {@code g[r][n] = Σ_b x[b][k0+r] · dy[b][n]}; {@code count <= g.length}.
   */
  void gradRows(float[][] x, int k0, int count, float[][] dy, float[][] g);

  /** The plain-Java loops, which C2 auto-vectorizes. */
  Matmul PLAIN = new Matmul() {
    @Override
    public void acc(float[][] x, float[][] w, float[][] y) {
      Kernels.matmulAcc(x, w, y);
    }

    @Override
    public void gradRows(float[][] x, int k0, int count, float[][] dy, float[][] g) {
      for (int r = 0; r < count; r++) {
        Kernels.gradRow(x, k0 + r, dy, g[r]);
      }
    }
  };
}
