package dev.cortado.dsl.optim;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.dsl.Model;
import dev.cortado.interp.Interpreter;
import dev.cortado.ir.Graph;
import dev.cortado.optim.BaseOptimizer;
import dev.cortado.optim.DecayMode;
import dev.cortado.runtime.Executable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What each decay mode does, and what it must never touch. */
class WeightDecayTest {

  @ParameterizedTest
  @EnumSource(DecayMode.class)
  void excludedVariablesAreNeverDecayed(DecayMode mode) {
    Model m = Fixtures.mlp("exclude");
    for (BaseOptimizer<?> base : List.of(sgd(0.1).momentum(0.9), adam(0.05), rmsProp(0.01))) {
      Executable plain = m.interpret(base.weightDecay(0));
      Executable decayed = m.interpret(base.weightDecay(0.3, mode).excludeFromWeightDecay("*/bias"));
      plain.trainStep(Fixtures.batch(0));
      decayed.trainStep(Fixtures.batch(0));
      for (String bias : List.of("fc1/bias", "fc2/bias")) {
        assertArrayEquals(plain.parameter(bias), decayed.parameter(bias), 0.0, base + " " + mode + " " + bias);
      }
      for (String kernel : List.of("fc1/kernel", "fc2/kernel")) {
        assertTrue(Fixtures.maxRelDiff(plain.parameter(kernel), decayed.parameter(kernel)) > 1e-6,
            base + " " + mode + ": " + kernel + " should be decayed");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(DecayMode.class)
  void frozenVariablesAreNeverDecayedNorUpdated(DecayMode mode) {
    Model m = Fixtures.mlp("frozen", d -> d.trainable(false), d -> { });
    Executable exe = m.interpret(adamW(0.05).weightDecay(0.5, mode));
    double[] kernel = exe.parameter("fc1/kernel");
    double[] bias = exe.parameter("fc1/bias");
    for (int s = 0; s < 5; s++) {
      exe.trainStep(Fixtures.batch(s));
    }
    assertArrayEquals(kernel, exe.parameter("fc1/kernel"), 0.0);
    assertArrayEquals(bias, exe.parameter("fc1/bias"), 0.0);
    Graph g = ((Interpreter) exe).graph();
    assertFalse(g.updates().containsKey("fc1/kernel"));
    assertFalse(g.gradients().containsKey("fc1/kernel"));
    assertTrue(exe.stateNames().stream().noneMatch(n -> n.startsWith("fc1/")), exe.stateNames().toString());
    assertTrue(exe.stateNames().contains("fc2/kernel/exp_avg"), exe.stateNames().toString());
  }

  @Test
  void aFrozenVariableWithARegularizerGetsOneWarning() {
    List<String> logged = Fixtures.logged(Model.class.getName(), () -> Fixtures.mlp("frozen_reg",
        d -> d.trainable(false).kernelRegularizer(l2(0.1)), d -> { }).interpret(sgd(0.1)));
    assertEquals(1, logged.size(), logged.toString());
    String msg = logged.get(0);
    assertTrue(msg.contains("fc1/kernel") && msg.contains("frozen") && !msg.contains("\n"), msg);
  }

  @Test
  void anExclusionThatMatchesNothingIsReported() {
    Model m = Fixtures.mlp("typo");
    List<String> logged = Fixtures.logged(BaseOptimizer.class.getName(),
        () -> m.interpret(adamW(0.1).excludeFromWeightDecay("*/bias", "*/bais")));
    assertEquals(1, logged.size(), logged.toString());
    assertTrue(logged.get(0).contains("*/bais"), logged.get(0));
  }

  @Test
  void minimizeAddsTheCollectionOnceWhetherOrNotTheLossSumsIt() {
    Map<String, double[]> batch = Fixtures.batch(0);
    Model[] models = new Model[3];
    for (int k = 0; k < 3; k++) {
      int variant = k;
      models[k] = Model.define("minimize" + k, m -> {
        m.dtype(F64);
        var x = m.input("x", BATCH, 3);
        var y = m.input("y", BATCH, 2);
        var h = m.dense("fc1", x, 4, d -> d.activation(TANH).kernelRegularizer(variant == 2 ? l2(0) : l2(0.3)));
        var out = m.dense("fc2", h, 2, d -> d.kernelRegularizer(l1(variant == 2 ? 0 : 0.05)));
        var data = mse(out, y);
        m.minimize(variant == 0 ? data : data.add(addN(m.collection(REGULARIZATION_LOSSES))));
      });
    }
    Map<String, double[]> g0 = Fixtures.gradients(Fixtures.interp(models[0], sgd(0.1)), batch);
    Map<String, double[]> g1 = Fixtures.gradients(Fixtures.interp(models[1], sgd(0.1)), batch);
    Map<String, double[]> none = Fixtures.gradients(Fixtures.interp(models[2], sgd(0.1)), batch);
    for (String v : g0.keySet()) {
      assertArrayEquals(g1.get(v), g0.get(v), 1e-15, v);
    }
    assertTrue(Fixtures.maxRelDiff(g0.get("fc1/kernel"), none.get("fc1/kernel")) > 1e-3,
        "the regularizer must change the gradient, or this test proves nothing");
  }

  @Test
  void coupledSgdEqualsAnL2RegularizerStepForStep() {
    double lambda = 0.2;
    for (boolean momentum : new boolean[] {false, true}) {
      Model regularized = Fixtures.mlp("l2", d -> d.kernelRegularizer(l2(lambda)).biasRegularizer(l2(lambda)),
          d -> d.kernelRegularizer(l2(lambda)).biasRegularizer(l2(lambda)));
      Model bare = Fixtures.mlp("coupled");
      var opt = sgd(0.1).momentum(momentum ? 0.9 : 0);
      Executable a = regularized.interpret(opt);
      Executable b = bare.interpret(opt.weightDecay(lambda, COUPLED));
      for (int s = 0; s < 10; s++) {
        a.trainStep(Fixtures.batch(s % 3));
        b.trainStep(Fixtures.batch(s % 3));
        assertEquals(a.lastLosses().get("data_loss"), b.lastLosses().get("data_loss"),
            1e-13 * a.lastLosses().get("data_loss"), "step " + s);
        for (String v : a.parameterNames()) {
          assertTrue(Fixtures.maxRelDiff(a.parameter(v), b.parameter(v)) < 1e-12, "momentum " + momentum
              + " step " + s + " " + v);
        }
      }
    }
  }

  @Test
  void underPlainSgdTheThreeMeaningsAgreeAndUnderMomentumTheyDiffer() {
    double lambda = 0.2;
    double lr = 0.1;
    Model l2 = Fixtures.mlp("l2", d -> d.kernelRegularizer(l2(lambda)).biasRegularizer(l2(lambda)),
        d -> d.kernelRegularizer(l2(lambda)).biasRegularizer(l2(lambda)));
    Model bare = Fixtures.mlp("bare");
    for (double mu : new double[] {0, 0.9}) {
      List<Executable> exes = List.of(l2.interpret(sgd(lr).momentum(mu)),
          bare.interpret(sgd(lr).momentum(mu).weightDecay(lambda, COUPLED)),
          bare.interpret(sgd(lr).momentum(mu).weightDecay(lambda, DECOUPLED)),
          bare.interpret(sgd(lr).momentum(mu).weightDecay(lambda * lr, DECOUPLED_UNSCALED)));
      double worst = 0;
      for (int s = 0; s < 6; s++) {
        for (Executable e : exes) {
          e.trainStep(Fixtures.batch(s % 3));
        }
        for (Executable e : exes.subList(1, 4)) {
          worst = Math.max(worst, Fixtures.maxRelDiff(exes.get(0).parameter("fc1/kernel"), e.parameter("fc1/kernel")));
        }
      }
      if (mu == 0) {
        assertTrue(worst < 1e-12, "plain SGD: l2, COUPLED, DECOUPLED and DECOUPLED_UNSCALED(λ·lr) differ by " + worst);
      } else {
        assertTrue(worst > 1e-4, "with momentum the decoupled modes should differ from l2, got " + worst);
      }
    }
  }

  @Test
  void decoupledUnscaledFollowsTheMultiplierAndNotTheBaseLr() {
    double wd = 0.05;
    Model m = Fixtures.mlp("unscaled");
    for (DecayMode mode : List.of(DECOUPLED_UNSCALED, DECOUPLED)) {
      for (double lr : new double[] {0.1, 0.003}) {
        for (double mult : new double[] {1, 0.5, 0.1}) {
          Interpreter exe = Fixtures.interp(m, sgd(lr).weightDecay(wd, mode));
          exe.setHyperparameter(BaseOptimizer.LR_MULTIPLIER, mult);
          Map<String, double[]> w = Fixtures.params(exe);
          Map<String, double[]> g = Fixtures.gradients(exe, Fixtures.batch(0));
          exe.trainStep(Fixtures.batch(0));
          double factor = mode == DECOUPLED_UNSCALED ? 1 - mult * wd : 1 - lr * mult * wd;
          w.forEach((name, before) -> {
            double[] want = new double[before.length];
            for (int i = 0; i < want.length; i++) {
              want[i] = before[i] * factor - lr * mult * g.get(name)[i];
            }
            assertArrayEquals(want, exe.parameter(name), 1e-15, mode + " lr " + lr + " multiplier " + mult + " " + name);
          });
        }
      }
    }
  }
}
