package dev.cortado.dsl.optim;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.ir.DType;
import dev.cortado.runtime.Executable;
import dev.cortado.runtime.Gradients;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Gradient accumulation with dropout: micro-batches of one large batch, each passed with its
 * first row, draw the large batch's masks, so accumulating them and applying once is the large
 * batch's {@code trainStep} (F64, to 1e-12), in the interpreter and the compiled class.
 */
class DropoutAccumulationTest {
  private static final int ROWS = 12;
  private static final int[] CUTS = {0, 5, 9, 12};

  /** Two dropouts: one on a [batch, 8] tensor, one on a [batch, 2, 3] tensor (6 elements per row). */
  static Model model() {
    return Model.define("dropacc", m -> {
      m.dtype(DType.F64);
      Tensor x = m.input("x", BATCH, 5);
      Tensor y = m.input("y", BATCH, 3);
      Tensor h = dropout(m.dense("fc1", x, 8, d -> d.activation(TANH)), 0.4);
      Tensor g = dropout(m.dense("fc2", h, 6).reshape(BATCH, 2, 3), 0.3);
      Tensor logits = m.dense("fc3", g.reshape(BATCH, 6), 3);
      m.output("logits", logits);
      m.minimize(softmaxCrossEntropy(logits, y));
    });
  }

  private static Executable make(boolean compiled) {
    return compiled ? model().compile(sgd(0.1).momentum(0.9)) : model().interpret(sgd(0.1).momentum(0.9));
  }

  private static Map<String, double[]> batch(SplittableRandom r) {
    double[] x = new double[ROWS * 5];
    double[] y = new double[ROWS * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextDouble(-2, 2);
    }
    for (int i = 0; i < ROWS; i++) {
      y[i * 3 + r.nextInt(3)] = 1;
    }
    Map<String, double[]> in = new HashMap<>();
    in.put("x", x);
    in.put("y", y);
    return in;
  }

  private static Map<String, double[]> rows(Map<String, double[]> in, int lo, int hi) {
    Map<String, double[]> mb = new HashMap<>();
    mb.put("x", Arrays.copyOfRange(in.get("x"), lo * 5, hi * 5));
    mb.put("y", Arrays.copyOfRange(in.get("y"), lo * 3, hi * 3));
    return mb;
  }

  /** Accumulates the micro-batches of {@code in} (with their first rows, or all at row 0) and applies once. */
  private static void accumulate(Executable exe, Map<String, double[]> in, boolean offsets) {
    Gradients g = exe.newGradients();
    for (int k = 0; k + 1 < CUTS.length; k++) {
      int lo = CUTS[k];
      int hi = CUTS[k + 1];
      exe.accumulateGradients(rows(in, lo, hi), (hi - lo) / (double) ROWS, g, offsets ? lo : 0);
    }
    exe.applyGradients(g);
  }

  @ParameterizedTest(name = "compiled={0}")
  @ValueSource(booleans = {false, true})
  void microBatchesWithTheirFirstRowsEqualTheLargeBatchsStep(boolean compiled) {
    Executable whole = make(compiled);
    Executable parts = make(compiled);
    Executable unshifted = make(compiled);
    SplittableRandom r = new SplittableRandom(5);
    for (int step = 0; step < 3; step++) {
      Map<String, double[]> in = batch(r);
      whole.trainStep(in);
      accumulate(parts, in, true);
      accumulate(unshifted, in, false);
    }
    double gap = 0;
    for (String p : whole.parameterNames()) {
      double[] a = whole.parameter(p);
      double[] b = parts.parameter(p);
      double[] c = unshifted.parameter(p);
      for (int i = 0; i < a.length; i++) {
        assertEquals(a[i], b[i], 1e-12 * (1 + Math.abs(a[i])), p + "[" + i + "]");
        gap = Math.max(gap, Math.abs(a[i] - c[i]));
      }
    }
    assertArrayEquals(whole.state("global_step"), parts.state("global_step"), 0.0);
    // every micro-batch at row 0 draws the first rows' masks again: another result
    assertTrue(gap > 1e-6, "micro-batches without their first rows differ, by " + gap);
  }

  @ParameterizedTest(name = "compiled={0}")
  @ValueSource(booleans = {false, true})
  void aNegativeFirstRowIsRefusedBeforeAnythingChanges(boolean compiled) {
    Executable exe = make(compiled);
    Gradients g = exe.newGradients();
    double[] before = exe.parameter("fc1/kernel");
    Map<String, double[]> in = batch(new SplittableRandom(3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> exe.accumulateGradients(in, 1.0, g, -1));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
    assertEquals(0, g.rows());
    Assertions.assertArrayEquals(before, exe.parameter("fc1/kernel"), 0.0);
    for (String p : g.names()) {
      assertTrue(Arrays.stream(g.get(p)).allMatch(v -> v == 0), p);
    }
  }
}
