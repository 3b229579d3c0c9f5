package dev.cortado.dsl.golden;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.Executable;
import dev.cortado.runtime.GoldenJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The recurrent cases of {@code layers.json} (a GRU returning its last state under Adam, an LSTM
 * returning every state under SGD), through the interpreter and compiled: PyTorch's per-step
 * losses and final parameters within 1e-9 relative in float64, and the held-out batch's output
 * after training. The same runs in float32 must stay within 1e-4 of PyTorch's float64 values.
 */
class RecurrentGoldenTest {
  static Stream<GoldenCase> cases() {
    Map<?, ?> root = (Map<?, ?>) GoldenJson.load("layers.json");
    List<GoldenCase> out = new ArrayList<>();
    for (Object o : (List<?>) root.get("cases")) {
      Map<?, ?> m = (Map<?, ?>) o;
      boolean recurrent = ((List<?>) m.get("layers")).stream()
          .anyMatch(l -> List.of("gru", "lstm").contains(((Map<?, ?>) l).get("op")));
      if (recurrent) {
        out.add(new GoldenCase((String) m.get("name"), m));
      }
    }
    return out.stream();
  }

  static Stream<Arguments> runs() {
    return cases().flatMap(c -> Stream.of(Arguments.of(c, false, false), Arguments.of(c, true, false),
        Arguments.of(c, false, true), Arguments.of(c, true, true)));
  }

  /** The case's model: its steps in order, the case's loss; float32 on request. */
  static Model model(GoldenCase c, boolean f32) {
    Map<?, ?> in = (Map<?, ?>) c.json().get("inputs");
    return Model.define(c.name(), m -> {
      m.dtype(f32 ? F32 : F64);
      Tensor h = m.input("x", dims((Map<?, ?>) in.get("x")));
      Tensor y = m.input("y", dims((Map<?, ?>) in.get("y")));
      for (Object o : (List<?>) c.json().get("layers")) {
        Map<?, ?> step = (Map<?, ?>) o;
        String name = (String) step.get("name");
        boolean seq = Boolean.TRUE.equals(step.get("returnSequences"));
        h = switch ((String) step.get("op")) {
          case "gru" -> m.gru(name, h, CaseJson.num(step.get("units")), g -> g.returnSequences(seq));
          case "lstm" -> m.lstm(name, h, CaseJson.num(step.get("units")), l -> l.returnSequences(seq));
          case "flatten" -> h.reshape(BATCH, (int) h.shape().fixedSize());
          case "dense" -> m.dense(name, h, CaseJson.num(step.get("units")));
          default -> throw new IllegalArgumentException(c + ": step " + step);
        };
      }
      m.output("out", h);
      m.minimize("mse".equals(c.json().get("loss")) ? mse(h, y) : softmaxCrossEntropy(h, y));
    });
  }

  private static int[] dims(Map<?, ?> input) {
    return ((List<?>) input.get("shape")).stream().mapToInt(CaseJson::num).toArray();
  }

  @ParameterizedTest(name = "{0}, compiled {1}, float32 {2}")
  @MethodSource("runs")
  void reproducesPyTorch(GoldenCase c, boolean compiled, boolean f32) {
    Model model = model(c, f32);
    Optimizer opt = c.trainingOptimizer();
    Executable exe = compiled ? model.compile(opt) : model.interpret(opt);
    double tol = f32 ? 1e-4 : 1e-9;
    double worst = GoldenRun.check(c, exe, tol);
    Map<?, ?> eval = (Map<?, ?>) c.expected().get("eval");
    double[] want = GoldenJson.flatten(eval.get("output"));
    double[] got = exe.predict(Map.of("x", GoldenJson.flatten(((Map<?, ?>) eval.get("inputs")).get("x")))).get("out");
    assertEquals(want.length, got.length);
    for (int i = 0; i < want.length; i++) {
      worst = Math.max(worst, GoldenRun.close(want[i], got[i], tol, c + " eval output[" + i + "]"));
    }
    System.out.printf("golden %-20s %s %s max relative error %.2e%n", c.name(), compiled ? "compiled   " : "interpreter",
        f32 ? "f32" : "f64", worst);
  }
}
