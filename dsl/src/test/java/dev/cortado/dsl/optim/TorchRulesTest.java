package dev.cortado.dsl.optim;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.dsl.Model;
import dev.cortado.interp.Interpreter;
import dev.cortado.optim.Optimizer;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The options {@code training.json} leaves out (dampening, amsgrad, centered RMSprop with
 * momentum, Adagrad's lr decay and initial accumulator) against a line-by-line transcription of
 * PyTorch 1.13's rules, step by step, within 1e-12 relative.
 */
class TorchRulesTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(sgd(0.1).momentum(0.9).dampening(0.3), TorchReference.sgd(0.1, 0.9, 0.3, false, 0)),
        Arguments.of(sgd(0.1).momentum(0.8).nesterov(true).weightDecay(0.05),
            TorchReference.sgd(0.1, 0.8, 0, true, 0.05)),
        Arguments.of(adam(0.02).betas(0.8, 0.99).eps(1e-6).amsgrad(true).weightDecay(0.01),
            TorchReference.adam(0.02, 0.8, 0.99, 1e-6, 0.01, false, true)),
        Arguments.of(adamW(0.02).amsgrad(true).weightDecay(0.1),
            TorchReference.adam(0.02, 0.9, 0.999, 1e-8, 0.1, true, true)),
        Arguments.of(rmsProp(0.01).rho(0.9).momentum(0.5).centered(true).weightDecay(0.02),
            TorchReference.rmsProp(0.01, 0.9, 1e-8, 0.02, 0.5, true)),
        Arguments.of(rmsProp(0.01).momentum(0.7), TorchReference.rmsProp(0.01, 0.99, 1e-8, 0, 0.7, false)),
        Arguments.of(adagrad(0.1).lrDecay(0.1).initialAccumulator(0.1).eps(1e-8).weightDecay(0.03),
            TorchReference.adagrad(0.1, 0.1, 0.03, 0.1, 1e-8)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesPyTorchTranscription(Optimizer opt, TorchReference ref) {
    Model m = Fixtures.mlp("rules");
    Interpreter exe = Fixtures.interp(m, opt);
    Map<String, double[]> mine = Fixtures.params(exe);
    for (int s = 0; s < 8; s++) {
      Map<String, double[]> batch = Fixtures.batch(s % 3);
      ref.step(mine, Fixtures.gradients(exe, batch));
      exe.trainStep(batch);
      for (var e : mine.entrySet()) {
        double d = Fixtures.maxRelDiff(e.getValue(), exe.parameter(e.getKey()));
        assertTrue(d < 1e-12, opt + " step " + s + " " + e.getKey() + ": relative difference " + d);
      }
    }
  }
}
