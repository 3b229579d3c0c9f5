package dev.cortado.dsl;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.ir.Graph;
import dev.cortado.runtime.Executable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scopes, reuse, custom getters, collections and minimize()'s handling of regularization terms. */
class ScopesAndCollectionsTest {

  @Test
  void scopesPrefixNamesAndReuseReturnsTheSameVariable() {
    List<Variable> seen = new ArrayList<>();
    Model model = Model.define("shared", m -> {
      Tensor x = m.input("x", BATCH, 2);
      m.scope("tower", () -> m.scope("fc", () -> seen.add(m.variable("w").shape(2, 2))));
      m.reuseScope("tower", () -> m.scope("fc", () -> seen.add(m.variable("w").shape(2, 2))));
      m.output("y", x.matmul(seen.get(0)).matmul(seen.get(1)));
    });
    assertSame(seen.get(0), seen.get(1));
    assertEquals("tower/fc/w", seen.get(0).name());
    assertEquals(List.of("tower/fc/w"), model.variables().stream().map(VariableSummary::name).toList());
  }

  @Test
  void reuseWithAnotherShapeIsRejected() {
    Exception e = assertThrows(IllegalArgumentException.class, () -> Model.define("m", mb -> {
      mb.scope("a", () -> mb.variable("w").shape(2, 2).node());
      mb.reuseScope("a", () -> mb.variable("w").shape(3, 2));
    }));
    assertTrue(e.getMessage().contains("a/w") && e.getMessage().contains("[2, 2]"), e.getMessage());
  }

  @Test
  void collectionsListVariablesAndTermsInDeclarationOrder() {
    List<String> reg = new ArrayList<>();
    List<String> trainable = new ArrayList<>();
    List<String> global = new ArrayList<>();
    List<String> mine = new ArrayList<>();
    Model.define("c", m -> {
      m.variable("a").shape(2).regularizer(l1(0.1));
      m.variable("b").shape(2).trainable(false).collections("mine");
      m.variable("c").shape(2).regularizer(l2(0.1));
      m.collection(REGULARIZATION_LOSSES).forEach(t -> reg.add(t.node().name()));
      m.collection(TRAINABLE_VARIABLES).forEach(t -> trainable.add(((Variable) t).name()));
      m.collection(GLOBAL_VARIABLES).forEach(t -> global.add(((Variable) t).name()));
      m.collection("mine").forEach(t -> mine.add(((Variable) t).name()));
    });
    assertEquals(2, reg.size());
    assertTrue(reg.get(0).startsWith("a/regularizer/") && reg.get(1).startsWith("c/regularizer/"), reg.toString());
    assertEquals(List.of("a", "c"), trainable);
    assertEquals(List.of("a", "b", "c"), global);
    assertEquals(List.of("b"), mine);
  }

  static Model withRegularizers(boolean sumTermsInLoss) {
    return Model.define("reg", m -> {
      m.dtype(F64);
      Tensor x = m.input("x", BATCH, 2);
      Tensor y = m.input("y", BATCH, 1);
      Tensor h = m.dense("fc1", x, 3, d -> d.activation(TANH).kernelRegularizer(l2(0.1)));
      Tensor out = m.dense("fc2", h, 1, d -> d.kernelRegularizer(l1(0.05)));
      Tensor data = mse(out, y);
      m.minimize(sumTermsInLoss ? data.add(addN(m.collection(REGULARIZATION_LOSSES))) : data);
    });
  }

  @Test
  void minimizeAddsMissingTermsExactlyOnce() {
    Map<String, double[]> batch = Map.of("x", new double[] {0.5, -1, 2, 0.3}, "y", new double[] {1, -1});
    Executable implicit = withRegularizers(false).interpret(sgd(0.1));
    Executable explicit = withRegularizers(true).interpret(sgd(0.1));
    double a = implicit.trainStep(batch);
    double b = explicit.trainStep(batch);
    assertEquals(b, a, 1e-15);
    Map<String, Double> parts = implicit.lastLosses();
    assertEquals(List.of("loss", "data_loss", "regularization/fc1/kernel", "regularization/fc2/kernel"),
        new ArrayList<>(parts.keySet()));
    assertEquals(parts.get("loss"), parts.get("data_loss") + parts.get("regularization/fc1/kernel")
        + parts.get("regularization/fc2/kernel"), 1e-12);
    assertTrue(parts.get("regularization/fc1/kernel") > 0);
    for (String p : implicit.parameterNames()) {
      assertArrayEquals(explicit.parameter(p), implicit.parameter(p), 1e-15, p);
    }
    assertEquals(List.of("regularization/fc1/kernel", "regularization/fc2/kernel"),
        withRegularizers(false).addedRegularizationTerms());
    assertEquals(List.of(), withRegularizers(true).addedRegularizationTerms());
  }

  @Test
  void aTermAddedToRegularizationLossesIsMinimizedAndNeverReplacesAVariablesTerm() {
    Model model = Model.define("added", m -> {
      Tensor x = m.input("x", BATCH, 2);
      Variable w = m.variable("w").shape(2, 1);
      m.addToCollection(REGULARIZATION_LOSSES, w.abs().sum().mul(0.5));
      m.minimize(x.matmul(w).mean());
    });
    assertEquals(List.of("loss", "data_loss", "regularization/term_0"), List.copyOf(model.graph().losses().keySet()));
    assertEquals(List.of("regularization/term_0"), model.addedRegularizationTerms());

    Model both = Model.define("both", m -> {
      Variable t = m.variable("term_1").shape(2).regularizer(l2(1));
      m.addToCollection(REGULARIZATION_LOSSES, t.abs().sum()); // the second term: term_1 is taken
      m.minimize(t.sum());
    });
    assertEquals(List.of("loss", "data_loss", "regularization/term_1", "regularization/term_2"),
        List.copyOf(both.graph().losses().keySet()));

    Exception e = assertThrows(IllegalArgumentException.class, () -> Model.define("clash", m -> {
      Variable t = m.variable("term_0").shape(2).regularizer(l2(1));
      m.addToCollection(REGULARIZATION_LOSSES, m.input("x", 2).sum());
      m.minimize(t.sum());
    }));
    assertTrue(e.getMessage().contains("variable 'term_0'") && e.getMessage().contains("regularization/term_0"),
        e.getMessage());
  }

