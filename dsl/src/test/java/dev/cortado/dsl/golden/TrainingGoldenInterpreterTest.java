package dev.cortado.dsl.golden;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of {@code training.json} (every optimizer and decay mode) through the interpreter:
 * PyTorch's per-step losses and final parameters within 1e-9 relative (float64), 1e-4 (float32).
 */
class TrainingGoldenInterpreterTest {
  static Stream<GoldenCase> cases() {
    return GoldenCase.all().stream();
  }

  static double tolerance(GoldenCase c) {
    return c.isFloat32() ? 1e-4 : 1e-9;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reproducesPyTorch(GoldenCase c) {
    double worst = GoldenRun.check(c, c.model().interpret(c.trainingOptimizer()), tolerance(c));
    System.out.printf("golden %-32s interpreter max relative error %.2e%n", c.name(), worst);
  }
}
