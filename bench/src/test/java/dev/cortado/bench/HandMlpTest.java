package dev.cortado.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each hand-written float32 step against {@link ReferenceMlp} in double: the loss of each of 3
 * steps and every parameter after them, within float32 tolerance.
 */
class HandMlpTest {
  private static final int STEPS = 3;

  @ParameterizedTest
  @EnumSource(BenchModel.class)
  void threeStepsMatchTheDoubleReference(BenchModel model) {
    checkAgainstReference(model, Matmul.PLAIN);
  }

  @ParameterizedTest
  @EnumSource(BenchModel.class)
  void fourRowsPerPassStepsMatchTheDoubleReference(BenchModel model) {
    checkAgainstReference(model, FourRows.INSTANCE);
  }

  @ParameterizedTest
  @EnumSource(BenchModel.class)
  void vectorApiStepsMatchTheDoubleReference(BenchModel model) {
    assertTrue(VectorMatmul.available(), "surefire runs with --add-modules jdk.incubator.vector");
    checkAgainstReference(model, VectorMatmul.INSTANCE);
  }

  private static void checkAgainstReference(BenchModel model, Matmul mm) {
    for (long seed : new long[] {1, 7}) {
      HandMlp hand = model.newHand(mm, seed);
      ReferenceMlp reference = new ReferenceMlp(model, hand);
      Batch batch = model.batch(seed);
      float[][] before = hand.kernel(0);
      for (int s = 0; s < STEPS; s++) {
        double expected = reference.step(batch.x, batch.y);
        float actual = hand.step(batch.x, batch.y);
        assertEquals(expected, actual, 2e-5 * Math.max(1, Math.abs(expected)),
            model + " seed " + seed + " loss of step " + (s + 1));
      }
      double moved = 0;
      for (int l = 0; l < hand.kernels.length; l++) {
        assertClose(reference.w[l], hand.kernel(l), model + " seed " + seed + " fc" + (l + 1)
            + "/kernel");
        assertClose(new double[][] {reference.b[l]}, new float[][] {hand.biases[l]},
            model + " seed " + seed + " fc" + (l + 1) + "/bias");
      }
      float[][] after = hand.kernel(0);
      for (int k = 0; k < before.length; k++) {
        for (int n = 0; n < before[k].length; n++) {
          moved = Math.max(moved, Math.abs(before[k][n] - after[k][n]));
        }
      }
      assertTrue(moved > 1e-5, model + ": the first kernel barely moved, max change " + moved);
    }
  }

  /** Elements agree within {@code 1e-5 + 1e-4·|expected|}; reports the worst element. */
  private static void assertClose(double[][] expected, float[][] actual, String what) {
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected[i].length; j++) {
        double tolerance = 1e-5 + 1e-4 * Math.abs(expected[i][j]);
        assertEquals(expected[i][j], actual[i][j], tolerance, what + "[" + i + "][" + j + "]");
      }
    }
  }
}
