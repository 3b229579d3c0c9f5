package dev.cortado.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrthogonalInitializerTest {
  /** Shapes as "dims; gain": square, tall, wide, and rank 3-4 (rows = product of all but the last). */
  @ParameterizedTest(name = "[{0}] gain {1}")
  @CsvSource({"64 64, 1.0", "100 30, 1.0", "30 100, 1.0", "3 3 8 16, 2.0", "2 5 40, 0.5", "1 7, 1.0", "7 1, -1.5"})
  void rowsOrColumnsAreOrthonormalTimesGain(String dims, double gain) {
    int[] shape = parse(dims);
    int cols = shape[shape.length - 1];
    int rows = product(shape) / cols;
    double[] w = Initializers.orthogonal(gain).initialize(shape, new Well19937c(21));
    assertEquals(rows * cols, w.length);
    boolean tall = rows >= cols;
    int k = tall ? cols : rows; // the Gram matrix is k x k
    for (int a = 0; a < k; a++) {
      for (int b = 0; b < k; b++) {
        double dot = 0;
        for (int i = 0; i < (tall ? rows : cols); i++) dot += entry(w, cols, tall, i, a) * entry(w, cols, tall, i, b);
        assertEquals(a == b ? gain * gain : 0.0, dot, 1e-10, "Gram[" + a + "][" + b + "] of " + dims);
      }
    }
  }

  /**
   * With the sign correction, {@code Q^T A} for the normal matrix {@code A} that the initializer drew (drawn
   * again here from an identically seeded generator) is {@code R}: upper triangular with a positive
   * diagonal. Without it about half the diagonal would be negative.
   */
  @ParameterizedTest(name = "[{0}]")
  @CsvSource({"40 40", "50 12", "12 50"})
  void qIsSignCorrectedAgainstTheDrawnMatrix(String dims) {
    int[] shape = parse(dims);
    int rows = shape[0], cols = shape[1];
    double[] w = Initializers.orthogonal().initialize(shape, new Well19937c(8));
    Well19937c again = new Well19937c(8);
    int m = Math.max(rows, cols), n = Math.min(rows, cols);
    double[][] a = new double[m][n];
    for (double[] row : a) for (int j = 0; j < n; j++) row[j] = again.nextGaussian();
    boolean tall = rows >= cols;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double r = 0; // (Q^T A)[i][j], Q is m x n: Q = W when tall, W^T when wide
        for (int t = 0; t < m; t++) r += entry(w, cols, tall, t, i) * a[t][j];
        if (i > j) assertEquals(0.0, r, 1e-10, "R[" + i + "][" + j + "]");
        if (i == j) assertTrue(r > 0, "R[" + i + "][" + i + "] = " + r);
      }
    }
  }

  @Test
  void rejectsScalarsAndVectors() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Initializers.orthogonal().initialize(new int[] {5}, new Well19937c(1)));
    assertTrue(e.getMessage().contains("orthogonal") && e.getMessage().contains("[5]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Initializers.orthogonal(3).initialize(new int[0], new Well19937c(1)));
    assertTrue(e.getMessage().contains("orthogonal(gain=3.0)") && e.getMessage().contains("[]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Initializers.orthogonal(Double.NaN));
    assertTrue(e.getMessage().contains("orthogonal") && e.getMessage().contains("NaN"), e.getMessage());
  }

  @Test
  void emptyShapeGivesAnEmptyArray() {
    assertEquals(0, Initializers.orthogonal().initialize(new int[] {0, 4}, new Well19937c(1)).length);
    assertEquals(0, Initializers.orthogonal().initialize(new int[] {4, 0}, new Well19937c(1)).length);
  }

  /** Entry (i, j) of the tall matrix Q: W[i][j] when W is tall, W[j][i] when W is wide. */
  private static double entry(double[] w, int cols, boolean tall, int i, int j) {
    return tall ? w[i * cols + j] : w[j * cols + i];
  }

  static int[] parse(String dims) {
    String[] parts = dims.trim().split("\\s+");
    int[] shape = new int[parts.length];
    for (int i = 0; i < parts.length; i++) shape[i] = Integer.parseInt(parts[i]);
    return shape;
  }

  private static int product(int[] shape) {
    int p = 1;
    for (int d : shape) p *= d;
    return p;
  }
}
