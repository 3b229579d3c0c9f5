package dev.cortado.dsl.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.codegen.Codegen;
import dev.cortado.dsl.Model;
import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.Executable;
import dev.cortado.runtime.GoldenJson;
import dev.cortado.runtime.Lockstep;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of {@code layers.json}, through the interpreter and through the compiled class (on
 * one thread, and on two with every kernel split, in lockstep with one thread): PyTorch's
 * per-step losses, the final variables and the held-out batch's output in inference mode, within
 * 1e-9 relative (float64) or 1e-4 (float32), relative to {@code max(1e-3, |expected|)}. A case
 * with a step the harness does not build yet is skipped, naming the step.
 */
class LayersGoldenTest {
  static Stream<LayersCase> cases() {
    return LayersCase.all().stream();
  }

  static Stream<Arguments> casesAndThreads() {
    return Stream.of(1, 2).flatMap(t -> cases().map(c -> Arguments.of(c, t)));
  }

  static double tolerance(LayersCase c) {
    return c.isFloat32() ? 1e-4 : 1e-9;
  }

  private static void assumeBuilt(LayersCase c) {
    String missing = c.missingStep();
    Assumptions.assumeTrue(missing == null, () -> c + ": step '" + missing + "' is not built yet");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void interpreterReproducesPyTorch(LayersCase c) {
    assumeBuilt(c);
    Model model = c.model();
    Executable exe = model.interpret(c.optimizer());
    check(c, exe);
  }

  @ParameterizedTest(name = "{0}, {1} thread(s)")
  @MethodSource("casesAndThreads")
  void compiledReproducesPyTorch(LayersCase c, int threads) {
    assumeBuilt(c);
    Model model = c.model();
    Optimizer optimizer = c.optimizer();
    Executable one = model.compile(optimizer);
    Executable exe = threads == 1 ? one : new Lockstep(Codegen.compile(model.trainingGraph(optimizer),
        optimizer.describe(), Codegen.Options.defaults().withThreads(threads).withSplitFrom(0)), one);
    check(c, exe);
  }

  private static void check(LayersCase c, Executable exe) {
    double rel = tolerance(c);
    double worst = GoldenRun.check(c.asTrainingCase(), exe, rel);
    Map<?, ?> eval = c.eval();
    double[] x = GoldenJson.flatten(((Map<?, ?>) eval.get("inputs")).get("x"));
    double[] want = GoldenJson.flatten(eval.get("output"));
    double[] got = exe.predict(Map.of("x", x)).get("out");
    assertEquals(want.length, got.length, c + " eval output size");
    for (int i = 0; i < want.length; i++) {
      worst = Math.max(worst, GoldenRun.close(want[i], got[i], rel, c + " eval output[" + i + "]"));
    }
    int[] shape = GoldenJson.flatten(eval.get("output_shape")).length > 0
        ? java.util.Arrays.stream(GoldenJson.flatten(eval.get("output_shape"))).mapToInt(d -> (int) d).toArray() : null;
    assertArrayEquals(shape, new int[] {x.length / rowSize(c), want.length / (x.length / rowSize(c))}, c + " output shape");
    System.out.printf("golden %-34s max relative error %.2e%n", c.name(), worst);
  }

  /** The elements of one row of input {@code x}. */
  private static int rowSize(LayersCase c) {
    int n = 1;
    for (Object d : (java.util.List<?>) ((Map<?, ?>) ((Map<?, ?>) c.json().get("inputs")).get("x")).get("shape")) {
      int v = ((Number) d).intValue();
      n *= v < 0 ? 1 : v;
    }
    return n;
  }
}
