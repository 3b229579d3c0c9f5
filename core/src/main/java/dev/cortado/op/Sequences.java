package dev.cortado.op;

import dev.cortado.ir.Attrs;
import dev.cortado.ir.Shape;

/**
 * Shape rules and reference kernels of the ops that embeddings and attention are built from:
 * table lookups by id and their scatter-add adjoint, slices along an axis and their zero-padding
 * adjoint, and batched matrix products {@code [B, n, k]·[B, k, m]}.
 */
final class Sequences {
  private Sequences() {}

  // ---------------------------------------------------------------- lookups

  /** {@code ids.shape + [dim]} for a table {@code [vocab, dim]}. */
  public static Shape gather(Shape ids, Shape table) {
    if (table.rank() != 2 || table.hasBatch()) {
      throw new IllegalArgumentException("an embedding table must be [vocab, dim], got " + table);
    }
    int[] d = ids.dims();
    int[] out = java.util.Arrays.copyOf(d, d.length + 1);
    out[d.length] = table.dim(1);
    return Shape.of(out);
  }

  /** The shape of a scatter-add of rows {@code g} ({@code ids.shape + [dim]}) into a table of the attribute's shape. */
  public static Shape scatterAdd(Shape ids, Shape g, Shape table) {
    if (table == null || !gather(ids, table).equals(g)) {
      throw new IllegalArgumentException("rows " + g + " picked by ids " + ids + " do not fit a table " + table);
    }
    return table;
  }

  /**
   * The id at position {@code i} of {@code ids} as a row index of a table of {@code vocab} rows;
   * throws naming the position and the value when it is not a whole number in {@code [0, vocab)}.
   */
  public static int id(NDArray ids, int i, int vocab) {
    double v = ids.get(i);
    if (!(v >= 0 && v < vocab && v == Math.rint(v))) {
      throw new IllegalArgumentException("id " + v + " at position " + i + " is not a whole number in [0, " + vocab
          + ")");
    }
    return (int) v;
  }

  static NDArray gather(NDArray ids, NDArray table) {
    int vocab = table.shape()[0];
    int dim = table.shape()[1];
    double[] out = new double[ids.size() * dim];
    for (int p = 0; p < ids.size(); p++) {
      System.arraycopy(table.data(), id(ids, p, vocab) * dim, out, p * dim, dim);
    }
    int[] s = java.util.Arrays.copyOf(ids.shape(), ids.rank() + 1);
    s[ids.rank()] = dim;
    return new NDArray(s, out);
  }

  /** Adds row {@code p} of {@code g} into row {@code ids[p]} of a zero table, positions in order. */
  static NDArray scatterAdd(NDArray ids, NDArray g, int[] table) {
    int dim = table[1];
    double[] out = new double[table[0] * dim];
    for (int p = 0; p < ids.size(); p++) {
      int row = id(ids, p, table[0]) * dim;
      for (int j = 0; j < dim; j++) {
        out[row + j] += g.get(p * dim + j);
      }
    }
    return new NDArray(table, out);
  }

  // ---------------------------------------------------------------- slices: ints {axis, from, to}

  /** x with axis {@code a[0]} cut to {@code [a[1], a[2])}; the batch axis cannot be cut. */
  public static Shape slice(Shape x, Attrs a) {
    int[] w = a.ints();
    int axis = axisOf(x, w, "slice");
    int n = x.dim(axis);
    if (w[1] < 0 || w[2] <= w[1] || w[2] > n) {
      throw new IllegalArgumentException("slice [" + w[1] + ", " + w[2] + ") of axis " + axis + " of " + x
          + " is empty or out of range [0, " + n + "]");
    }
    int[] d = x.dims();
    d[axis] = w[2] - w[1];
    return Shape.of(d);
  }

