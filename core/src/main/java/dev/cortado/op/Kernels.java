package dev.cortado.op;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * The interpreter's reference kernels: plain loops over {@link NDArray}s, written to be obviously
 * right rather than fast.
 */
final class Kernels {
  private Kernels() {}

  static NDArray map(NDArray x, DoubleUnaryOperator f) {
    double[] out = new double[x.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = f.applyAsDouble(x.get(i));
    }
    return new NDArray(x.shape(), out);
  }

  /** Numpy-broadcast shape of two concrete shapes, by the same rule as the symbolic one. */
  static int[] broadcastShape(int[] a, int[] b) {
    return ShapeRules.broadcast(dev.cortado.ir.Shape.of(a), dev.cortado.ir.Shape.of(b)).dims();
  }

  /** Strides of {@code from} aligned to {@code to}, 0 along broadcast dimensions. */
  static int[] broadcastStrides(int[] from, int[] to) {
    int[] strides = new int[to.length];
    int stride = 1;
    for (int i = to.length - 1; i >= 0; i--) {
      int k = i - (to.length - from.length);
      int d = k < 0 ? 1 : from[k];
      strides[i] = d == 1 ? 0 : stride;
      stride *= d;
    }
    return strides;
  }

  /** For each flat index of {@code to}, the flat index into {@code from} under broadcasting. */
  static int[] broadcastIndex(int[] from, int[] to) {
    int[] strides = broadcastStrides(from, to);
    int n = NDArray.sizeOf(to);
    int[] idx = new int[n];
    int[] counter = new int[to.length];
    int off = 0;
    for (int i = 0; i < n; i++) {
      idx[i] = off;
      for (int d = to.length - 1; d >= 0; d--) {
        counter[d]++;
        off += strides[d];
        if (counter[d] < to[d]) {
          break;
        }
        off -= strides[d] * counter[d];
        counter[d] = 0;
      }
    }
    return idx;
  }

  static NDArray zip(NDArray a, NDArray b, DoubleBinaryOperator f) {
    if (java.util.Arrays.equals(a.shape(), b.shape())) {   // the common case: no index tables
      double[] out = new double[a.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = f.applyAsDouble(a.get(i), b.get(i));
      }
      return new NDArray(a.shape(), out);
    }
    int[] shape = broadcastShape(a.shape(), b.shape());
    int[] ia = broadcastIndex(a.shape(), shape);
    int[] ib = broadcastIndex(b.shape(), shape);
    double[] out = new double[ia.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = f.applyAsDouble(a.get(ia[i]), b.get(ib[i]));
    }
    return new NDArray(shape, out);
  }

  static NDArray broadcastTo(NDArray x, int[] shape) {
    int[] ix = broadcastIndex(x.shape(), shape);
    double[] out = new double[ix.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = x.get(ix[i]);
    }
    return new NDArray(shape, out);
  }

  static NDArray sumTo(NDArray g, int[] shape) {
    int[] ix = broadcastIndex(shape, g.shape());
    double[] out = new double[NDArray.sizeOf(shape)];
    for (int i = 0; i < ix.length; i++) {
      out[ix[i]] += g.get(i);
    }
    return new NDArray(shape, out);
  }

