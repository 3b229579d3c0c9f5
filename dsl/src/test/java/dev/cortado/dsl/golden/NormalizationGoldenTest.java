package dev.cortado.dsl.golden;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.optim.BaseOptimizer;
import dev.cortado.runtime.Executable;
import dev.cortado.runtime.GoldenJson;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The normalization cases of {@code layers.json} (PyTorch 1.13) whose steps are built here,
 * through the interpreter and the compiled class: every step's losses, the final parameters and
 * the evaluation output after training, within 1e-9 relative (float64) or 1e-4 (float32). The
 * case's weight-decay globs are given once as globs and once as roles (the globs of every
 * {@code bias}, {@code gamma} and {@code beta} are {@code BIAS, NORMALIZATION}), which must train alike.
 */
class NormalizationGoldenTest {
  static Stream<GoldenCase> cases() {
    Map<?, ?> root = (Map<?, ?>) GoldenJson.load("layers.json");
    return ((List<?>) root.get("cases")).stream().map(c -> (Map<?, ?>) c)
        .filter(c -> ((String) c.get("name")).matches("(layer|batch)norm.*"))
        .map(c -> new GoldenCase((String) c.get("name"), c));
  }

  /** The case's model, step by step; a step not built here skips the case naming it. */
  static Model model(GoldenCase c) {
    Map<?, ?> in = (Map<?, ?>) c.json().get("inputs");
    return Model.define(c.name(), m -> {
      m.dtype(c.isFloat32() ? F32 : F64);
      Tensor x = m.input("x", dims((Map<?, ?>) in.get("x")));
      Tensor y = m.input("y", dims((Map<?, ?>) in.get("y")));
      Tensor h = x;
      for (Object o : (List<?>) c.json().get("layers")) {
        Map<?, ?> step = (Map<?, ?>) o;
        String name = (String) step.get("name");
        h = switch ((String) step.get("op")) {
          case "dense" -> m.dense(name, h, GoldenCase.num(step.get("units")),
              d -> d.activation(activation((String) step.get("activation"))));
          case "layerNorm" -> m.layerNorm(name, h, n -> n.eps(GoldenCase.dbl(step.get("eps"))));
          case "batchNorm" -> m.batchNorm(name, h,
              n -> n.eps(GoldenCase.dbl(step.get("eps"))).momentum(GoldenCase.dbl(step.get("momentum"))));
          case "activation" -> activation((String) step.get("activation")).apply(h);
          default -> {
            Assumptions.abort("step " + step.get("op") + " is not built by this test");
            yield null;
          }
        };
      }
      m.output("out", h);
      m.minimize("mse".equals(c.json().get("loss")) ? mse(h, y) : softmaxCrossEntropy(h, y));
    });
  }

  private static int[] dims(Map<?, ?> input) {
    return ((List<?>) input.get("shape")).stream().mapToInt(d -> GoldenCase.num(d) == -1 ? BATCH : GoldenCase.num(d))
        .toArray();
  }

  private static dev.cortado.dsl.Activation activation(String a) {
    return switch (a == null ? "linear" : a) {
      case "linear" -> LINEAR;
      case "relu" -> RELU;
      case "tanh" -> TANH;
      case "sigmoid" -> SIGMOID;
      default -> throw new IllegalArgumentException("unknown activation " + a);
    };
  }

  /** The case's optimizer with its exclusions as globs ({@code byRole} false) or as roles. */
  static BaseOptimizer<?> optimizer(GoldenCase c, boolean byRole) {
    BaseOptimizer<?> opt = (BaseOptimizer<?>) c.trainingOptimizer();
    List<?> globs = (List<?>) c.optimizer().get("exclude");
    if (globs == null) {
      return opt;
    }
    if (!byRole) {
      return opt.excludeFromWeightDecay(globs.stream().map(g -> (String) g).toArray(String[]::new));
    }
    assertEquals(List.of("*/bias", "*/gamma", "*/beta"), globs, "the roles stand for these globs");
    return opt.excludeFromWeightDecay(BIAS, NORMALIZATION);
  }

  static void check(GoldenCase c, Executable exe) {
    double tol = c.isFloat32() ? 1e-4 : 1e-9;
    double worst = GoldenRun.check(c, exe, tol);
    Map<?, ?> eval = (Map<?, ?>) c.expected().get("eval");
    double[] want = GoldenJson.flatten(eval.get("output"));
    double[] got = exe.predict(Map.of("x", GoldenJson.flatten(((Map<?, ?>) eval.get("inputs")).get("x")))).get("out");
    assertEquals(want.length, got.length, c + " eval output length");
    for (int i = 0; i < want.length; i++) {
      worst = Math.max(worst, GoldenRun.close(want[i], got[i], tol, c + " eval output[" + i + "]"));
    }
    assertTrue(worst <= tol);
    System.out.printf("golden %-32s max relative error %.2e%n", c.name(), worst);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void interpreterReproducesPyTorchWithGlobsAndWithRoles(GoldenCase c) {
    check(c, model(c).interpret(optimizer(c, false)));
    check(c, model(c).interpret(optimizer(c, true)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void compiledReproducesPyTorchWithGlobsAndWithRoles(GoldenCase c) {
    check(c, model(c).compile(optimizer(c, false)));
    check(c, model(c).compile(optimizer(c, true)));
  }
}
