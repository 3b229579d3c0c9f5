package dev.cortado.dsl.golden;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of {@code training.json} (every optimizer and decay mode), through the interpreter
 * and through {@code model.compile(...)}: PyTorch's per-step losses and final parameters within
 * 1e-9 relative (float64) or 1e-4 (float32), relative to {@code max(1e-3, |expected|)}. Each
 * run prints its largest relative error.
 */
class TrainingGoldenTest {
  static Stream<GoldenCase> cases() {
    return GoldenCase.all().stream();
  }

  static double tolerance(GoldenCase c) {
    return c.isFloat32() ? 1e-4 : 1e-9;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void interpreterReproducesPyTorch(GoldenCase c) {
    double worst = GoldenRun.check(c, c.model().interpret(c.trainingOptimizer()), tolerance(c));
    System.out.printf("golden %-32s interpreter max relative error %.2e%n", c.name(), worst);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void compiledReproducesPyTorch(GoldenCase c) {
    double worst = GoldenRun.check(c, c.model().compile(c.trainingOptimizer()), tolerance(c));
    System.out.printf("golden %-32s compiled    max relative error %.2e%n", c.name(), worst);
  }
}
