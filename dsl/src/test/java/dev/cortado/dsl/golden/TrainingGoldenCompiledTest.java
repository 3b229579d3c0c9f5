package dev.cortado.dsl.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.codegen.Codegen;
import dev.cortado.dsl.Model;
import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.Executable;
import dev.cortado.runtime.Lockstep;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden training case, compiled, agrees with the interpreter step by step within 1e-12
 * (F64) on every loss term, on the final variables and on predict and evaluate afterwards.
 * (Agreement with PyTorch itself, for both, is {@link TrainingGoldenTest}.) With two threads every
 * kernel that can be split is split ({@code splitFrom} 0, these models being small), and the
 * one-thread executable runs in lockstep: every answer must be bit-identical to it.
 */
class TrainingGoldenCompiledTest {
  static Stream<GoldenCase> cases() {
    return TrainingGoldenTest.cases();
  }

  static Stream<Arguments> casesAndThreads() {
    return Stream.of(1, 2).flatMap(t -> cases().map(c -> Arguments.of(c, t)));
  }

  /** The compiled case: {@code model.compile}, or split over {@code threads} in lockstep with it. */
  static Executable compile(Model model, Optimizer optimizer, int threads) {
    Executable one = model.compile(optimizer);
    if (threads == 1) {
      return one;
    }
    Codegen.Options split = Codegen.Options.defaults().withThreads(threads).withSplitFrom(0);
    return new Lockstep(Codegen.compile(model.trainingGraph(optimizer), optimizer.describe(), split), one);
  }

  static Optimizer optimizer(GoldenCase c) {
    return c.trainingOptimizer();
  }

  @ParameterizedTest(name = "{0}, {1} thread(s)")
  @MethodSource("casesAndThreads")
  void agreesWithInterpreterStepByStep(GoldenCase c, int threads) {
    Model model = c.model();
    Executable compiled = compile(model, optimizer(c), threads);
    Executable reference = model.interpret(optimizer(c));
    c.initialize(compiled);
    c.initialize(reference);
    double tol = c.isFloat32() ? 1e-5 : 1e-12;
    for (int s = 0; s < c.steps(); s++) {
      close(reference.trainStep(c.batch(s)), compiled.trainStep(c.batch(s)), tol, c + " step " + s);
      assertEquals(reference.lastLosses().keySet().stream().toList(), compiled.lastLosses().keySet().stream().toList());
      for (Map.Entry<String, Double> e : reference.lastLosses().entrySet()) {
        close(e.getValue(), compiled.lastLosses().get(e.getKey()), tol, c + " step " + s + " " + e.getKey());
      }
    }
    for (String name : reference.parameterNames()) {
      double[] want = reference.parameter(name);
      double[] got = compiled.parameter(name);
      for (int i = 0; i < want.length; i++) {
        close(want[i], got[i], tol, c + " " + name + "[" + i + "]");
      }
    }
    Map<String, double[]> batch = c.batch(0);
    double[] want = reference.predict(batch).get("out");
    double[] got = compiled.predict(batch).get("out");
    for (int i = 0; i < want.length; i++) {
      close(want[i], got[i], tol, c + " predict[" + i + "]");
    }
    reference.evaluate(batch).forEach((k, v) -> close(v, compiled.evaluate(batch).get(k), tol, c + " evaluate " + k));
  }

  private static void close(double want, double got, double rel, String what) {
    assertEquals(want, got, rel * Math.max(1, Math.abs(want)), what);
  }
}
