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

  /** No attributes: every field at its default. */
  public static final Attrs NONE = new Attrs(ALL, 0, null, false, false, 0);

  /**
   * Attributes without integer list.
   *
   * @param axis the axis, or {@link #ALL}
   * @param value the scalar
   * @param shape the target shape, or null
   * @param transA whether a matmul's left operand is transposed
   * @param transB whether a matmul's right operand is transposed
   * @param seed the seed of a random op
   */
  public Attrs(int axis, double value, Shape shape, boolean transA, boolean transB, long seed) {
    this(axis, value, shape, transA, transB, seed, null);
  }

  /**
   * The record's component, copied so the attributes stay immutable.
   *
   * @return a copy, or null
   */
  @Override
  public int[] ints() {
    return ints == null ? null : ints.clone();
  }

  /**
   * Element {@code i} of the integer list.
   *
   * @param i the index
   * @return the element
   */
  public int ints(int i) {
    return ints[i];
  }

  /**
   * An integer list (a window, a permutation) and, optionally, a shape (null for none).
   *
   * @param s the shape, or null
   * @param ints the list (copied)
   * @return the attributes
   */
  public static Attrs ints(Shape s, int... ints) {
    return new Attrs(ALL, 0, s, false, false, 0, ints.clone());
  }

  /**
   * An axis alone (a reduction's, a softmax's).
   *
   * @param axis the axis, or {@link #ALL}
   * @return the attributes
   */
  public static Attrs axis(int axis) {
    return new Attrs(axis, 0, null, false, false, 0);
  }

  /**
   * A scalar alone (a constant's value, a leaky slope).
   *
   * @param v the scalar
   * @return the attributes
   */
  public static Attrs value(double v) {
    return new Attrs(ALL, v, null, false, false, 0);
  }

  /**
   * A target shape alone (a reshape's, a broadcast's).
   *
   * @param s the shape
   * @return the attributes
   */
  public static Attrs shape(Shape s) {
    return new Attrs(ALL, 0, s, false, false, 0);
  }

  /**
   * A matrix product's transpose flags.
   *
   * @param transA whether the left operand is transposed
   * @param transB whether the right operand is transposed
   * @return the attributes
   */
  public static Attrs matmul(boolean transA, boolean transB) {
    return new Attrs(ALL, 0, null, transA, transB, 0);
  }

  /**
   * A dropout mask's attributes: its rate and its seed (the mask takes its shape from its input).
   *
   * @param rate the probability of zeroing an element
   * @param seed the mask's seed
   * @return the attributes
   */
  public static Attrs dropout(double rate, long seed) {
    return new Attrs(ALL, rate, null, false, false, seed);
  }

  /**
   * A short text for the IR printer, listing only the fields in use.
   *
   * @return the text, empty for no attribute
   */
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
