package dev.cortado.ir;

/**
 * The attributes a node carries besides its inputs: an axis, a scalar (a constant's value, a
 * leaky slope, a dropout rate), a target shape, matmul transpose flags, a seed, and a list of
 * whole numbers for ops with more structure (a window's size, strides and padding, a permutation
 * of axes). Unused fields keep their defaults ({@code ints} is null).
 */
public record Attrs(int axis, double value, Shape shape, boolean transA, boolean transB, long seed, int[] ints) {
  /** {@link #axis} value meaning "every axis". */
  public static final int ALL = Integer.MIN_VALUE;

  public static final Attrs NONE = new Attrs(ALL, 0, null, false, false, 0);

  /** Attributes without integer list. */
  public Attrs(int axis, double value, Shape shape, boolean transA, boolean transB, long seed) {
    this(axis, value, shape, transA, transB, seed, null);
  }

  /** The record's component, copied so the attributes stay immutable. */
  @Override
  public int[] ints() {
    return ints == null ? null : ints.clone();
  }

  /** Element {@code i} of the integer list. */
  public int ints(int i) {
    return ints[i];
  }

  /** An integer list (a window, a permutation) and, optionally, a shape (null for none). */
  public static Attrs ints(Shape s, int... ints) {
    return new Attrs(ALL, 0, s, false, false, 0, ints.clone());
  }

  public static Attrs axis(int axis) {
    return new Attrs(axis, 0, null, false, false, 0);
  }

  public static Attrs value(double v) {
    return new Attrs(ALL, v, null, false, false, 0);
  }

  public static Attrs shape(Shape s) {
    return new Attrs(ALL, 0, s, false, false, 0);
  }

  public static Attrs matmul(boolean transA, boolean transB) {
    return new Attrs(ALL, 0, null, transA, transB, 0);
  }

  /** A dropout mask's attributes: its rate and its seed (the mask takes its shape from its input). */
  public static Attrs dropout(double rate, long seed) {
    return new Attrs(ALL, rate, null, false, false, seed);
  }

  /** A short text for the IR printer, listing only the fields in use. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    if (axis != ALL) {
      sb.append(" axis=").append(axis);
    }
    if (value != 0) {
      sb.append(" value=").append(value);
    }
    if (shape != null) {
      sb.append(" shape=").append(shape);
    }
    if (transA) {
      sb.append(" transA");
    }
    if (transB) {
      sb.append(" transB");
    }
    if (seed != 0) {
      sb.append(" seed=").append(seed);
    }
    if (ints != null) {
      sb.append(" ints=").append(java.util.Arrays.toString(ints));
    }
    return sb.toString();
  }

  /**
   * The record's equality (a component-wise {@code Double.compare} for {@code value}), written
   * out: a record's generated {@code equals} and {@code hashCode} run through method handles,
   * which on a cold JVM made hashing attributes a third of the code generator's passes (common
   * subexpressions are found by op, attributes and inputs).
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof Attrs a && axis == a.axis && Double.compare(value, a.value) == 0
        && java.util.Objects.equals(shape, a.shape) && transA == a.transA && transB == a.transB && seed == a.seed
        && java.util.Arrays.equals(ints, a.ints);
  }

  @Override
  public int hashCode() {
    int h = 31 * axis + Double.hashCode(value);
    h = 31 * h + java.util.Objects.hashCode(shape);
    h = 31 * h + (transA ? 1 : 0);
    h = 31 * h + (transB ? 1 : 0);
    h = 31 * h + Long.hashCode(seed);
    return 31 * h + java.util.Arrays.hashCode(ints);
  }
}
