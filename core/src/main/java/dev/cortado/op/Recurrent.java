package dev.cortado.op;

import dev.cortado.ir.Shape;

/**
 * The reference semantics of the recurrent ops, in double, one batch row and one time step at a
 * time. Layouts are Keras's: {@code x [B, T, F]}, {@code kernel [F, G]}, {@code recurrent
 * [u, G]}; a GRU has {@code G = 3u} with gate blocks z, r, n and {@code bias [2, G]} (input row,
 * recurrent row); an LSTM has {@code G = 4u} with blocks i, f, g, o and {@code bias [G]}. The
 * gradient ops recompute the forward pass and run backpropagation through time; the parameter
 * gradients come packed as one matrix {@code [F + u + biasRows, G]} (kernel rows, recurrent
 * rows, bias rows), which {@code RNN_ROWS} cuts apart.
 */
final class Recurrent {
  private Recurrent() {}

  /** The output shape of a recurrent layer, after checking every operand. */
  static Shape shape(String op, Shape x, Shape k, Shape rk, Shape bias, int gates, boolean gru, boolean seq) {
    if (x.rank() != 3) {
      throw new IllegalArgumentException(op + " needs an input [batch, steps, features], got " + x);
    }
    if (rk.rank() != 2 || rk.dim(1) != gates * rk.dim(0)) {
      throw new IllegalArgumentException(op + " needs a recurrent kernel [units, " + gates + "·units], got " + rk);
    }
    int u = rk.dim(0);
    if (!k.equals(Shape.of(x.dim(2), gates * u))) {
      throw new IllegalArgumentException(op + " needs a kernel [" + x.dim(2) + ", " + gates * u + "], got " + k);
    }
    Shape b = gru ? Shape.of(2, 3 * u) : Shape.of(4 * u);
    if (!bias.equals(b)) {
      throw new IllegalArgumentException(op + " needs a bias " + b + ", got " + bias);
    }
    return seq ? Shape.of(x.dim(0), x.dim(1), u) : Shape.of(x.dim(0), u);
  }

  /** The shape of a gradient op: {@code dx} for part 0, the packed parameter gradients for part 1. */
  static Shape gradShape(Shape x, Shape k, Shape rk, int biasRows, int part) {
    return part == 0 ? x : Shape.of(k.dim(0) + rk.dim(0) + biasRows, k.dim(1));
  }

  private static double sigmoid(double v) {
    return 1.0 / (1.0 + Math.exp(-v));
  }

  /** Row {@code b}, step {@code t} of x, projected: {@code x_t·kernel} plus {@code h·recurrent} into separate rows. */
  private static void project(double[] x, int off, int f, double[] w, double[] v, int n, double[] wr, int g,
      double[] a, double[] c) {
    for (int j = 0; j < g; j++) {
      double s = 0;
      for (int k = 0; k < f; k++) {
        s += x[off + k] * w[k * g + j];
      }
      a[j] += s;
      double r = 0;
      for (int k = 0; k < n; k++) {
        r += v[k] * wr[k * g + j];
      }
      c[j] += r;
    }
  }

  /**
   * The GRU over every step, keeping what the gradient needs: {@code keep[t][b]} holds z, r, n,
   * the recurrent n-projection and the previous h; returns every h {@code [B, T, u]}.
   */
  static double[] gru(double[] x, int batch, int steps, int f, double[] w, double[] wr, double[] bias, int u,
      double[][][] keep) {
    int g = 3 * u;
    double[] out = new double[batch * steps * u];
    for (int b = 0; b < batch; b++) {
      double[] h = new double[u];
      for (int t = 0; t < steps; t++) {
        double[] a = java.util.Arrays.copyOfRange(bias, 0, g);
        double[] c = java.util.Arrays.copyOfRange(bias, g, 2 * g);
        project(x, (b * steps + t) * f, f, w, h, u, wr, g, a, c);
        double[] kept = keep == null ? null : (keep[t][b] = new double[5 * u]);
        for (int j = 0; j < u; j++) {
          double z = sigmoid(a[j] + c[j]);
          double r = sigmoid(a[u + j] + c[u + j]);
          double n = Math.tanh(a[2 * u + j] + r * c[2 * u + j]);
          if (kept != null) {
            kept[j] = z;
            kept[u + j] = r;
            kept[2 * u + j] = n;
            kept[3 * u + j] = c[2 * u + j];
            kept[4 * u + j] = h[j];
          }
          h[j] = z * h[j] + (1 - z) * n;
        }
        System.arraycopy(h, 0, out, (b * steps + t) * u, u);
      }
    }
    return out;
  }

