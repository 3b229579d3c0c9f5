package dev.cortado.op;

import dev.cortado.ir.Attrs;
import dev.cortado.ir.Shape;

/** Shape rules shared by several ops; each throws IllegalArgumentException saying what does not fit. */
public final class ShapeRules {
  private ShapeRules() {}

  /**
   * Numpy broadcasting: align from the right; equal sizes, or one side 1. BATCH matches BATCH or 1.
   *
   * @param a one shape
   * @param b the other
   * @return the broadcast shape
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public static Shape broadcast(Shape a, Shape b) {
    int r = Math.max(a.rank(), b.rank());
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int da = dimFromRight(a, i, r);
      int db = dimFromRight(b, i, r);
      if (da == db || db == 1) {
        out[i] = da;
      } else if (da == 1) {
        out[i] = db;
      } else {
        throw new IllegalArgumentException("shapes " + a + " and " + b
            + " do not broadcast (dimension " + i + " of the result: " + name(da) + " vs " + name(db) + ")");
      }
    }
    return Shape.of(out);
  }

  private static int dimFromRight(Shape s, int i, int r) {
    int k = i - (r - s.rank());
    return k < 0 ? 1 : s.dim(k);
  }

  private static String name(int d) {
    return d == Shape.BATCH ? "BATCH" : Integer.toString(d);
  }

  /**
   * True when {@code from} broadcasts to exactly {@code to}.
   *
   * @param from the operand's shape
   * @param to the result's shape
   * @return whether it broadcasts
   */
  public static boolean broadcastsTo(Shape from, Shape to) {
    if (from.rank() > to.rank()) {
      return false;
    }
    try {
      return broadcast(from, to).equals(to);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Resolves a negative axis (-1 is the last) and checks it is in range.
   *
   * @param s the shape
   * @param axis the axis, negative from the end
   * @return the axis, from 0
   * @throws IllegalArgumentException if the axis is out of range
   */
  public static int axis(Shape s, int axis) {
    if (axis == Attrs.ALL) {
      return axis;
    }
    int a = axis < 0 ? axis + s.rank() : axis;
    if (a < 0 || a >= s.rank()) {
      throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + s);
    }
    return a;
  }

  /**
   * The shape of a reduction over {@code axis} (or every axis), the axis removed.
   *
   * @param s the operand's shape
   * @param axis the axis, or {@link dev.cortado.ir.Attrs#ALL}
   * @return the result's shape
   */
  public static Shape reduce(Shape s, int axis) {
    if (axis == Attrs.ALL) {
      return Shape.SCALAR;
    }
    return s.drop(axis(s, axis));
  }

  /**
   * Reshape: same element count; BATCH in the target stands for the batch dimension of the source.
   *
   * @param from the operand's shape
   * @param to the target shape
   * @return the result's shape
   * @throws IllegalArgumentException if the element counts differ
   */
  public static Shape reshape(Shape from, Shape to) {
    if (from.hasBatch() != to.hasBatch() || from.fixedSize() != to.fixedSize()) {
      throw new IllegalArgumentException("cannot reshape " + from + " (" + from.fixedSize()
          + (from.hasBatch() ? "·BATCH" : "") + " elements) to " + to + " (" + to.fixedSize()
          + (to.hasBatch() ? "·BATCH" : "") + " elements)");
    }
    return to;
  }

  /**
   * Matmul {@code op(A)·op(B)} → [m, n]. Operands of rank 2 are matrices. An {@code A} of higher
   * rank is a stack of rows along its last axis, as a dense layer applies to the last axis:
   * {@code [..., k]·[k, n] → [..., n]}; transposed, it contracts every leading axis with those of
   * a {@code B} of the same leading shape: {@code [..., k]ᵀ·[..., n] → [k, n]} (the kernel
   * gradient of such a layer).
   *
   * @param a the left operand's shape
   * @param b the right operand's shape
   * @param ta whether {@code A} is transposed
   * @param tb whether {@code B} is transposed
   * @return the result's shape
   * @throws IllegalArgumentException if the inner dimensions differ
   */
  public static Shape matmul(Shape a, Shape b, boolean ta, boolean tb) {
    if (a.rank() < 2 || b.rank() < 2) {
      throw new IllegalArgumentException("matmul needs operands of rank 2 or more, got " + a + " and " + b);
    }
    if (a.rank() == 2 && b.rank() == 2) {
      int m = ta ? a.dim(1) : a.dim(0);
      int ka = ta ? a.dim(0) : a.dim(1);
      int kb = tb ? b.dim(1) : b.dim(0);
      int n = tb ? b.dim(0) : b.dim(1);
      if (ka != kb) {
        throw new IllegalArgumentException("inner dimensions differ: " + a + (ta ? "ᵀ" : "") + " · " + b
            + (tb ? "ᵀ" : "") + " contracts " + name(ka) + " with " + name(kb));
      }
      return Shape.of(m, n);
    }
    int last = a.dim(a.rank() - 1);
    if (!ta) {
      if (b.rank() != 2) {
        throw new IllegalArgumentException("a matmul of " + a + " applies to its last axis and needs a 2-D right"
            + " operand, got " + b);
      }
      int kb = tb ? b.dim(1) : b.dim(0);
      if (last != kb) {
        throw new IllegalArgumentException("inner dimensions differ: " + a + " · " + b + (tb ? "ᵀ" : "")
            + " contracts " + name(last) + " with " + name(kb));
      }
      int[] out = a.dims();
      out[out.length - 1] = tb ? b.dim(0) : b.dim(1);
      return Shape.of(out);
    }
    Shape lead = a.drop(a.rank() - 1);
    if (tb || b.rank() != a.rank() || !b.drop(b.rank() - 1).equals(lead)) {
      throw new IllegalArgumentException("a transposed matmul of " + a + " contracts its leading axes " + lead
          + " and needs a right operand " + lead + " + [n], untransposed, got " + b + (tb ? "ᵀ" : ""));
    }
    return Shape.of(last, b.dim(b.rank() - 1));
  }
}
