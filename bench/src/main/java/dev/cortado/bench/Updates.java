package dev.cortado.bench;

/**
 * Optimizer updates of one parameter row from its gradient row, PyTorch's rules, one fused loop
 * each (the decay, the moments and the step in one pass, vectorized over the row).
 */
final class Updates {
  private Updates() {}

  /** {@code torch.optim.SGD} with coupled weight decay: {@code w -= lr·(g + wd·w)}. */
  static void sgd(float[] w, float[] g, float lr, float wd) {
    for (int n = 0; n < w.length; n++) {
      w[n] -= lr * Math.fma(wd, w[n], g[n]);
    }
  }

  /**
   * {@code torch.optim.SGD} with momentum (no dampening) and coupled weight decay: {@code
   * d = g + wd·w; buf = momentum·buf + d; w -= lr·buf}. A zero buffer equals PyTorch's first step
   * ({@code buf = d}).
   */
  static void sgdMomentum(float[] w, float[] g, float[] buf, float lr, float momentum, float wd) {
    for (int n = 0; n < w.length; n++) {
      float v = Math.fma(momentum, buf[n], Math.fma(wd, w[n], g[n]));
      buf[n] = v;
      w[n] -= lr * v;
    }
  }

  /**
   * {@code torch.optim.AdamW}: {@code w *= 1 - lr·wd; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
   * w -= (lr / c1) · m / (sqrt(v) / sqrt(c2) + eps)} with {@code c1 = 1 - β1^t}, {@code c2 = 1 -
   * β2^t}; the caller passes {@code decay = 1 - lr·wd}, {@code stepSize = lr / c1} and {@code
   * invSqrtC2 = 1 / sqrt(c2)}.
   */
  static void adamW(float[] w, float[] g, float[] m, float[] v, float decay, float beta1,
      float beta2, float eps, float stepSize, float invSqrtC2) {
    float oneMinusBeta1 = 1f - beta1;
    float oneMinusBeta2 = 1f - beta2;
    for (int n = 0; n < w.length; n++) {
      float gn = g[n];
      float mn = Math.fma(beta1, m[n], oneMinusBeta1 * gn);
      float vn = Math.fma(beta2, v[n], oneMinusBeta2 * gn * gn);
      m[n] = mn;
      v[n] = vn;
      float denom = (float) Math.sqrt(vn) * invSqrtC2 + eps;
      w[n] = w[n] * decay - stepSize * mn / denom;
    }
  }
}
