package dev.cortado.bench;

import static dev.cortado.dsl.Cortado.BATCH;
import static dev.cortado.dsl.Cortado.LINEAR;
import static dev.cortado.dsl.Cortado.RELU;
import static dev.cortado.dsl.Cortado.adamW;
import static dev.cortado.dsl.Cortado.mse;
import static dev.cortado.dsl.Cortado.sgd;
import static dev.cortado.dsl.Cortado.softmaxCrossEntropy;

import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.Executable;
import java.util.Map;

/**
 * The three benchmark models written with the Cortado DSL, as a user would: inputs {@code x} and
 * {@code y} (one-hot labels or regression targets), dense layers {@code fc1 … fcL}, ReLU between
 * them, and the same loss and optimizer (weight decay on every variable) as the hand-written step
 * and {@code pytorch_peer.py}.
 */
final class CortadoModels {
  private CortadoModels() {}

  /** The model defined with the DSL, float32. */
  static Model define(BenchModel model) {
    int[] sizes = model.sizes();
    return Model.define(model.label(), m -> {
      Tensor x = m.input("x", BATCH, sizes[0]);
      Tensor y = m.input("y", BATCH, sizes[sizes.length - 1]);
      Tensor h = x;
      for (int l = 0; l + 1 < sizes.length; l++) {
        boolean hidden = l + 2 < sizes.length;
        h = m.dense("fc" + (l + 1), h, sizes[l + 1], d -> d.activation(hidden ? RELU : LINEAR));
      }
      m.output("pred", h);
      m.minimize(model.classifier() ? softmaxCrossEntropy(h, y) : mse(h, y));
    });
  }

  /** The optimizer of the hand-written step. */
  static Optimizer optimizer(BenchModel model) {
    switch (model) {
      case TINY:
        return sgd(HandTiny.LR).weightDecay(HandTiny.WEIGHT_DECAY);
      case SMALL:
        return adamW(HandSmall.LR).betas(HandSmall.BETA1, HandSmall.BETA2).eps(HandSmall.EPS)
            .weightDecay(HandSmall.WEIGHT_DECAY);
      default:
        return sgd(HandMnist.LR).momentum(HandMnist.MOMENTUM).weightDecay(HandMnist.WEIGHT_DECAY);
    }
  }

  /** Copies the hand-written step's parameters into {@code exe}, so both start equal. */
  static void copyParameters(HandMlp hand, Executable exe) {
    for (int l = 0; l < hand.kernels.length; l++) {
      exe.setParameter("fc" + (l + 1) + "/kernel", toDoubles(Batch.flatten(hand.kernel(l))));
      exe.setParameter("fc" + (l + 1) + "/bias", toDoubles(hand.biases[l]));
    }
  }

  /** A timed step of {@code exe} on the batch, through {@code trainStepFloats}. */
  static TrainStep step(Executable exe, Batch batch) {
    Map<String, float[]> inputs = Map.of("x", batch.flatX(), "y", batch.flatY());
    return () -> exe.trainStepFloats(inputs);
  }

  static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
