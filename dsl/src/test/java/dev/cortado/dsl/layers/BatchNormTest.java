package dev.cortado.dsl.layers;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.dsl.Model;
import dev.cortado.runtime.Checkpoint;
import dev.cortado.runtime.Executable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** batchNorm's moving statistics: written by the step alone, read by inference, never decayed, saved and loaded. */
class BatchNormTest {
  private static final int BATCH_ROWS = 64;

  /** {@code x [B, 6] → dense 80 (wide enough for the threaded split) → batchNorm → relu → dense 3}. */
  private static Model model() {
    return Model.define("bn", m -> {
      m.dtype(F64);
      m.seed(9);
      var x = m.input("x", BATCH, 6);
      var y = m.input("y", BATCH, 3);
      var h = m.batchNorm("bn", m.dense("fc", x, 80), n -> n.momentum(0.2)).relu();
      var out = m.dense("out", h, 3);
      m.output("out", out);
      m.minimize(mse(out, y));
    });
  }

  private static Map<String, double[]> batch(int s) {
    SplittableRandom r = new SplittableRandom(40 + s);
    return Map.of("x", r.doubles(BATCH_ROWS * 6, -1, 3).toArray(), "y", r.doubles(BATCH_ROWS * 3, -1, 1).toArray());
  }

  @Test
  void theMovingStatisticsFollowTheBatchesAsPyTorchSays() {
    Model m = model();
    Executable exe = m.interpret(sgd(0.05));
    double[] kernel = exe.parameter("fc/kernel");
    double[] bias = exe.parameter("fc/bias");
    Map<String, double[]> in = batch(0);
    exe.trainStep(in);
    double[] x = in.get("x");
    double[] mean = exe.parameter("bn/moving_mean");
    double[] var = exe.parameter("bn/moving_variance");
    for (int c = 0; c < 80; c++) {
      double[] h = new double[BATCH_ROWS];
      for (int row = 0; row < BATCH_ROWS; row++) {
        double s = bias[c];
        for (int i = 0; i < 6; i++) {
          s += x[row * 6 + i] * kernel[i * 80 + c];
        }
        h[row] = s;
      }
      double mu = Arrays.stream(h).average().orElseThrow();
      double unbiased = Arrays.stream(h).map(v -> (v - mu) * (v - mu)).sum() / (BATCH_ROWS - 1);
      assertEquals(0.2 * mu, mean[c], 1e-12, "moving_mean[" + c + "]");
      assertEquals(0.8 + 0.2 * unbiased, var[c], 1e-12, "moving_variance[" + c + "]");
    }
  }

  @Test
  void inferenceReadsTheMovingStatisticsAndWritesNothing() {
    Model m = model();
    for (Executable exe : List.of(m.interpret(sgd(0.05)), m.compile(sgd(0.05)))) {
      exe.trainStep(batch(0));
      double[] mean = exe.parameter("bn/moving_mean");
      double[] var = exe.parameter("bn/moving_variance");
      double[] before = exe.predict(Map.of("x", batch(1).get("x"))).get("out");
      exe.evaluate(batch(1));
      assertArrayEquals(mean, exe.parameter("bn/moving_mean"), 0.0);
      assertArrayEquals(var, exe.parameter("bn/moving_variance"), 0.0);
      // inference normalizes with the moving statistics: moving them changes the output
      double[] shifted = mean.clone();
      shifted[0] += 1;
      exe.setParameter("bn/moving_mean", shifted);
      double[] after = exe.predict(Map.of("x", batch(1).get("x"))).get("out");
      assertFalse(Arrays.equals(before, after), exe.getClass().getSimpleName());
    }
  }

  @Test
  void theMovingStatisticsAreNeitherTrainedNorDecayedNorGivenOptimizerState() {
    Model m = model();
    assertEquals(List.of("bn/moving_mean", "bn/moving_variance"), m.variables().stream()
        .filter(v -> !v.trainable()).map(v -> v.name()).toList());
    assertTrue(m.trainableVariables().stream().noneMatch(v -> v.name().startsWith("bn/moving")));
    var opt = adamW(0.05).weightDecay(0.5);
    Executable exe = m.interpret(opt);
    assertTrue(exe.stateNames().stream().noneMatch(n -> n.contains("moving")), exe.stateNames().toString());
    assertFalse(m.trainingGraph(opt).gradients().containsKey("bn/moving_mean"));
    // a decayed moving variance would differ from the plain moving average of the batches
    Executable plain = m.interpret(adamW(0.05).weightDecay(0));
    exe.trainStep(batch(0));
    plain.trainStep(batch(0));
    assertArrayEquals(plain.parameter("bn/moving_variance"), exe.parameter("bn/moving_variance"), 0.0);
  }

  @Test
  void compiledAndThreadedStepsAgreeWithTheInterpreter() {
    Model m = model();
    var opt = sgd(0.05).momentum(0.9);
    Executable ref = m.interpret(opt);
    Executable one = m.compile(opt);
    Executable two = m.compile(opt, 2);
    for (int s = 0; s < 5; s++) {
      ref.trainStep(batch(s % 3));
      one.trainStep(batch(s % 3));
      two.trainStep(batch(s % 3));
      for (String v : ref.parameterNames()) {
        assertArrayEquals(one.parameter(v), two.parameter(v), 0.0, "threads step " + s + " " + v);
        double[] a = ref.parameter(v);
        double[] b = one.parameter(v);
        for (int i = 0; i < a.length; i++) {
          assertEquals(a[i], b[i], 1e-12 * Math.max(1, Math.abs(a[i])), "step " + s + " " + v + "[" + i + "]");
        }
      }
    }
  }

  @Test
  void checkpointsRoundTripTheMovingStatistics(@TempDir Path dir) throws Exception {
    Model m = model();
    Executable exe = m.compile(sgd(0.05));
    for (int s = 0; s < 3; s++) {
      exe.trainStep(batch(s));
    }
    Path file = dir.resolve("bn.safetensors");
    Checkpoint.save(exe, file);
    assertTrue(Files.size(file) > 0);
    Executable fresh = m.interpret(sgd(0.05));
    assertFalse(Arrays.equals(exe.parameter("bn/moving_mean"), fresh.parameter("bn/moving_mean")));
    Checkpoint.load(fresh, file);
    for (String v : List.of("bn/moving_mean", "bn/moving_variance")) {
      assertArrayEquals(exe.parameter(v), fresh.parameter(v), 0.0, v);
    }
    Map<String, double[]> probe = Map.of("x", batch(5).get("x"));
    double[] want = exe.predict(probe).get("out");
    double[] got = fresh.predict(probe).get("out");
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-12 * Math.max(1, Math.abs(want[i])), "out[" + i + "]");
    }
  }

  @Test
  void badArgumentsAreRejectedNamingTheLayer() {
    var e = assertThrows(IllegalArgumentException.class, () -> Model.define("b", m -> {
      var x = m.input("x", BATCH, 3);
      m.output("y", m.batchNorm("norm", x.sum(1)));
    }));
    assertTrue(e.getMessage().contains("batchNorm 'norm'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Model.define("b", m -> {
      var x = m.input("x", BATCH, 3);
      m.output("y", m.batchNorm("norm", x, n -> n.momentum(0)));
    }));
    assertTrue(e.getMessage().contains("momentum"), e.getMessage());
  }
}
