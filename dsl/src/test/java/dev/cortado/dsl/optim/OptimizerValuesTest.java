package dev.cortado.dsl.optim;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.optim.Sgd;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Optimizers are immutable values, validated with messages naming the optimizer and the argument. */
class OptimizerValuesTest {
  static void rejects(String optimizer, String argument, Executable e) {
    String msg = assertThrows(IllegalArgumentException.class, e).getMessage();
    assertTrue(msg.startsWith(optimizer + ": ") && msg.contains(argument), msg);
  }

  @Test
  void badArgumentsNameTheOptimizerAndTheArgument() {
    rejects("sgd", "lr", () -> sgd(0));
    rejects("sgd", "momentum", () -> sgd(0.1).momentum(-0.1));
    rejects("sgd", "weightDecay", () -> sgd(0.1).weightDecay(Double.NaN));
    rejects("adam", "beta1", () -> adam(0.1).betas(1.0, 0.9));
    rejects("adam", "beta2", () -> adam(0.1).betas(0.9, -0.5));
    rejects("adamW", "eps", () -> adamW(0.1).eps(-1));
    rejects("adamW", "lr", () -> adamW(Double.POSITIVE_INFINITY));
    rejects("rmsProp", "rho", () -> rmsProp(0.1).rho(1.5));
    rejects("rmsProp", "momentum", () -> rmsProp(0.1).momentum(-1));
    rejects("adagrad", "lrDecay", () -> adagrad(0.1).lrDecay(-1));
    rejects("adagrad", "initialAccumulator", () -> adagrad(0.1).initialAccumulator(-1));
    rejects("sgd", "clipByNorm", () -> sgd(0.1).clipByNorm(0));
    rejects("adam", "excludeFromWeightDecay", () -> adam(0.1).excludeFromWeightDecay(""));
    // a check across arguments runs when the training graph is built
    rejects("sgd", "nesterov", () -> Fixtures.mlp("nesterov").interpret(sgd(0.1).nesterov(true)));
    rejects("sgd", "nesterov", () -> Fixtures.mlp("nesterov").interpret(sgd(0.1).momentum(0.9).dampening(0.1)
        .nesterov(true)));
  }

  @Test
  void settersReturnNewValuesAndLeaveTheOldOneAlone() {
    Sgd base = sgd(0.1);
    Sgd momentum = base.momentum(0.9).nesterov(true).weightDecay(1e-2);
    assertEquals(0, base.momentum());
    assertEquals(0, base.weightDecay());
    assertEquals(0.9, momentum.momentum());
    assertEquals("sgd(lr=0.1, momentum=0.9, nesterov, weightDecay=0.01 COUPLED)", momentum.toString());
    assertEquals(momentum, sgd(0.1).weightDecay(1e-2).nesterov(true).momentum(0.9));
    assertEquals(momentum.hashCode(), sgd(0.1).weightDecay(1e-2).nesterov(true).momentum(0.9).hashCode());
    assertNotEquals(momentum, momentum.lr(0.2));
    assertNotEquals(adam(0.1), adamW(0.1).weightDecay(0));
  }

  @Test
  void naturalDecayModes() {
    assertEquals(COUPLED, sgd(0.1).weightDecay(0.1).decayMode());
    assertEquals(COUPLED, adam(0.1).weightDecay(0.1).decayMode());
    assertEquals(COUPLED, rmsProp(0.1).weightDecay(0.1).decayMode());
    assertEquals(COUPLED, adagrad(0.1).weightDecay(0.1).decayMode());
    assertEquals(DECOUPLED, adamW(0.1).decayMode());
    assertEquals(0.01, adamW(0.1).weightDecay());
    assertEquals(DECOUPLED, adamW(0.1).weightDecay(0.1).decayMode());
    assertEquals(DECOUPLED_UNSCALED, adamW(0.1).weightDecay(0.1, DECOUPLED_UNSCALED).decayMode());
    assertEquals(List.of("*/bias", "emb/*"),
        adamW(0.1).excludeFromWeightDecay("*/bias").excludeFromWeightDecay("emb/*").excludedFromWeightDecay());
  }

  @Test
  void scalarsSharedByEveryParameterAreBuiltOnce() {
    var g = Fixtures.mlp("shared").trainingGraph(adam(0.1).amsgrad(true));
    long expm1 = g.nodes().stream().filter(n -> n.op() == dev.cortado.op.Op.EXPM1).count();
    assertEquals(2, expm1, "one bias correction per moment for all four parameters");
    assertTrue(g.nodes().stream().filter(n -> n.op() == dev.cortado.op.Op.EXPM1)
        .allMatch(n -> n.name().startsWith("update/optimizer/")), g.toString());
  }
}
