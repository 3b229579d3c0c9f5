package dev.cortado.op;

import java.util.Arrays;

/** A concrete row-major array of doubles with a concrete shape: the interpreter's value. */
public final class NDArray {
  private final int[] shape;
  private final double[] data;

  /**
   * An array over {@code data} (not copied).
   *
   * @param shape the dimensions
   * @param data the values, row-major
   * @throws IllegalArgumentException if the lengths differ
   */
  public NDArray(int[] shape, double[] data) {
    int n = sizeOf(shape);
    if (n != data.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
          + " values, got " + data.length);
    }
    this.shape = shape;
    this.data = data;
  }

  /**
   * An array of zeros.
   *
   * @param shape the dimensions
   * @return the array
   */
  public static NDArray zeros(int[] shape) {
    return new NDArray(shape, new double[sizeOf(shape)]);
  }

  /**
   * A scalar.
   *
   * @param v the value
   * @return the array of shape {@code []}
   */
  public static NDArray scalar(double v) {
    return new NDArray(new int[0], new double[] {v});
  }

  /**
   * The element count of a shape.
   *
   * @param shape the dimensions
   * @return their product, 1 for a scalar
   */
  public static int sizeOf(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /**
   * The shape; do not modify.
   *
   * @return the live dimensions
   */
  public int[] shape() {
    return shape;
  }

  /**
   * The values; do not modify unless this array is yours.
   *
   * @return the live values, row-major
   */
  public double[] data() {
    return data;
  }

  /**
   * The element count.
   *
   * @return the number of values
   */
  public int size() {
    return data.length;
  }

  /**
   * The number of dimensions.
   *
   * @return the rank
   */
  public int rank() {
    return shape.length;
  }

  /**
   * One value.
   *
   * @param i its row-major index
   * @return the value
   */
  public double get(int i) {
    return data[i];
  }

  @Override
  public String toString() {
    return Arrays.toString(shape) + " " + Arrays.toString(data);
  }
}
