package dev.cortado.ir;

import java.util.Arrays;

/**
 * An immutable tensor shape whose dimensions are positive sizes or {@link #BATCH}, the symbolic
 * batch dimension fixed only when a step runs. {@code []} is a scalar.
 */
public final class Shape {
  /** The symbolic batch dimension. */
  public static final int BATCH = -1;

  /** The scalar shape {@code []}. */
  public static final Shape SCALAR = new Shape(new int[0]);

  /**
   * The most elements one tensor may hold at any batch size: the largest Java array the JVM
   * allocates ({@code Integer.MAX_VALUE - 8}), which also keeps every generated {@code int}
   * index, and every index plus a small unrolling offset, from overflowing.
   */
  public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private final int[] dims;

  private Shape(int[] dims) {
    this.dims = dims;
  }

  /**
   * A shape of the given dimensions; each is positive or {@link #BATCH}.
   *
   * @param dims the dimensions (copied)
   * @return the shape
   * @throws IllegalArgumentException if a dimension is neither positive nor {@link #BATCH}
   */
  public static Shape of(int... dims) {
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] <= 0 && dims[i] != BATCH) {
        throw new IllegalArgumentException(
            "dimension " + i + " of " + Arrays.toString(dims) + " is " + dims[i]
                + ": a dimension is a positive size or BATCH");
      }
    }
    return new Shape(dims.clone());
  }

  /**
   * The number of dimensions.
   *
   * @return the rank, 0 for a scalar
   */
  public int rank() {
    return dims.length;
  }

  /**
   * One dimension.
   *
   * @param i the axis, from 0
   * @return its size, or {@link #BATCH}
   */
  public int dim(int i) {
    return dims[i];
  }

  /**
   * The dimensions.
   *
   * @return a copy
   */
  public int[] dims() {
    return dims.clone();
  }

  /**
   * Whether the shape is {@code []}.
   *
   * @return true for a scalar
   */
  public boolean isScalar() {
    return dims.length == 0;
  }

  /**
   * Whether a dimension is {@link #BATCH}.
   *
   * @return true for a batch shape
   */
  public boolean hasBatch() {
    for (int d : dims) {
      if (d == BATCH) {
        return true;
      }
    }
    return false;
  }

  /**
   * The product of the fixed dimensions (the batch dimension counts as 1), saturated at {@link
   * Long#MAX_VALUE} so a product too large for a long still compares as too large.
   *
   * @return the product
   */
  public long fixedSize() {
    long n = 1;
    for (int d : dims) {
      if (d != BATCH) {
        n = saturatedProduct(n, d);
      }
    }
    return n;
  }

  /**
   * Throws unless one row of this shape (the batch dimension at 1) fits in a Java array.
   *
   * @param what names the tensor in the message, such as {@code "variable 'w'"}
   * @throws IllegalArgumentException naming {@code what}, the shape and the element count
   */
  public void requireFits(String what) {
    long n = fixedSize();
    if (n > MAX_ELEMENTS) {
      throw new IllegalArgumentException(what + " of shape " + this + " holds "
          + (n == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : Long.toString(n))
          + " elements" + (hasBatch() ? " per batch row" : "") + ", more than a Java array holds ("
          + MAX_ELEMENTS + ")");
    }
  }

  /**
   * The largest batch size at which this shape fits in a Java array ({@link Integer#MAX_VALUE}
   * when it has no batch dimension; 0 when not even one row fits).
   *
   * @return the largest batch size
   */
  public int maxBatch() {
    int k = 0;
    for (int d : dims) {
      k += d == BATCH ? 1 : 0;
    }
    long row = fixedSize();
    if (k == 0 || row > MAX_ELEMENTS) {
      return k == 0 ? Integer.MAX_VALUE : 0;
    }
    long cap = MAX_ELEMENTS / row;
    long b = k == 1 ? cap : (long) Math.floor(Math.pow(cap, 1.0 / k));
    while (power(b + 1, k) <= cap) {
      b++;
    }
    while (b > 0 && power(b, k) > cap) {
      b--;
    }
    return (int) Math.min(b, Integer.MAX_VALUE);
  }

  private static long power(long b, int k) {
    long n = 1;
    for (int i = 0; i < k; i++) {
      n = saturatedProduct(n, b);
    }
    return n;
  }

  private static long saturatedProduct(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
  }

  /**
   * The element count once the batch dimension is {@code batch}.
   *
   * @param batch the batch size
   * @return the element count
   */
  public int size(int batch) {
    long n = 1;
    for (int d : dims) {
      n *= d == BATCH ? batch : d;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("shape " + this + " at batch " + batch + " is too large");
    }
    return (int) n;
  }

  /**
   * The concrete dimensions once the batch dimension is {@code batch}.
   *
   * @param batch the batch size
   * @return a new array
   */
  public int[] resolve(int batch) {
    int[] r = dims.clone();
    for (int i = 0; i < r.length; i++) {
      if (r[i] == BATCH) {
        r[i] = batch;
      }
    }
    return r;
  }

  /**
   * A copy with dimension {@code axis} removed.
   *
   * @param axis the axis, from 0
   * @return the new shape
   */
  public Shape drop(int axis) {
    int[] r = new int[dims.length - 1];
    for (int i = 0, j = 0; i < dims.length; i++) {
      if (i != axis) {
        r[j++] = dims[i];
      }
    }
    return new Shape(r);
  }

  /**
   * A copy with dimension {@code axis} set to 1 (a reduction that keeps its axis).
   *
   * @param axis the axis, from 0
   * @return the new shape
   */
  public Shape keep(int axis) {
    int[] r = dims.clone();
    r[axis] = 1;
    return new Shape(r);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  /** Prints as {@code [BATCH, 3]}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < dims.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(dims[i] == BATCH ? "BATCH" : Integer.toString(dims[i]));
    }
    return sb.append(']').toString();
  }
}