  /** Reduces along {@code axis} (or everything when axis is ALL) with {@code f}, starting from {@code init}. */
  static NDArray reduce(NDArray x, int axis, double init, DoubleBinaryOperator f) {
    int[] s = x.shape();
    if (axis == dev.cortado.ir.Attrs.ALL) {
      double acc = init;
      for (int i = 0; i < x.size(); i++) {
        acc = f.applyAsDouble(acc, x.get(i));
      }
      return NDArray.scalar(acc);
    }
    int outer = prod(s, 0, axis);
    int mid = s[axis];
    int inner = prod(s, axis + 1, s.length);
    int[] os = new int[s.length - 1];
    for (int i = 0, j = 0; i < s.length; i++) {
      if (i != axis) {
        os[j++] = s[i];
      }
    }
    double[] out = new double[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        double acc = init;
        for (int m = 0; m < mid; m++) {
          acc = f.applyAsDouble(acc, x.get((o * mid + m) * inner + i));
        }
        out[o * inner + i] = acc;
      }
    }
    return new NDArray(os, out);
  }

  /** One-hot of the first maximum along {@code axis} (or over everything), shaped like {@code x}. */
  static NDArray argmaxMask(NDArray x, int axis) {
    int[] s = x.shape();
    double[] out = new double[x.size()];
    if (axis == dev.cortado.ir.Attrs.ALL) {
      int best = 0;
      for (int i = 1; i < x.size(); i++) {
        if (x.get(i) > x.get(best)) {
          best = i;
        }
      }
      out[best] = 1;
      return new NDArray(s, out);
    }
    int outer = prod(s, 0, axis);
    int mid = s[axis];
    int inner = prod(s, axis + 1, s.length);
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int best = o * mid * inner + i;
        for (int m = 1; m < mid; m++) {
          int k = (o * mid + m) * inner + i;
          if (x.get(k) > x.get(best)) {
            best = k;
          }
        }
        out[best] = 1;
      }
    }
    return new NDArray(s, out);
  }

  static int prod(int[] s, int from, int to) {
    int p = 1;
    for (int i = from; i < to; i++) {
      p *= s[i];
    }
    return p;
  }

  /** Softmax (or log-softmax) along the last axis, max-shifted for stability. */
  static NDArray softmax(NDArray x, boolean log) {
    int[] s = x.shape();
    int n = s.length == 0 ? 1 : s[s.length - 1];
    int rows = x.size() / n;
    double[] out = new double[x.size()];
    for (int r = 0; r < rows; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        max = Math.max(max, x.get(r * n + j));
      }
      double sum = 0;
      for (int j = 0; j < n; j++) {
        sum += Math.exp(x.get(r * n + j) - max);
      }
      double lse = Math.log(sum);
      for (int j = 0; j < n; j++) {
        double z = x.get(r * n + j) - max;
        out[r * n + j] = log ? z - lse : Math.exp(z) / sum;
      }
    }
    return new NDArray(s, out);
  }

  /** Mean over rows of {@code -Σ labels · logSoftmax(logits)} along the last axis. */
  static NDArray softmaxCrossEntropy(NDArray logits, NDArray labels) {
    NDArray ls = softmax(logits, true);
    int n = logits.shape()[logits.rank() - 1];
    int rows = logits.size() / n;
    double total = 0;
    for (int i = 0; i < ls.size(); i++) {
      total -= labels.get(i) * ls.get(i);
    }
    return NDArray.scalar(total / rows);
  }

  /** The product with each operand viewed as a matrix of rows along its last axis (see {@link ShapeRules#matmul}). */
  static NDArray matmul(NDArray a, NDArray b, boolean ta, boolean tb) {
    int ac = a.shape()[a.shape().length - 1];
    int ar = a.size() / ac;
    int bc = b.shape()[b.shape().length - 1];
    int br = b.size() / bc;
    int m = ta ? ac : ar;
    int k = ta ? ar : ac;
    int n = tb ? br : bc;
    double[] out = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double acc = 0;
        for (int p = 0; p < k; p++) {
          double x = ta ? a.get(p * ac + i) : a.get(i * ac + p);
          double y = tb ? b.get(j * bc + p) : b.get(p * bc + j);
          acc += x * y;
        }
        out[i * n + j] = acc;
      }
    }
    int[] shape = ShapeRules.matmul(dev.cortado.ir.Shape.of(a.shape()), dev.cortado.ir.Shape.of(b.shape()), ta, tb).dims();
    return new NDArray(shape, out);
  }

  static NDArray transpose(NDArray x) {
    int r = x.shape()[0];
    int c = x.shape()[1];
    double[] out = new double[x.size()];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        out[j * r + i] = x.get(i * c + j);
      }
    }
    return new NDArray(new int[] {c, r}, out);
  }

  /** The mask of {@link Op#DROPOUT_MASK}; element i draws at index {@code offset + i}. */
  static NDArray dropoutMask(int[] shape, double rate, long seed, long step, long offset, boolean training) {
    double[] out = new double[NDArray.sizeOf(shape)];
    double keep = 1.0 / (1.0 - rate);
    for (int i = 0; i < out.length; i++) {
      out[i] = !training ? 1.0 : dev.cortado.runtime.Rng.uniform(seed, step, offset + i) >= rate ? keep : 0.0;
    }
    return new NDArray(shape, out);
  }
}
