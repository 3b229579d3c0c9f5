package dev.cortado.dsl;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.codegen.emit.VectorMatmul;
import dev.cortado.runtime.Executable;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Float32 GRU and LSTM layers whose unit count fills whole vectors (32 units: 2, 4 or 8 vectors
 * of 16, 8 or 4 floats), so that where the Vector API is present (the build's vector-api test
 * run) the gates run on vectors: compiled training steps of two stacked layers (so the second
 * also computes its input gradient) against the interpreter, to float32's tolerance, with both
 * output forms of the second.
 */
class RecurrentFloatGatesTest {
  private static final int UNITS = 32;

  static Model model(String kind, boolean sequences) {
    return Model.define(kind + "_" + sequences, m -> {
      m.seed(11);
      m.dtype(F32);
      Tensor x = m.input("x", BATCH, 5, 4);
      Tensor y = m.input("y", BATCH, 3);
      Tensor h = kind.equals("gru") ? m.gru("first", x, UNITS, g -> g.returnSequences(true))
          : m.lstm("first", x, UNITS, l -> l.returnSequences(true));
      h = kind.equals("gru") ? m.gru("second", h, UNITS, g -> g.returnSequences(sequences))
          : m.lstm("second", h, UNITS, l -> l.returnSequences(sequences));
      if (sequences) {
        h = h.reshape(BATCH, 5 * UNITS);
      }
      Tensor out = m.dense("out", h, 3);
      m.output("out", out);
      m.minimize(mse(out, y));
    });
  }

  static Map<String, double[]> batch(int rows, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[rows * 20];
    double[] y = new double[rows * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = 2 * r.nextGaussian();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = r.nextGaussian();
    }
    return Map.of("x", x, "y", y);
  }

  @ParameterizedTest
  @CsvSource({"gru, false", "gru, true", "lstm, false", "lstm, true"})
  void compiledFloatGatesMatchTheInterpreter(String kind, boolean sequences) {
    Model model = model(kind, sequences);
    if (VectorMatmul.available()) {
      String source = model.generateSource("p", "Gates" + kind, sgd(0.05));
      assertTrue(source.contains("VectorOperators.EXP"), "the float gates should run on vectors");
    }
    Executable compiled = model.compile(sgd(0.05));
    Executable reference = model.interpret(sgd(0.05));
    for (int s = 0; s < 3; s++) {
      Map<String, double[]> b = batch(7, 20 + s);
      double want = reference.trainStep(b);
      assertEquals(want, compiled.trainStep(b), 1e-4 * (1 + Math.abs(want)), "loss at step " + s);
    }
    for (String name : reference.parameterNames()) {
      double[] want = reference.parameter(name);
      double[] got = compiled.parameter(name);
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got[i], 1e-4 * (1 + Math.abs(want[i])), name + "[" + i + "]");
      }
    }
  }
}
