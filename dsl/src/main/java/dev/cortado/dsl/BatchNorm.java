package dev.cortado.dsl;

import dev.cortado.ir.Attrs;
import dev.cortado.ir.Role;
import dev.cortado.ir.Shape;
import dev.cortado.op.Op;

/**
 * The options of a batch normalization over every axis but the last (the channels), with
 * PyTorch's conventions ({@code nn.BatchNorm1d/2d}, channels last):
 *
 * <pre>  y = (x - μ) / sqrt(σ² + eps) · gamma + beta</pre>
 *
 * <p>A training step uses the batch's mean {@code μ} and <em>biased</em> variance {@code σ²}
 * over the {@code n} values of each channel ({@code n} = batch for {@code [B, C]}, batch·H·W for
 * {@code [B, H, W, C]}), and then sets {@code moving_mean ← (1 - momentum)·moving_mean +
 * momentum·μ} and {@code moving_variance ← (1 - momentum)·moving_variance + momentum·σ²·n/(n-1)}
 * (the <em>unbiased</em> variance, as PyTorch). {@code predict} and {@code evaluate} use the
 * moving statistics and change nothing. Momentum 0.1 and eps 1e-5 by default.
 *
 * <p>Variables, in a scope of the layer's name: {@code gamma} (ones) and {@code beta} (zeros),
 * trainable, role {@link Role#NORMALIZATION}; {@code moving_mean} (zeros) and
 * {@code moving_variance} (ones), not trainable: they get no gradient, no decay and no optimizer
 * state, are in {@code GLOBAL_VARIABLES} but not {@code TRAINABLE_VARIABLES}, and are saved in
 * checkpoints.
 */
public final class BatchNorm {
  double momentum = 0.1;
  double eps = 1e-5;
  boolean trainable = true;

  BatchNorm() {}

  /**
   * The weight of the batch statistics in the moving ones, in (0, 1]; 0.1 by default (PyTorch's).
   *
   * @param m the momentum
   * @return these options
   * @throws IllegalArgumentException if {@code m} is outside (0, 1]
   */
  public BatchNorm momentum(double m) {
    if (!(m > 0 && m <= 1)) {
      throw new IllegalArgumentException("batchNorm: momentum must be in (0, 1], got " + m);
    }
    this.momentum = m;
    return this;
  }

  /**
   * The small constant added to the variance (positive, finite); 1e-5 by default.
   *
   * @param e the constant, positive and finite
   * @return these options
   * @throws IllegalArgumentException if {@code e} is not positive and finite
   */
  public BatchNorm eps(double e) {
    if (!(e > 0) || !Double.isFinite(e)) {
      throw new IllegalArgumentException("batchNorm: eps must be positive and finite, got " + e);
    }
    this.eps = e;
    return this;
  }

  /**
   * False freezes {@code gamma} and {@code beta} (the moving statistics still follow the batches).
   *
   * @param t whether {@code gamma} and {@code beta} are trained (default true)
   * @return these options
   */
  public BatchNorm trainable(boolean t) {
    this.trainable = t;
    return this;
  }

  Tensor build(ModelBuilder m, String name, Tensor x) {
    Shape s = x.shape();
    if (s.rank() < 2 || !s.hasBatch() || s.dim(0) != Shape.BATCH) {
      throw new IllegalArgumentException("batchNorm '" + name + "' needs an input [BATCH, ..., channels], got " + x);
    }
    int channels = s.dim(s.rank() - 1);
    return m.scoped(name, () -> {
      Variable gamma = m.variable("gamma").shape(channels).initializer(Initializers.ones()).trainable(trainable)
          .role(Role.NORMALIZATION);
      Variable beta = m.variable("beta").shape(channels).initializer(Initializers.zeros()).trainable(trainable)
          .role(Role.NORMALIZATION);
      Variable movingMean = m.variable("moving_mean").shape(channels).initializer(Initializers.zeros())
          .trainable(false);
      Variable movingVariance = m.variable("moving_variance").shape(channels).initializer(Initializers.ones())
          .trainable(false);
      Tensor mean = overAllButChannels(x);
      Tensor variance = overAllButChannels(x.sub(mean).square());
      Tensor useMean = inTraining(m, mean, movingMean);
      Tensor useVariance = inTraining(m, variance, movingVariance);
      Tensor y = x.sub(useMean).div(useVariance.add(eps).sqrt()).mul(gamma).add(beta);
      // n values per channel, n/(n-1) turning the biased variance into the unbiased one
      Tensor n = m.wrap(m.graph().apply(Op.NUMEL, Attrs.axis(Attrs.ALL), x.node())).div(channels);
      m.stateUpdate(movingMean, movingMean.mul(1 - momentum).add(mean.mul(momentum)));
      m.stateUpdate(movingVariance,
          movingVariance.mul(1 - momentum).add(variance.mul(n.div(n.sub(1))).mul(momentum)));
      return y;
    });
  }

  /** The mean over every axis but the last: {@code [C]}. Equal-sized groups, so a mean of means. */
  private static Tensor overAllButChannels(Tensor t) {
    Tensor r = t;
    while (r.shape().rank() > 1) {
      r = r.mean(0);
    }
    return r;
  }

  private static Tensor inTraining(ModelBuilder m, Tensor training, Tensor inference) {
    return m.wrap(m.graph().apply(Op.IN_TRAINING, Attrs.NONE, training.node(), inference.node()));
  }
}
