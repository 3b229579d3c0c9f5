package dev.cortado.dsl;

import dev.cortado.ir.Attrs;
import dev.cortado.ir.Shape;
import dev.cortado.op.Op;
import dev.cortado.op.Windows;

/**
 * Pooling and reshaping layers without variables, the static functions of {@link Cortado}: each
 * window is a patch of the input ({@code VALID} windows, stride defaulting to the size) reduced
 * with max or mean; max pooling's gradient goes to the first maximum of a window (row-major).
 */
final class Pooling {
  private Pooling() {}

  static Tensor pool2d(String layer, Tensor x, int size, int stride, boolean max) {
    Shape s = x.shape();
    String what = layer + " on input " + s + " with window " + size + "×" + size + ", stride " + stride;
    if (size <= 0 || stride <= 0) {
      throw new IllegalArgumentException(what + ": size and stride must be positive");
    }
    if (s.rank() != 4 || s.dim(1) == Shape.BATCH || s.dim(2) == Shape.BATCH || s.dim(3) == Shape.BATCH) {
      throw new IllegalArgumentException(what + ": needs an image batch [BATCH, height, width, channels] of fixed"
          + " height, width and channels");
    }
    if (size > s.dim(1) || size > s.dim(2)) {
      throw new IllegalArgumentException(what + ": the window is larger than the " + s.dim(1) + "×" + s.dim(2) + " image");
    }
    return reduce(x, Windows.window(size, size, stride, stride, 0, 0, 0, 0), size * size, max);
  }

  static Tensor pool1d(String layer, Tensor x, int size, int stride, boolean max) {
    Shape s = x.shape();
    String what = layer + " on input " + s + " with window " + size + ", stride " + stride;
    if (size <= 0 || stride <= 0) {
      throw new IllegalArgumentException(what + ": size and stride must be positive");
    }
    if (s.rank() != 3 || s.dim(1) == Shape.BATCH || s.dim(2) == Shape.BATCH) {
      throw new IllegalArgumentException(what + ": needs a sequence batch [BATCH, steps, channels] of fixed steps"
          + " and channels");
    }
    if (size > s.dim(1)) {
      throw new IllegalArgumentException(what + ": the window is longer than the " + s.dim(1) + " steps");
    }
    Tensor image = x.reshape(s.dim(0), 1, s.dim(1), s.dim(2));
    Tensor h = reduce(image, Windows.window(1, size, 1, stride, 0, 0, 0, 0), size, max);
    return h.reshape(s.dim(0), h.shape().dim(2), s.dim(2));
  }

  /**
   * Max: one {@link Op#MAX_POOL} over the image (no patches stored, and a gradient that reads the
   * image once). Mean: the patches as {@code [B, OH, OW, window, C]}, averaged over the window axis.
   */
  private static Tensor reduce(Tensor x, int[] window, int count, boolean max) {
    if (max) {
      return x.op(Op.MAX_POOL, Attrs.ints(null, window), x);
    }
    Tensor p = x.op(Op.PATCHES, Attrs.ints(null, window), x);
    Shape ps = p.shape();
    int c = x.shape().dim(3);
    Tensor w = p.reshape(ps.dim(0), ps.dim(1), ps.dim(2), count, c);
    return w.mean(3);
  }

  /** The mean over every axis between the batch and the channels: {@code [B, C]}. */
  static Tensor globalAvgPool(Tensor x) {
    Shape s = x.shape();
    if (s.rank() < 3) {
      throw new IllegalArgumentException("globalAvgPool needs [BATCH, ..., channels] of rank 3 or more, got " + s);
    }
    int inner = 1;
    for (int i = 1; i < s.rank() - 1; i++) {
      inner *= s.dim(i);
    }
    return x.reshape(s.dim(0), inner, s.dim(s.rank() - 1)).mean(1);
  }

  /** Sum of each part padded with zeros to the joined size at its offset along the axis. */
  static Tensor concat(int axis, Tensor... parts) {
    if (parts == null || parts.length == 0) {
      throw new IllegalArgumentException("concat needs at least one tensor");
    }
    Shape first = java.util.Objects.requireNonNull(parts[0], "concat: part 0").shape();
    int a = axis < 0 ? axis + first.rank() : axis;
    if (a < 0 || a >= first.rank() || first.dim(a) == Shape.BATCH) {
      throw new IllegalArgumentException("concat along axis " + axis + " of " + parts[0]
          + ": the axis must be in range and not the batch axis");
    }
    int total = 0;
    for (int i = 0; i < parts.length; i++) {
      Shape s = java.util.Objects.requireNonNull(parts[i], "concat: part " + i).shape();
      boolean fits = s.rank() == first.rank();
      for (int d = 0; fits && d < s.rank(); d++) {
        fits = d == a || s.dim(d) == first.dim(d);
      }
      if (!fits) {
        throw new IllegalArgumentException("concat along axis " + a + ": part " + i + " " + parts[i]
            + " does not match part 0 " + parts[0] + " on the other axes");
      }
      total += s.dim(a);
    }
    if (parts.length == 1) {
      return parts[0];
    }
    Tensor sum = null;
    int at = 0;
    for (Tensor p : parts) {
      Tensor placed = p.op(dev.cortado.op.Op.PAD, dev.cortado.ir.Attrs.ints(null, a, at, total), p);
      at += p.shape().dim(a);
      sum = sum == null ? placed : sum.add(placed);
    }
    return sum;
  }

  /** {@code [B, product of the rest]}, row-major. */
  static Tensor flatten(Tensor x) {
    Shape s = x.shape();
    if (s.rank() < 1) {
      throw new IllegalArgumentException("flatten needs a tensor with a batch axis, got the scalar " + x);
    }
    long rest = 1;
    for (int i = 1; i < s.rank(); i++) {
      if (s.dim(i) == Shape.BATCH) {
        throw new IllegalArgumentException("flatten keeps the batch axis first; " + s + " has BATCH elsewhere");
      }
      rest *= s.dim(i);
    }
    return x.reshape(s.dim(0), (int) rest);
  }
}
