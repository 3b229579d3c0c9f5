package dev.cortado.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.runtime.Executable;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The DSL definitions of the benchmark models are the models that the hand-written steps train:
 * same layers, loss and data, so the first step's data loss agrees; where the DSL has the
 * optimizer (tiny: SGD with weight decay as {@code l2}), the parameters after 3 steps agree too.
 */
class CortadoModelsTest {

  @ParameterizedTest
  @EnumSource(BenchModel.class)
  void interpreterTrainsTheHandWrittenModel(BenchModel model) {
    long seed = 3;
    HandMlp hand = model.newHand(seed);
    Executable exe = CortadoModels.define(model).interpret(CortadoModels.optimizer(model));
    CortadoModels.copyParameters(hand, exe);
    Batch batch = model.batch(seed);
    Map<String, float[]> inputs = Map.of("x", batch.flatX(), "y", batch.flatY());
    int steps = CortadoModels.optimizerNote(model) == null ? 3 : 1;
    for (int s = 0; s < steps; s++) {
      float expected = hand.step(batch.x, batch.y);
      exe.trainStepFloats(inputs);
      double dataLoss = exe.lastLosses().get("data_loss");
      assertEquals(expected, dataLoss, 2e-5 * Math.max(1, Math.abs(expected)),
          model + ": data loss of step " + (s + 1));
    }
    if (steps > 1) {
      for (int l = 0; l < hand.kernels.length; l++) {
        assertArrayClose(Batch.flatten(hand.kernel(l)), exe.parameter("fc" + (l + 1) + "/kernel"),
            model + " fc" + (l + 1) + "/kernel");
        assertArrayClose(hand.biases[l], exe.parameter("fc" + (l + 1) + "/bias"),
            model + " fc" + (l + 1) + "/bias");
      }
    }
  }

  private static void assertArrayClose(float[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 2e-6 + 1e-5 * Math.abs(expected[i]), what + "[" + i + "]");
    }
  }
}
