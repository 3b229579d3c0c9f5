package dev.cortado.dsl.golden;

import static dev.cortado.dsl.Cortado.sgd;

import dev.cortado.optim.Optimizer;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The plain-SGD cases of {@code training.json} through the interpreter, within 1e-9 relative. */
class TrainingGoldenInterpreterTest {
  static Stream<GoldenCase> plainSgdCases() {
    return GoldenCase.all().stream().filter(c -> {
      Map<?, ?> o = c.optimizer();
      return "sgd".equals(o.get("type")) && o.size() == 2;
    });
  }

  static Optimizer plainSgd(GoldenCase c) {
    return sgd(((Number) c.optimizer().get("lr")).doubleValue());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("plainSgdCases")
  void reproducesPyTorch(GoldenCase c) {
    GoldenRun.check(c, c.model().interpret(plainSgd(c)), 1e-9);
  }
}