  /**
   * The LSTM over every step; {@code keep[t][b]} holds i, f, g, o, the previous c, the new c and
   * the previous h. Returns every h {@code [B, T, u]}.
   */
  static double[] lstm(double[] x, int batch, int steps, int f, double[] w, double[] wr, double[] bias, int u,
      double[][][] keep) {
    int g = 4 * u;
    double[] out = new double[batch * steps * u];
    for (int b = 0; b < batch; b++) {
      double[] h = new double[u];
      double[] cell = new double[u];
      for (int t = 0; t < steps; t++) {
        double[] a = bias.clone();
        double[] rec = new double[g];
        project(x, (b * steps + t) * f, f, w, h, u, wr, g, a, rec);
        double[] kept = keep == null ? null : (keep[t][b] = new double[7 * u]);
        for (int j = 0; j < u; j++) {
          double i = sigmoid(a[j] + rec[j]);
          double fg = sigmoid(a[u + j] + rec[u + j]);
          double gg = Math.tanh(a[2 * u + j] + rec[2 * u + j]);
          double o = sigmoid(a[3 * u + j] + rec[3 * u + j]);
          double c = fg * cell[j] + i * gg;
          if (kept != null) {
            kept[j] = i;
            kept[u + j] = fg;
            kept[2 * u + j] = gg;
            kept[3 * u + j] = o;
            kept[4 * u + j] = cell[j];
            kept[5 * u + j] = c;
            kept[6 * u + j] = h[j];
          }
          cell[j] = c;
          h[j] = o * Math.tanh(c);
        }
        System.arraycopy(h, 0, out, (b * steps + t) * u, u);
      }
    }
    return out;
  }

