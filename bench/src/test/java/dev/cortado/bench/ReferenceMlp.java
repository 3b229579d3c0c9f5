package dev.cortado.bench;

/**
 * The straightforward double-precision training step that the hand-written float32 loops are
 * checked against: full gradient matrices, textbook loops, PyTorch's update formulas.
 */
final class ReferenceMlp {
  final BenchModel model;
  final double[][][] w;
  final double[][] b;
  private final double[][][] s0;
  private final double[][][] s1;
  private final double[][] s0b;
  private final double[][] s1b;
  private int t;

  /** Starts from the float parameters of {@code hand}, widened to double. */
  ReferenceMlp(BenchModel model, HandMlp hand) {
    this.model = model;
    int layers = hand.kernels.length;
    w = new double[layers][][];
    b = new double[layers][];
    s0 = new double[layers][][];
    s1 = new double[layers][][];
    s0b = new double[layers][];
    s1b = new double[layers][];
    for (int l = 0; l < layers; l++) {
      w[l] = widen(hand.kernel(l));
      b[l] = widen(new float[][] {hand.biases[l]})[0];
      s0[l] = new double[w[l].length][w[l][0].length];
      s1[l] = new double[w[l].length][w[l][0].length];
      s0b[l] = new double[b[l].length];
      s1b[l] = new double[b[l].length];
    }
  }

  static double[][] widen(float[][] m) {
    double[][] d = new double[m.length][m[0].length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[i].length; j++) {
        d[i][j] = m[i][j];
      }
    }
    return d;
  }

  double step(float[][] xf, float[][] yf) {
    int layers = w.length;
    double[][][] a = new double[layers + 1][][];
    a[0] = widen(xf);
    double[][] y = widen(yf);
    for (int l = 0; l < layers; l++) {
      int batch = a[l].length;
      int in = w[l].length;
      int out = b[l].length;
      a[l + 1] = new double[batch][out];
      for (int i = 0; i < batch; i++) {
        for (int n = 0; n < out; n++) {
          double s = b[l][n];
          for (int k = 0; k < in; k++) {
            s += a[l][i][k] * w[l][k][n];
          }
          a[l + 1][i][n] = l < layers - 1 ? Math.max(s, 0) : s;
        }
      }
    }
    double[][] z = a[layers];
    int batch = z.length;
    int outs = z[0].length;
    double loss = 0;
    double[][] d = new double[batch][outs];
    for (int i = 0; i < batch; i++) {
      if (model.classifier()) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z[i]) {
          max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : z[i]) {
          sum += Math.exp(v - max);
        }
        for (int n = 0; n < outs; n++) {
          double logSoftmax = z[i][n] - max - Math.log(sum);
          loss -= y[i][n] * logSoftmax / batch;
          d[i][n] = (Math.exp(logSoftmax) - y[i][n]) / batch;
        }
      } else {
        for (int n = 0; n < outs; n++) {
          double e = z[i][n] - y[i][n];
          loss += e * e / (batch * outs);
          d[i][n] = 2 * e / (batch * outs);
        }
      }
    }
    t++;
    for (int l = layers - 1; l >= 0; l--) {
      int in = w[l].length;
      int out = b[l].length;
      double[][] gw = new double[in][out];
      double[] gb = new double[out];
      double[][] dPrev = new double[batch][in];
      for (int i = 0; i < batch; i++) {
        for (int n = 0; n < out; n++) {
          gb[n] += d[i][n];
          for (int k = 0; k < in; k++) {
            gw[k][n] += a[l][i][k] * d[i][n];
            dPrev[i][k] += d[i][n] * w[l][k][n] * (a[l][i][k] > 0 ? 1 : 0);
          }
        }
      }
      for (int k = 0; k < in; k++) {
        update(w[l][k], gw[k], s0[l][k], s1[l][k]);
      }
      update(b[l], gb, s0b[l], s1b[l]);
      d = dPrev;
    }
    return loss;
  }

  private void update(double[] p, double[] g, double[] m, double[] v) {
    for (int n = 0; n < p.length; n++) {
      switch (model) {
        case TINY:
          p[n] -= HandTiny.LR * (g[n] + HandTiny.WEIGHT_DECAY * p[n]);
          break;
        case SMALL:
          double lr = HandSmall.LR;
          p[n] *= 1 - lr * HandSmall.WEIGHT_DECAY;
          m[n] = HandSmall.BETA1 * m[n] + (1 - HandSmall.BETA1) * g[n];
          v[n] = HandSmall.BETA2 * v[n] + (1 - HandSmall.BETA2) * g[n] * g[n];
          double mHat = m[n] / (1 - Math.pow(HandSmall.BETA1, t));
          double vHat = v[n] / (1 - Math.pow(HandSmall.BETA2, t));
          p[n] -= lr * mHat / (Math.sqrt(vHat) + HandSmall.EPS);
          break;
        default:
          m[n] = HandMnist.MOMENTUM * m[n] + g[n] + HandMnist.WEIGHT_DECAY * p[n];
          p[n] -= HandMnist.LR * m[n];
      }
    }
  }
}
