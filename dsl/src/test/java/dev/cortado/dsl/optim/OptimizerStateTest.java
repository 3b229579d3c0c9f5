package dev.cortado.dsl.optim;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.dsl.Model;
import dev.cortado.optim.BaseOptimizer;
import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.Executable;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Moments and the step count are named state: copying it resumes training bit for bit. */
class OptimizerStateTest {
  static Stream<Optimizer> optimizers() {
    return Stream.of(sgd(0.1).momentum(0.9).dampening(0.2), adam(0.01).amsgrad(true),
        adamW(0.01).weightDecay(0.1, DECOUPLED_UNSCALED), rmsProp(0.01).momentum(0.5).centered(true),
        adagrad(0.1).lrDecay(0.05).initialAccumulator(0.1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optimizers")
  void copyingParametersAndStateResumesExactly(Optimizer opt) {
    Model m = Fixtures.mlp("resume");
    Executable straight = m.interpret(opt);
    Executable first = m.interpret(opt);
    for (int s = 0; s < 6; s++) {
      straight.trainStep(Fixtures.batch(s % 3));
      if (s < 3) {
        first.trainStep(Fixtures.batch(s % 3));
      }
    }
    assertEquals(3.0, first.state(BaseOptimizer.STEP)[0]);
    assertTrue(first.stateNames().size() > 1, first.stateNames().toString());
    Executable resumed = m.interpret(opt);
    Fixtures.copyParams(first, resumed);
    for (String st : first.stateNames()) {
      resumed.setState(st, first.state(st));
    }
    for (int s = 3; s < 6; s++) {
      resumed.trainStep(Fixtures.batch(s % 3));
    }
    for (String v : straight.parameterNames()) {
      assertArrayEquals(straight.parameter(v), resumed.parameter(v), 0.0, v);
    }
    assertEquals(6.0, resumed.state(BaseOptimizer.STEP)[0]);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optimizers")
  void stateIsNamedAfterItsParameterAndPyTorchsKey(Optimizer opt) {
    List<String> names = Fixtures.mlp("names").interpret(opt).stateNames();
    String slot = switch (opt.describe().substring(0, opt.describe().indexOf('('))) {
      case "sgd" -> "momentum_buffer";
      case "adam", "adamW" -> "exp_avg_sq";
      case "rmsProp" -> "grad_avg";
      default -> "sum";
    };
    assertTrue(names.contains("fc1/kernel/" + slot) && names.contains(BaseOptimizer.STEP), names.toString());
    Executable exe = Fixtures.mlp("names").interpret(opt);
    var e = assertThrows(IllegalArgumentException.class, () -> exe.setState("fc1/kernel/" + slot, new double[2]));
    assertTrue(e.getMessage().contains("fc1/kernel/" + slot), e.getMessage());
  }
}