  @Test
  void frozenVariablesGetNoGradientAndNeverChange() {
    Model model = Model.define("frozen", m -> {
      m.dtype(F64);
      Tensor x = m.input("x", BATCH, 2);
      Tensor h = m.dense("fc1", x, 2, d -> d.trainable(false));
      m.minimize(m.dense("fc2", h, 1).square().mean());
    });
    Graph g = model.trainingGraph(sgd(0.1));
    assertEquals(List.of("fc2/kernel", "fc2/bias"), new ArrayList<>(g.gradients().keySet()));
    assertTrue(g.nodes().stream().noneMatch(n -> n.name().startsWith("grad/") && n.op() == dev.cortado.op.Op.MATMUL
        && n.inputs().stream().anyMatch(i -> i.name().equals("fc1/kernel"))), "no gradient work for fc1/kernel");
    Executable exe = model.interpret(sgd(0.1));
    double[] k = exe.parameter("fc1/kernel");
    exe.trainStep(Map.of("x", new double[] {1, 2}));
    assertArrayEquals(k, exe.parameter("fc1/kernel"));
  }

  @Test
  void customGetterIsAppliedToEveryReadButTheRegularizerSeesTheVariable() {
    Model model = Model.define("getter", m -> {
      m.dtype(F64);
      Tensor x = m.input("x", BATCH, 2);
      m.scope("scaled", w -> w.mul(2.0), () -> {
        Variable v = m.variable("w").shape(2, 1).initializer(ones()).regularizer(l2(1.0));
        m.output("y", x.matmul(v));
      });
    });
    Executable exe = model.interpret();
    assertArrayEquals(new double[] {6}, exe.predict(Map.of("x", new double[] {1, 2})).get("y"), 1e-15);
    assertEquals(1.0, exe.evaluate(Map.of("x", new double[] {1, 2})).get("regularization/scaled/w"), 1e-15);
  }

  @Test
  void summaryListsEveryVariable() {
    String s = withRegularizers(true).summary();
    for (String part : new String[] {"fc1/kernel", "[2, 3]", "l2(0.1)", "fc2/kernel", "l1(0.05)", "fc2/bias",
        "glorotUniform", "Total params: 13"}) {
      assertTrue(s.contains(part), "summary lacks " + part + ":\n" + s);
    }
  }

  @Test
  void graphPrintsOneNodePerLineWithShapes() {
    String ir = withRegularizers(true).graph().toString();
    assertTrue(ir.contains("fc1/kernel = VARIABLE() shape=[2, 3] [2, 3]"), ir);
    assertTrue(ir.lines().anyMatch(l -> l.contains("MATMUL(") && l.endsWith("[BATCH, 3]")), ir);
  }

  @Test
  void dropoutChangesTrainingButNotInference() {
    Model model = Model.define("drop", m -> {
      m.dtype(F64);
      Tensor x = m.input("x", BATCH, 50);
      Variable w = m.variable("w").shape(50, 1).initializer(ones());
      Tensor out = dropout(x, 0.5).matmul(w);
      m.output("y", x.matmul(w));
      m.output("dropped", out);
      m.minimize(out.mean());
    });
    Executable exe = model.interpret(sgd(1e-3));
    double[] x = new double[50];
    java.util.Arrays.fill(x, 1.0);
    Map<String, double[]> pred = exe.predict(Map.of("x", x));
    assertEquals(50.0, pred.get("dropped")[0], 1e-12, "dropout is the identity in predict");
    double first = exe.trainStep(Map.of("x", x));
    double second = exe.trainStep(Map.of("x", x));
    assertTrue(first != 50.0 && second != first, "masks are drawn per step: " + first + ", " + second);
    assertEquals(0.0, first % 2.0, 1e-9, "kept elements are scaled by 1/(1-0.5)");
  }

  @Test
  void checkGradientsReportsEachVariable() {
    Model model = withRegularizers(false);
    GradientCheck check = model.checkGradients(Map.of("x", new double[] {0.5, -1, 2, 0.3}, "y",
        new double[] {1, -1}));
    assertEquals(List.of("fc1/kernel", "fc1/bias", "fc2/kernel", "fc2/bias"),
        new ArrayList<>(check.worstRelativeError().keySet()));
    assertTrue(check.passes(1e-5), check.toString());
  }

  @Test
  void trainableVariablesShowTheCurrentValues() {
    Model model = withRegularizers(false);
    Executable exe = model.interpret(sgd(0.1));
    exe.trainStep(Map.of("x", new double[] {0.5, -1, 2, 0.3}, "y", new double[] {1, -1}));
    Map<String, double[]> values = model.trainableVariables(exe);
    assertEquals(List.of("fc1/kernel", "fc1/bias", "fc2/kernel", "fc2/bias"), new ArrayList<>(values.keySet()));
    assertArrayEquals(exe.parameter("fc2/kernel"), values.get("fc2/kernel"));
    values.get("fc1/bias")[0] = 42;
    assertTrue(exe.parameter("fc1/bias")[0] != 42, "the values are copies");
  }
}
