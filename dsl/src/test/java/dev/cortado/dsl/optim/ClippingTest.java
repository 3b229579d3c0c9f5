package dev.cortado.dsl.optim;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.dsl.Model;
import dev.cortado.interp.Interpreter;
import dev.cortado.optim.Optimizer;
import java.util.Arrays;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** Clipping by value, by norm and by global norm, checked against the formulas on the raw gradients. */
class ClippingTest {
  static double norm(double[] g) {
    double s = 0;
    for (double v : g) {
      s += v * v;
    }
    return Math.sqrt(s);
  }

  /** One plain-SGD step with {@code opt} must equal {@code w - lr·clip(g)}. */
  static void check(Optimizer opt, double lr, BiFunction<String, Map<String, double[]>, double[]> clipped) {
    Model m = Fixtures.mlp("clip");
    Interpreter exe = Fixtures.interp(m, opt);
    Map<String, double[]> w = Fixtures.params(exe);
    Map<String, double[]> g = Fixtures.gradients(exe, Fixtures.batch(1));
    exe.trainStep(Fixtures.batch(1));
    boolean anyClipped = false;
    for (String name : w.keySet()) {
      double[] c = clipped.apply(name, g);
      double[] want = new double[c.length];
      for (int i = 0; i < c.length; i++) {
        want[i] = w.get(name)[i] - lr * c[i];
        anyClipped |= c[i] != g.get(name)[i];
      }
      assertArrayEquals(want, exe.parameter(name), 1e-15, opt + " " + name);
    }
    assertTrue(anyClipped, opt + " clipped nothing: pick a smaller threshold");
  }

  @Test
  void byValue() {
    check(sgd(0.1).clipByValue(0.05), 0.1, (n, g) -> Arrays.stream(g.get(n)).map(v -> Math.max(-0.05, Math.min(0.05, v))).toArray());
  }

  @Test
  void byNormPerParameter() {
    check(sgd(0.1).clipByNorm(0.1), 0.1, (n, g) -> {
      double k = 0.1 / Math.max(norm(g.get(n)), 0.1);
      return Arrays.stream(g.get(n)).map(v -> v * k).toArray();
    });
  }

  @Test
  void byGlobalNormAsTorchClipGradNorm() {
    check(sgd(0.1).clipByGlobalNorm(0.2), 0.1, (n, g) -> {
      double total = Math.sqrt(g.values().stream().mapToDouble(a -> norm(a) * norm(a)).sum());
      double k = Math.min(1, 0.2 / (total + 1e-6));
      return Arrays.stream(g.get(n)).map(v -> v * k).toArray();
    });
  }
}
