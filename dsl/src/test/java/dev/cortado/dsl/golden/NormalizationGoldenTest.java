package dev.cortado.dsl.golden;

import static dev.cortado.dsl.Cortado.BIAS;
import static dev.cortado.dsl.Cortado.NORMALIZATION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.optim.BaseOptimizer;
import dev.cortado.runtime.Executable;
import dev.cortado.runtime.GoldenJson;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The normalization cases of {@code layers.json} (PyTorch 1.13) with their weight-decay globs
 * given as roles: the globs of every {@code bias}, {@code gamma} and {@code beta} are
 * {@code excludeFromWeightDecay(BIAS, NORMALIZATION)}, which must reproduce the same run (losses,
 * final parameters and moving statistics, evaluation output after training) through the
 * interpreter and compiled. {@link LayersGoldenTest} runs the same cases with the globs.
 */
class NormalizationGoldenTest {
  static Stream<LayersCase> cases() {
    return LayersCase.all().stream().filter(c -> c.name().matches("(layer|batch)norm.*"));
  }

  /** The case's optimizer with its exclusions as roles. */
  static BaseOptimizer<?> byRole(LayersCase c) {
    GoldenCase g = c.asTrainingCase();
    BaseOptimizer<?> opt = (BaseOptimizer<?>) g.trainingOptimizer();
    List<?> globs = (List<?>) g.optimizer().get("exclude");
    if (globs == null) {
      return opt;
    }
    assertEquals(List.of("*/bias", "*/gamma", "*/beta"), globs, "the roles stand for these globs");
    return opt.excludeFromWeightDecay(BIAS, NORMALIZATION);
  }

  static void check(LayersCase c, Executable exe) {
    double tol = LayersGoldenTest.tolerance(c);
    double worst = GoldenRun.check(c.asTrainingCase(), exe, tol);
    Map<?, ?> eval = c.eval();
    double[] want = GoldenJson.flatten(eval.get("output"));
    double[] got = exe.predict(Map.of("x", GoldenJson.flatten(((Map<?, ?>) eval.get("inputs")).get("x")))).get("out");
    assertEquals(want.length, got.length, c + " eval output length");
    for (int i = 0; i < want.length; i++) {
      worst = Math.max(worst, GoldenRun.close(want[i], got[i], tol, c + " eval output[" + i + "]"));
    }
    assertTrue(worst <= tol);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void interpreterReproducesPyTorchWithRoles(LayersCase c) {
    check(c, c.model().interpret(byRole(c)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void compiledReproducesPyTorchWithRoles(LayersCase c) {
    check(c, c.model().compile(byRole(c)));
  }
}