  /** Every h {@code [B, T, u]} cut to the last step {@code [B, u]} unless the layer returns sequences. */
  static NDArray output(double[] all, int batch, int steps, int u, boolean seq) {
    if (seq) {
      return new NDArray(new int[] {batch, steps, u}, all);
    }
    double[] last = new double[batch * u];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(all, (b * steps + steps - 1) * u, last, b * u, u);
    }
    return new NDArray(new int[] {batch, u}, last);
  }

  /** The upstream gradient of h at step t, row b (zero before the last step when only the last h is returned). */
  private static double upstream(double[] g, int b, int t, int steps, int u, int j, boolean seq) {
    if (seq) {
      return g[(b * steps + t) * u + j];
    }
    return t == steps - 1 ? g[b * u + j] : 0.0;
  }

  /**
   * Backpropagation through time: {@code dA} is the gradient of the input projection's
   * pre-activations, {@code dC} of the recurrent projection's (equal to dA for an LSTM and for
   * the z and r blocks of a GRU; {@code dA_n ⊙ r} for the GRU's n block). From them:
   * {@code dx_t = dA·kernelᵀ}, {@code dKernel = Σ x_tᵀ·dA}, {@code dRecurrent = Σ h_{t-1}ᵀ·dC},
   * {@code dh_{t-1} = ∂h_t/∂h_{t-1} + dC·recurrentᵀ}, and the biases the sums of dA and dC.
   */
  static NDArray gradient(boolean gru, NDArray xa, NDArray wa, NDArray wra, NDArray biasa, NDArray ga, boolean seq,
      int part) {
    int[] xs = xa.shape();
    int batch = xs[0];
    int steps = xs[1];
    int f = xs[2];
    int u = wra.shape()[0];
    int gates = gru ? 3 : 4;
    int g = gates * u;
    double[] x = xa.data();
    double[] w = wa.data();
    double[] wr = wra.data();
    double[] up = ga.data();
    double[][][] keep = new double[steps][batch][];
    if (gru) {
      gru(x, batch, steps, f, w, wr, biasa.data(), u, keep);
    } else {
      lstm(x, batch, steps, f, w, wr, biasa.data(), u, keep);
    }
    int biasRows = gru ? 2 : 1;
    double[] dx = new double[x.length];
    double[] packed = new double[(f + u + biasRows) * g];
    for (int b = 0; b < batch; b++) {
      double[] dh = new double[u];
      double[] dc = new double[u];
      for (int t = steps - 1; t >= 0; t--) {
        double[] k = keep[t][b];
        double[] dA = new double[g];
        double[] dC = new double[g];
        for (int j = 0; j < u; j++) {
          double d = dh[j] + upstream(up, b, t, steps, u, j, seq);
          if (gru) {
            double z = k[j];
            double r = k[u + j];
            double n = k[2 * u + j];
            double dn = d * (1 - z) * (1 - n * n);
            double dz = d * (k[4 * u + j] - n) * z * (1 - z);
            double dr = dn * k[3 * u + j] * r * (1 - r);
            dA[j] = dz;
            dA[u + j] = dr;
            dA[2 * u + j] = dn;
            dC[j] = dz;
            dC[u + j] = dr;
            dC[2 * u + j] = dn * r;
            dh[j] = d * z;
          } else {
            double i = k[j];
            double fg = k[u + j];
            double gg = k[2 * u + j];
            double o = k[3 * u + j];
            double tc = Math.tanh(k[5 * u + j]);
            double dcell = dc[j] + d * o * (1 - tc * tc);
            dA[j] = dcell * gg * i * (1 - i);
            dA[u + j] = dcell * k[4 * u + j] * fg * (1 - fg);
            dA[2 * u + j] = dcell * i * (1 - gg * gg);
            dA[3 * u + j] = d * tc * o * (1 - o);
            dc[j] = dcell * fg;
            dh[j] = 0;
          }
        }
        if (!gru) {
          System.arraycopy(dA, 0, dC, 0, g);
        }
        for (int kk = 0; kk < u; kk++) {
          double s = 0;
          for (int j = 0; j < g; j++) {
            s += dC[j] * wr[kk * g + j];
          }
          dh[kk] += s;
        }
        int xo = (b * steps + t) * f;
        for (int kk = 0; kk < f; kk++) {
          double s = 0;
          for (int j = 0; j < g; j++) {
            s += dA[j] * w[kk * g + j];
            packed[kk * g + j] += x[xo + kk] * dA[j];
          }
          dx[xo + kk] = s;
        }
        for (int kk = 0; kk < u; kk++) {
          for (int j = 0; j < g; j++) {
            packed[(f + kk) * g + j] += k[(gru ? 4 : 6) * u + kk] * dC[j];
          }
        }
        for (int j = 0; j < g; j++) {
          packed[(f + u) * g + j] += dA[j];
          if (gru) {
            packed[(f + u + 1) * g + j] += dC[j];
          }
        }
      }
    }
    return part == 0 ? new NDArray(xs, dx) : new NDArray(new int[] {f + u + biasRows, g}, packed);
  }

  /** Rows {@code [from, from + rows)} of a 2-D array, in the given shape. */
  static NDArray rows(NDArray m, int from, int[] shape) {
    int n = NDArray.sizeOf(shape);
    int cols = m.shape()[1];
    double[] out = new double[n];
    System.arraycopy(m.data(), from * cols, out, 0, n);
    return new NDArray(shape, out);
  }
}
