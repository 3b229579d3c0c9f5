package dev.cortado.dsl.codegen;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.codegen.compile.InMemoryCompiler;
import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.dsl.Variable;
import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.Executable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * User text cannot add code to a generated class. Each hostile text is put into every name that
 * reaches the source at once (the model, a scope, a layer, a variable, both inputs, the output,
 * the optimizer's weight-decay exclusion glob), and the model is compiled at run time (one and
 * two threads, whose classes comment their parts differently) and generated as the Maven plugin
 * writes it, then compiled: each class compiles, trains and predicts as the interpreter does,
 * and the statement the text carries never runs. The texts are written with real backslashes:
 * {@code \\u000a} below is the six characters Java would read as a line break.
 */
class NameInjectionTest {
  private static final String PWNED = "cortado.pwned";
  private static final String RUN = "System.setProperty(\"" + PWNED + "\", \"yes\");";

  static List<String> payloads() {
    return List.of(
        "\\u000a" + RUN + "//",
        "\\u000d" + RUN + "//",
        "\\u002a\\u002f " + RUN + " /\\u002a",
        "\\u002a/ static { " + RUN + " } /*",
        "*/ static { " + RUN + " } /*",
        "\\u0022); " + RUN + " //",
        "\\\\u000a" + RUN + "//",
        "\\uuu000a" + RUN + "//",
        "\n" + RUN + "//",
        "\r\n" + RUN + "//",
        "\\u005c\\u000a" + RUN,
        "\\",
        "x*"); // a scope "scopex*" labels its nodes "scopex*/layerx*/...": a */ made by the DSL itself
  }

  /** {@code p} as a scope or variable name may be: without {@code /}, which separates scopes. */
  private static String part(String p) {
    return p.replace('/', '|');
  }

  private static Model model(String p) {
    String q = part(p);
    return Model.define("model" + p, m -> {
      m.dtype(F64);
      Tensor x = m.input("x" + p, BATCH, 3);
      Tensor y = m.input("y" + p, BATCH, 2);
      Tensor h = m.scoped("scope" + q, () -> m.dense("layer" + q, x, 4, d -> d.activation(TANH)));
      Variable w = m.variable("w" + q).shape(4, 2).regularizer(l2(0.01));
      Variable b = m.variable("b" + q).shape(2).initializer(zeros());
      Tensor pred = h.matmul(w).add(b);
      m.output("out" + p, pred);
      m.minimize(mse(pred, y));
    });
  }

  private static Optimizer optimizer(String p) {
    return adamW(0.01).excludeFromWeightDecay("b" + part(p), "*/bias" + p);
  }

  private static Map<String, double[]> batch(String p) {
    return Map.of("x" + p, new double[] {1, 2, 3, -1, 0.5, 0}, "y" + p, new double[] {1, 0, 0, 1});
  }

  /** {@code exe} trains and predicts as the interpreter of {@code model} does from the same start. */
  private static void sameAsInterpreter(Model model, String p, Executable exe) {
    Executable ref = model.interpret(optimizer(p));
    for (String n : ref.parameterNames()) {
      exe.setParameter(n, ref.parameter(n));
    }
    for (int s = 0; s < 2; s++) {
      assertEquals(ref.trainStep(batch(p)), exe.trainStep(batch(p)), 1e-12);
    }
    assertArrayEquals(ref.predict(batch(p)).get("out" + p), exe.predict(batch(p)).get("out" + p), 1e-12);
    assertNull(System.getProperty(PWNED), "a name's statement ran");
  }

  @ParameterizedTest
  @MethodSource("payloads")
  void compiledAtRunTime(String p) {
    Model model = model(p);
    for (int threads : new int[] {1, 2}) {
      sameAsInterpreter(model, p, model.compile(optimizer(p), threads));
    }
  }

  @ParameterizedTest
  @MethodSource("payloads")
  void generatedAsThePluginWritesIt(String p) throws Exception {
    Model model = model(p);
    String src = model.generateSource("gen.inject", "Injected", optimizer(p), 2);
    assertTrue(src.chars().allMatch(c -> c == '\n' || c >= 0x20 && c < 0x7f), "the source is printable ASCII");
    assertTrue(!src.contains(RUN), "the statement is not in the source as written");
    Class<?> c = InMemoryCompiler.compile("gen.inject.Injected", src).type();
    sameAsInterpreter(model, p, (Executable) c.getConstructor().newInstance());
  }

  @ParameterizedTest
  @MethodSource("payloads")
  void classAndPackageNamesAreRejectedNamingThem(String p) {
    Model model = model("");
    IllegalArgumentException cls = assertThrows(IllegalArgumentException.class,
        () -> model.generateSource("gen", "Injected" + p));
    assertTrue(cls.getMessage().startsWith("class name \"Injected"), cls.getMessage());
    IllegalArgumentException pkg = assertThrows(IllegalArgumentException.class,
        () -> model.generateSource("gen" + p, "Injected"));
    assertTrue(pkg.getMessage().startsWith("package name \"gen"), pkg.getMessage());
  }

  /** Names outside ASCII, and names that mangle to a keyword or to {@code _}, work in both modes. */
  @Test
  void nonAsciiAndKeywordNamesWork() throws Exception {
    for (String p : List.of("重み", "ä", "_", "true", "var", "1", "Ωμ", "null")) {
      Model model = Model.define(p, m -> {
        m.dtype(F64);
        Tensor x = m.input(p, BATCH, 3);
        Tensor y = m.input("y", BATCH, 2);
        Variable w = m.scoped(p, () -> m.variable(p).shape(3, 2));
        Tensor pred = m.scoped(p, () -> m.dense(p, x.matmul(w), 2));
        m.output(p + "/" + p, pred);
        m.minimize(mse(pred, y));
      });
      Map<String, double[]> batch = Map.of(p, new double[] {1, 2, 3, -1, 0.5, 0}, "y", new double[] {1, 0, 0, 1});
      Executable ref = model.interpret(sgd(0.1));
      Executable run = model.compile(sgd(0.1));
      Class<?> c = InMemoryCompiler.compile("gen.名前.Modèle", model.generateSource("gen.名前", "Modèle", sgd(0.1), 2)).type();
      Executable gen = (Executable) c.getConstructor().newInstance();
      for (String n : ref.parameterNames()) {
        gen.setParameter(n, ref.parameter(n));
      }
      for (int s = 0; s < 2; s++) {
        double want = ref.trainStep(batch);
        assertEquals(want, run.trainStep(batch), 1e-12, p);
        assertEquals(want, gen.trainStep(batch), 1e-12, p);
      }
      assertEquals(ref.parameterNames(), gen.parameterNames(), "the names are kept exactly");
    }
  }
}
