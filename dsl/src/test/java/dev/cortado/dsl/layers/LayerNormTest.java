package dev.cortado.dsl.layers;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.dsl.GradientCheck;
import dev.cortado.dsl.Model;
import dev.cortado.dsl.VariableSummary;
import dev.cortado.runtime.Executable;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** layerNorm's rule row by row, its gradients by central differences, its variables and its argument checks. */
class LayerNormTest {
  private static Model model(double eps) {
    return Model.define("ln", m -> {
      m.dtype(F64);
      m.seed(3);
      var x = m.input("x", BATCH, 5);
      var y = m.input("y", BATCH, 2);
      var h = m.layerNorm("ln", m.dense("fc", x, 4, d -> d.activation(TANH)), n -> n.eps(eps));
      var out = m.dense("out", h, 2);
      m.output("h", h);
      m.output("out", out);
      m.minimize(mse(out, y));
    });
  }

  private static Map<String, double[]> batch() {
    SplittableRandom r = new SplittableRandom(5);
    return Map.of("x", r.doubles(15, -2, 2).toArray(), "y", r.doubles(6, -1, 1).toArray());
  }

  @Test
  void eachRowIsNormalizedThenScaledAndShifted() {
    Model m = model(1e-3);
    for (Executable exe : new Executable[] {m.interpret(sgd(0.1)), m.compile(sgd(0.1))}) {
      exe.setParameter("ln/gamma", new double[] {1, 2, 3, 4});
      exe.setParameter("ln/beta", new double[] {0.5, 0, -0.5, 1});
      Map<String, double[]> in = batch();
      double[] h = exe.predict(Map.of("x", in.get("x"))).get("h");
      // the row's pre-normalization values, by hand from the dense layer's parameters
      double[] k = exe.parameter("fc/kernel");
      double[] b = exe.parameter("fc/bias");
      double[] x = in.get("x");
      for (int row = 0; row < 3; row++) {
        double[] a = new double[4];
        for (int j = 0; j < 4; j++) {
          double s = b[j];
          for (int i = 0; i < 5; i++) {
            s += x[row * 5 + i] * k[i * 4 + j];
          }
          a[j] = Math.tanh(s);
        }
        double mean = (a[0] + a[1] + a[2] + a[3]) / 4;
        double var = 0;
        for (double v : a) {
          var += (v - mean) * (v - mean) / 4;
        }
        double[] gamma = {1, 2, 3, 4};
        double[] beta = {0.5, 0, -0.5, 1};
        for (int j = 0; j < 4; j++) {
          double want = (a[j] - mean) / Math.sqrt(var + 1e-3) * gamma[j] + beta[j];
          assertEquals(want, h[row * 4 + j], 1e-13, exe.getClass().getSimpleName() + " row " + row + " col " + j);
        }
      }
    }
  }

  @Test
  void gradientsAgreeWithCentralDifferences() {
    GradientCheck check = model(1e-5).checkGradients(batch());
    assertTrue(check.worstRelativeError().containsKey("ln/gamma"), check.toString());
    assertTrue(check.passes(1e-5), check.toString());
  }

  @Test
  void gammaAndBetaAreNormalizationVariablesStartingAtOneAndZero() {
    Model m = model(1e-5);
    Map<String, VariableSummary> vars = new java.util.HashMap<>();
    m.variables().forEach(v -> vars.put(v.name(), v));
    assertEquals(NORMALIZATION, vars.get("ln/gamma").role());
    assertEquals(NORMALIZATION, vars.get("ln/beta").role());
    Executable exe = m.interpret();
    assertEquals(4.0, java.util.Arrays.stream(exe.parameter("ln/gamma")).sum(), 0.0);
    assertEquals(0.0, java.util.Arrays.stream(exe.parameter("ln/beta")).map(Math::abs).sum(), 0.0);
  }

  @Test
  void badArgumentsAreRejectedNamingTheLayer() {
    var e = assertThrows(IllegalArgumentException.class, () -> model(0));
    assertTrue(e.getMessage().contains("eps"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Model.define("ln1", m -> {
      var x = m.input("x", BATCH, 3);
      m.output("y", m.layerNorm("norm", x.sum(1)));
    }));
    assertTrue(e.getMessage().contains("layerNorm 'norm'"), e.getMessage());
  }
}
