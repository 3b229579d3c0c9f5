package dev.cortado.dsl.codegen;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.ir.DType;
import dev.cortado.optim.DecayMode;
import dev.cortado.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every number in the generated update methods says what it is: each literal other than 0, 1
 * and 2 in an {@code update_*} method is explained by a comment in that method ({@code // 0.9 is
 * beta1, ...}), for Adam with global-norm clipping, SGD with Nesterov momentum, dampening and
 * value clipping, RMSprop with momentum, and Adagrad with a learning-rate decay, in F32 and F64.
 */
class ConstantCommentsTest {
  /** A literal as the emitter writes it, with its sign; not one inside an identifier. */
  static final Pattern LITERAL = Pattern.compile("(?<![\\w.])-?\\d+\\.\\d+(?:E-?\\d+)?f?");

  static Model model(DType dtype) {
    return Model.define("notes", m -> {
      m.dtype(dtype);
      Tensor x = m.input("x", BATCH, 3);
      Tensor y = m.input("y", BATCH, 1);
      Tensor p = m.dense("out", m.dense("hidden", x, 4, d -> d.activation(TANH)), 1);
      m.output("p", p);
      m.minimize(mse(p, y));
    });
  }

  static List<Optimizer> optimizers() {
    return List.of(
        adamW(0.003).clipByGlobalNorm(0.7),
        adam(0.02).weightDecay(0.004, DecayMode.COUPLED).betas(0.8, 0.95).eps(1e-7),
        sgd(0.05).momentum(0.9).dampening(0.1).clipByValue(0.25).weightDecay(0.02, DecayMode.DECOUPLED_UNSCALED),
        sgd(0.05).momentum(0.8).nesterov(true).clipByNorm(3.0),
        rmsProp(0.01).momentum(0.5),
        adagrad(0.1).lrDecay(0.01));
  }

  /** The {@code update_*} methods of a generated class, by name. */
  static List<String[]> updateMethods(String src) {
    List<String[]> out = new ArrayList<>();
    Matcher m = Pattern.compile("\\n    private void (update_\\w+)\\(\\) \\{\\n").matcher(src);
    while (m.find()) {
      int end = src.indexOf("\n    }\n", m.end());
      out.add(new String[] {m.group(1), src.substring(m.end(), end)});
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"F32", "F64"})
  void everyNumberOfAnUpdateIsExplained(DType dtype) {
    for (Optimizer opt : optimizers()) {
      String src = model(dtype).generateSource("p", "C", opt, 2);
      List<String[]> methods = updateMethods(src);
      assertFalse(methods.isEmpty(), src);
      int explained = 0;
      for (String[] method : methods) {
        StringBuilder comments = new StringBuilder();
        StringBuilder code = new StringBuilder();
        for (String line : method[1].split("\n")) {
          (line.strip().startsWith("//") ? comments : code).append(line).append('\n');
        }
        Matcher lit = LITERAL.matcher(code);
        while (lit.find()) {
          String text = lit.group();
          double v = Math.abs(Double.parseDouble(text.replace("f", "")));
          if (v == 0 || v == 1 || v == 2) {
            continue;
          }
          assertTrue(comments.indexOf("// " + text + " is ") >= 0 || comments.indexOf("; " + text + " is ") >= 0,
              opt + " " + dtype + ": " + text + " in " + method[0] + " has no comment:\n" + method[1]);
          explained++;
        }
      }
      assertTrue(explained > 0, opt + ": no number to explain?\n" + src);
    }
  }
}