  /** x placed at offset {@code a[1]} along axis {@code a[0]} of a zero tensor with {@code a[2]} there (the adjoint of a slice). */
  public static Shape pad(Shape x, Attrs a) {
    int[] w = a.ints();
    int axis = axisOf(x, w, "pad");
    if (w[1] < 0 || w[1] + x.dim(axis) > w[2]) {
      throw new IllegalArgumentException("axis " + axis + " of " + x + " at offset " + w[1] + " does not fit in " + w[2]);
    }
    int[] d = x.dims();
    d[axis] = w[2];
    return Shape.of(d);
  }

  private static int axisOf(Shape x, int[] w, String what) {
    if (w == null || w.length != 3 || w[0] < 0 || w[0] >= x.rank()) {
      throw new IllegalArgumentException(what + " needs {axis, from, to} with an axis of " + x + ", got "
          + java.util.Arrays.toString(w));
    }
    if (x.dim(w[0]) == Shape.BATCH) {
      throw new IllegalArgumentException("cannot " + what + " the batch axis " + w[0] + " of " + x);
    }
    return w[0];
  }

  /** Copies runs between x and y, whose shapes differ only along {@code axis}, at offset {@code from} in the larger one. */
  static NDArray copyAlong(NDArray x, int[] outShape, int axis, int from, boolean slice) {
    int[] big = slice ? x.shape() : outShape;
    int[] small = slice ? outShape : x.shape();
    int outer = Kernels.prod(big, 0, axis);
    int inner = Kernels.prod(big, axis + 1, big.length);
    int runBig = big[axis] * inner;
    int runSmall = small[axis] * inner;
    double[] out = new double[NDArray.sizeOf(outShape)];
    for (int o = 0; o < outer; o++) {
      if (slice) {
        System.arraycopy(x.data(), o * runBig + from * inner, out, o * runSmall, runSmall);
      } else {
        System.arraycopy(x.data(), o * runSmall, out, o * runBig + from * inner, runSmall);
      }
    }
    return new NDArray(outShape, out);
  }

  // ---------------------------------------------------------------- batched products

  /** {@code op(A)·op(B)} for every index of axis 0: {@code [B, n, k]·[B, k, m] → [B, n, m]}, transposes per slice. */
  public static Shape batchMatmul(Shape a, Shape b, boolean ta, boolean tb) {
    if (a.rank() != 3 || b.rank() != 3 || a.dim(0) != b.dim(0)) {
      throw new IllegalArgumentException("a batched matmul needs [B, n, k] and [B, k, m] with one B, got " + a
          + " and " + b);
    }
    int ka = ta ? a.dim(1) : a.dim(2);
    int kb = tb ? b.dim(2) : b.dim(1);
    if (ka != kb || ka == Shape.BATCH) {
      throw new IllegalArgumentException("inner dimensions differ: " + a + (ta ? "ᵀ" : "") + " · " + b
          + (tb ? "ᵀ" : "") + " contracts " + ka + " with " + kb);
    }
    return Shape.of(a.dim(0), ta ? a.dim(2) : a.dim(1), tb ? b.dim(1) : b.dim(2));
  }

  static NDArray batchMatmul(NDArray a, NDArray b, boolean ta, boolean tb) {
    int[] as = a.shape();
    int[] bs = b.shape();
    int batch = as[0];
    int n = ta ? as[2] : as[1];
    int k = ta ? as[1] : as[2];
    int m = tb ? bs[1] : bs[2];
    double[] out = new double[batch * n * m];
    for (int s = 0; s < batch; s++) {
      int ao = s * as[1] * as[2];
      int bo = s * bs[1] * bs[2];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < m; j++) {
          double acc = 0;
          for (int p = 0; p < k; p++) {
            double x = ta ? a.get(ao + p * as[2] + i) : a.get(ao + i * as[2] + p);
            double y = tb ? b.get(bo + j * bs[2] + p) : b.get(bo + p * bs[2] + j);
            acc += x * y;
          }
          out[(s * n + i) * m + j] = acc;
        }
      }
    }
    return new NDArray(new int[] {batch, n, m}, out);
  }
}
