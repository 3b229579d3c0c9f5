package dev.cortado.dsl.optim;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.dsl.Constraint;
import dev.cortado.dsl.Model;
import dev.cortado.optim.BaseOptimizer;
import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.Executable;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The options the golden file leaves out (dampening, amsgrad, centered RMSprop, Adagrad's lr
 * decay, DECOUPLED_UNSCALED under a schedule, the three clippings, the four constraints),
 * compiled: parameters and optimizer state agree with the interpreter after every step.
 */
class CompiledOptionsTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(sgd(0.1).momentum(0.9).dampening(0.3).clipByValue(0.05), null),
        Arguments.of(sgd(0.1).momentum(0.8).nesterov(true).weightDecay(0.05, DECOUPLED).clipByNorm(0.1), maxNorm(0.4)),
        Arguments.of(adam(0.02).amsgrad(true).weightDecay(0.01).clipByGlobalNorm(0.2), minMaxNorm(0.3, 0.5)),
        Arguments.of(adamW(0.02).weightDecay(0.1, DECOUPLED_UNSCALED).excludeFromWeightDecay("*/bias"), nonNeg()),
        Arguments.of(rmsProp(0.01).rho(0.9).momentum(0.5).centered(true).weightDecay(0.02), unitNorm()),
        Arguments.of(adagrad(0.1).lrDecay(0.1).initialAccumulator(0.1).weightDecay(0.03), null));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void compiledAgreesWithTheInterpreter(Optimizer opt, Constraint constraint) {
    Model m = Fixtures.mlp("options", d -> {
      if (constraint != null) {
        d.kernelConstraint(constraint);
      }
    }, d -> { });
    Executable compiled = m.compile(opt);
    Executable reference = m.interpret(opt);
    assertEquals(reference.stateNames(), compiled.stateNames());
    assertEquals(reference.hyperparameterNames(), compiled.hyperparameterNames());
    for (int s = 0; s < 8; s++) {
      double mult = 1.0 / (1 + s);
      compiled.setHyperparameter(BaseOptimizer.LR_MULTIPLIER, mult);
      reference.setHyperparameter(BaseOptimizer.LR_MULTIPLIER, mult);
      double want = reference.trainStep(Fixtures.batch(s % 3));
      double got = compiled.trainStep(Fixtures.batch(s % 3));
      assertEquals(want, got, 1e-12 * Math.abs(want), "step " + s + " loss");
      for (String v : reference.parameterNames()) {
        double d = Fixtures.maxRelDiff(reference.parameter(v), compiled.parameter(v));
        assertTrue(d < 1e-12, opt + " step " + s + " " + v + ": " + d);
      }
      for (String st : reference.stateNames()) {
        double d = Fixtures.maxRelDiff(reference.state(st), compiled.state(st));
        assertTrue(d < 1e-12, opt + " step " + s + " state " + st + ": " + d);
      }
    }
  }
}
