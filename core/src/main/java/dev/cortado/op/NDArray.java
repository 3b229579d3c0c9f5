package dev.cortado.op;

import java.util.Arrays;

/** A concrete row-major array of doubles with a concrete shape: the interpreter's value. */
public final class NDArray {
  private final int[] shape;
  private final double[] data;

  public NDArray(int[] shape, double[] data) {
    int n = sizeOf(shape);
    if (n != data.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
          + " values, got " + data.length);
    }
    this.shape = shape;
    this.data = data;
  }

  public static NDArray zeros(int[] shape) {
    return new NDArray(shape, new double[sizeOf(shape)]);
  }

  public static NDArray scalar(double v) {
    return new NDArray(new int[0], new double[] {v});
  }

  public static int sizeOf(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /** The shape; do not modify. */
  public int[] shape() {
    return shape;
  }

  /** The values; do not modify unless this array is yours. */
  public double[] data() {
    return data;
  }

  public int size() {
    return data.length;
  }

  public int rank() {
    return shape.length;
  }

  public double get(int i) {
    return data[i];
  }

  @Override
  public String toString() {
    return Arrays.toString(shape) + " " + Arrays.toString(data);
  }
}
