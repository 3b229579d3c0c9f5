package dev.cortado.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.runtime.Executable;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The DSL definitions of the benchmark models train the same models as the hand-written steps
 * (layers, loss, optimizer, weight decay and data): the loss of each of 3 steps and the parameters
 * after them agree, through the interpreter and through the compiled step.
 */
class CortadoModelsTest {
  private static final int STEPS = 3;

  @ParameterizedTest
  @EnumSource(BenchModel.class)
  void interpreterTrainsTheHandWrittenModel(BenchModel model) {
    check(model, Impl.INTERPRETER,
        CortadoModels.define(model).interpret(CortadoModels.optimizer(model)));
  }

  @ParameterizedTest
  @EnumSource(BenchModel.class)
  void compiledStepTrainsTheHandWrittenModel(BenchModel model) {
    check(model, Impl.COMPILED, CortadoModels.define(model).compile(CortadoModels.optimizer(model)));
  }

  private static void check(BenchModel model, Impl impl, Executable exe) {
    long seed = 3;
    HandMlp hand = model.newHand(seed);
    CortadoModels.copyParameters(hand, exe);
    Batch batch = model.batch(seed);
    Map<String, float[]> inputs = Map.of("x", batch.flatX(), "y", batch.flatY());
    for (int s = 0; s < STEPS; s++) {
      float expected = hand.step(batch.x, batch.y);
      double loss = exe.trainStepFloats(inputs);
      assertEquals(expected, loss, 2e-5 * Math.max(1, Math.abs(expected)),
          impl.title() + ", " + model + ": loss of step " + (s + 1));
    }
    for (int l = 0; l < hand.kernels.length; l++) {
      String name = impl.title() + ", " + model + " fc" + (l + 1);
      assertArrayClose(Batch.flatten(hand.kernel(l)), exe.parameter("fc" + (l + 1) + "/kernel"),
          name + "/kernel");
      assertArrayClose(hand.biases[l], exe.parameter("fc" + (l + 1) + "/bias"), name + "/bias");
    }
  }

  private static void assertArrayClose(float[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 2e-6 + 1e-5 * Math.abs(expected[i]), what + "[" + i + "]");
    }
  }
}
