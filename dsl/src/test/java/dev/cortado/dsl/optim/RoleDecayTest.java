package dev.cortado.dsl.optim;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.dsl.Model;
import dev.cortado.ir.Role;
import dev.cortado.optim.BaseOptimizer;
import dev.cortado.optim.DecayMode;
import dev.cortado.runtime.Executable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Weight decay excluded by role: the same steps as the glob form, in both modes, and combinable with it. */
class RoleDecayTest {

  /** fc1 and fc2 (dense) plus a scale {@code norm/gamma} declared with the NORMALIZATION role. */
  private static Model withScale(String name) {
    return Model.define(name, m -> {
      m.dtype(F64);
      m.seed(11);
      var x = m.input("x", BATCH, 3);
      var y = m.input("y", BATCH, 2);
      var h = m.dense("fc1", x, 4, d -> d.activation(TANH));
      var gamma = m.scoped("norm", () -> m.variable("gamma").shape(4).initializer(ones()).role(NORMALIZATION));
      var out = m.dense("fc2", h.mul(gamma), 2);
      m.output("out", out);
      m.minimize(mse(out, y));
    });
  }

  @ParameterizedTest
  @EnumSource(DecayMode.class)
  void aRoleExcludesWhatTheGlobExcludesStepForStepInBothModes(DecayMode mode) {
    Model m = Fixtures.mlp("role_" + mode);
    for (BaseOptimizer<?> base : List.of(sgd(0.1).momentum(0.9), adamW(0.05), rmsProp(0.01))) {
      var byGlob = base.weightDecay(0.3, mode).excludeFromWeightDecay("*/bias");
      var byRole = base.weightDecay(0.3, mode).excludeFromWeightDecay(BIAS);
      var none = base.weightDecay(0.3, mode);
      List<Executable> exes = List.of(m.interpret(byGlob), m.interpret(byRole), m.compile(byRole), m.interpret(none));
      for (int s = 0; s < 4; s++) {
        for (Executable e : exes) {
          e.trainStep(Fixtures.batch(s % 3));
        }
        for (String v : exes.get(0).parameterNames()) {
          assertArrayEquals(exes.get(0).parameter(v), exes.get(1).parameter(v), 0.0, byRole + " step " + s + " " + v);
          double d = Fixtures.maxRelDiff(exes.get(1).parameter(v), exes.get(2).parameter(v));
          assertTrue(d < 1e-12, "compiled " + byRole + " step " + s + " " + v + ": " + d);
        }
      }
      assertTrue(Fixtures.maxRelDiff(exes.get(1).parameter("fc2/bias"), exes.get(3).parameter("fc2/bias")) > 1e-6,
          base + " " + mode + ": decay must reach the bias when nothing excludes it, or this test proves nothing");
    }
  }

  @Test
  void rolesAndGlobsCombine() {
    Model m = withScale("combine");
    var base = adamW(0.05).weightDecay(0.5);
    Executable both = m.interpret(base.excludeFromWeightDecay("*/bias").excludeFromWeightDecay(NORMALIZATION));
    Executable globs = m.interpret(base.excludeFromWeightDecay("*/bias", "norm/*"));
    Executable partial = m.interpret(base.excludeFromWeightDecay(NORMALIZATION));
    Executable partialGlob = m.interpret(base.excludeFromWeightDecay("norm/*"));
    for (int s = 0; s < 3; s++) {
      for (Executable e : List.of(both, globs, partial, partialGlob)) {
        e.trainStep(Fixtures.batch(s));
      }
    }
    for (String v : both.parameterNames()) {
      assertArrayEquals(globs.parameter(v), both.parameter(v), 0.0, v);
      assertArrayEquals(partialGlob.parameter(v), partial.parameter(v), 0.0, v);
    }
    assertTrue(Fixtures.maxRelDiff(both.parameter("fc1/bias"), partial.parameter("fc1/bias")) > 1e-6,
        "NORMALIZATION alone must leave the biases decayed");
  }

  @Test
  void aRoleThatNoTrainableVariableCarriesIsReported() {
    Model m = Fixtures.mlp("no_embedding");
    List<String> logged = Fixtures.logged(BaseOptimizer.class.getName(),
        () -> m.interpret(adamW(0.1).excludeFromWeightDecay(BIAS, EMBEDDING)));
    assertEquals(1, logged.size(), logged.toString());
    assertTrue(logged.get(0).contains("EMBEDDING") && logged.get(0).contains("adamW"), logged.get(0));
  }

  @Test
  void aFrozenVariableDoesNotCountAsAMatch() {
    Model m = Fixtures.mlp("frozen_bias", d -> d.trainable(false), d -> d.useBias(false));
    List<String> logged = Fixtures.logged(BaseOptimizer.class.getName(),
        () -> m.interpret(adamW(0.1).excludeFromWeightDecay(BIAS)));
    assertEquals(1, logged.size(), logged.toString());
    assertTrue(logged.get(0).contains("BIAS"), logged.get(0));
  }

  @Test
  void badRolesAreRejectedNamingTheOptimizer() {
    var e = assertThrows(IllegalArgumentException.class, () -> sgd(0.1).excludeFromWeightDecay(BIAS, null));
    assertTrue(e.getMessage().startsWith("sgd:"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> adam(0.1).excludeFromWeightDecay(new Role[0]));
    assertTrue(e.getMessage().startsWith("adam:"), e.getMessage());
  }

  @Test
  void theRolesArePartOfTheOptimizersValue() {
    var a = adamW(0.1).excludeFromWeightDecay(NORMALIZATION).excludeFromWeightDecay(BIAS);
    var b = adamW(0.1).excludeFromWeightDecay(BIAS, NORMALIZATION);
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, adamW(0.1).excludeFromWeightDecay(BIAS));
    assertTrue(a.describe().contains("excludeFromWeightDecay=[BIAS, NORMALIZATION]"), a.describe());
  }

  @Test
  void everyLayerVariableCarriesItsRoleInTheSummary() {
    Model m = withScale("summary_roles");
    Map<String, Role> declared = new HashMap<>();
    m.variables().forEach(v -> declared.put(v.name(), v.role()));
    assertEquals(5, declared.size(), declared.toString());
    assertEquals(null, declared.get("fc1/kernel"));
    assertEquals(BIAS, declared.get("fc1/bias"));
    assertEquals(NORMALIZATION, declared.get("norm/gamma"));
    String s = m.summary();
    assertTrue(s.lines().anyMatch(l -> l.startsWith("Variable") && l.endsWith("Role")), s);
    assertTrue(s.lines().anyMatch(l -> l.startsWith("fc2/bias") && l.endsWith("BIAS")), s);
    assertTrue(s.lines().anyMatch(l -> l.startsWith("norm/gamma") && l.endsWith("NORMALIZATION")), s);
    assertTrue(s.lines().anyMatch(l -> l.startsWith("fc2/kernel") && l.endsWith("-")), s);
  }
}
