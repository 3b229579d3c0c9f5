package dev.cortado.dsl;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.runtime.Executable;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * GRU and LSTM beyond the PyTorch cases: a stacked model (a GRU returning sequences into an
 * LSTM, so the first layer needs the input gradient of the second) with regularizers, its
 * gradients against central differences in double, and its compiled training steps against the
 * interpreter at sizes that exercise every remainder of the four-row loops; and bad input.
 */
class RecurrentLayersTest {
  static Model stacked() {
    return Model.define("stacked", m -> {
      m.seed(3);
      m.dtype(F64);
      Tensor x = m.input("x", BATCH, 6, 5);
      Tensor y = m.input("y", BATCH, 3);
      Tensor h = m.gru("g", x, 7, g -> g.returnSequences(true).recurrentRegularizer(l2(1e-2)));
      h = m.lstm("l", h, 6, l -> l.kernelRegularizer(l1(1e-3)));
      Tensor out = m.dense("out", h, 3);
      m.output("out", out);
      m.minimize(mse(out, y));
    });
  }

  static Map<String, double[]> batch(int rows, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[rows * 30];
    double[] y = new double[rows * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextGaussian();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = r.nextGaussian();
    }
    return Map.of("x", x, "y", y);
  }

  @Test
  void gradientsMatchCentralDifferences() {
    GradientCheck c = stacked().checkGradients(batch(3, 1));
    assertTrue(c.passes(1e-5), c.toString());
    assertEquals(8, c.worstRelativeError().size(), c.toString());
  }

  @Test
  void compiledTrainingMatchesInterpreter() {
    Model model = stacked();
    Executable compiled = model.compile(adam(1e-2));
    Executable reference = model.interpret(adam(1e-2));
    for (int s = 0; s < 4; s++) {
      Map<String, double[]> b = batch(5, 10 + s);
      assertEquals(reference.trainStep(b), compiled.trainStep(b), 1e-12);
    }
    for (String name : reference.parameterNames()) {
      assertArrayEquals(reference.parameter(name), compiled.parameter(name), 1e-12, name);
    }
    assertArrayEquals(reference.predict(batch(9, 99)).get("out"), compiled.predict(batch(9, 99)).get("out"), 1e-12);
  }

  @Test
  void lstmForgetBiasStartsAtOne() {
    Model model = Model.define("f", m -> {
      Tensor x = m.input("x", BATCH, 2, 3);
      m.output("h", m.lstm("l", x, 2));
    });
    assertArrayEquals(new double[] {0, 0, 1, 1, 0, 0, 0, 0}, model.interpret().parameter("l/bias"));
  }

  @Test
  void badInputNamesTheLayer() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Model.define("bad", m ->
        m.output("h", m.gru("seq", m.input("x", BATCH, 4), 3))));
    assertTrue(e.getMessage().contains("gru 'seq'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Model.define("bad", m ->
        m.output("h", m.lstm("seq", m.input("x", BATCH, 2, 4), 0))));
    assertTrue(e.getMessage().contains("units must be positive"), e.getMessage());
  }
}
