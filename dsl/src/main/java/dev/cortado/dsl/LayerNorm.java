package dev.cortado.dsl;

import dev.cortado.ir.Role;
import dev.cortado.ir.Shape;
import java.util.Objects;

/**
 * The options of a layer normalization over the last axis, as PyTorch's {@code nn.LayerNorm(n)}
 * and Keras's {@code LayerNormalization(axis=-1)}:
 *
 * <pre>  y = (x - mean) / sqrt(var + eps) · gamma + beta</pre>
 *
 * with {@code mean} and the <em>biased</em> variance {@code var = mean((x - mean)²)} taken over
 * the last axis of each row, {@code eps} 1e-5 (PyTorch's default), and {@code gamma: [n]} (ones)
 * and {@code beta: [n]} (zeros) in a scope of the layer's name, both of role
 * {@link Role#NORMALIZATION}. Training and inference compute the same thing.
 */
public final class LayerNorm {
  double eps = 1e-5;
  Regularizer gammaRegularizer;
  Regularizer betaRegularizer;
  boolean trainable = true;

  LayerNorm() {}

  /**
   * The small constant added to the variance (positive, finite); 1e-5 by default.
   *
   * @param e the constant
   * @return these options
   * @throws IllegalArgumentException if {@code e} is not positive and finite
   */
  public LayerNorm eps(double e) {
    if (!(e > 0) || !Double.isFinite(e)) {
      throw new IllegalArgumentException("layerNorm: eps must be positive and finite, got " + e);
    }
    this.eps = e;
    return this;
  }

  /**
   * A penalty on the scale {@code gamma} (none by default).
   *
   * @param r the regularizer
   * @return these options
   */
  public LayerNorm gammaRegularizer(Regularizer r) {
    this.gammaRegularizer = Objects.requireNonNull(r, "gammaRegularizer");
    return this;
  }

  /**
   * A penalty on the shift {@code beta} (none by default).
   *
   * @param r the regularizer
   * @return these options
   */
  public LayerNorm betaRegularizer(Regularizer r) {
    this.betaRegularizer = Objects.requireNonNull(r, "betaRegularizer");
    return this;
  }

  /**
   * False freezes {@code gamma} and {@code beta}.
   *
   * @param t whether {@code gamma} and {@code beta} are trained (default true)
   * @return these options
   */
  public LayerNorm trainable(boolean t) {
    this.trainable = t;
    return this;
  }

  Tensor build(ModelBuilder m, String name, Tensor x) {
    Shape s = x.shape();
    if (s.rank() < 2) {
      throw new IllegalArgumentException("layerNorm '" + name + "' needs an input of rank 2 or more [batch, ..., "
          + "features], got " + x);
    }
    int last = s.rank() - 1;
    int n = s.dim(last);
    int[] keep = s.dims();
    keep[last] = 1;
    return m.scoped(name, () -> {
      Variable gamma = m.variable("gamma").shape(n).initializer(Initializers.ones()).trainable(trainable)
          .role(Role.NORMALIZATION);
      Variable beta = m.variable("beta").shape(n).initializer(Initializers.zeros()).trainable(trainable)
          .role(Role.NORMALIZATION);
      if (gammaRegularizer != null) {
        gamma.regularizer(gammaRegularizer);
      }
      if (betaRegularizer != null) {
        beta.regularizer(betaRegularizer);
      }
      Tensor centered = x.sub(x.mean(last).reshape(keep));
      Tensor variance = centered.square().mean(last).reshape(keep);
      return centered.div(variance.add(eps).sqrt()).mul(gamma).add(beta);
    });
  }
}
