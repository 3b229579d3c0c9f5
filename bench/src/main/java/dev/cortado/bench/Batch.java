package dev.cortado.bench;

/** One batch of inputs {@code x[batch][in]} and targets {@code y[batch][out]}, float32. */
final class Batch {
  final float[][] x;
  final float[][] y;

  Batch(float[][] x, float[][] y) {
    this.x = x;
    this.y = y;
  }

  /** The inputs as one row-major array, as {@code Executable.trainStepFloats} takes them. */
  float[] flatX() {
    return flatten(x);
  }

  /** The targets as one row-major array. */
  float[] flatY() {
    return flatten(y);
  }

  static float[] flatten(float[][] rows) {
    int cols = rows[0].length;
    float[] flat = new float[rows.length * cols];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, flat, r * cols, cols);
    }
    return flat;
  }
}
