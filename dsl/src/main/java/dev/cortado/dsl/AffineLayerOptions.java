package dev.cortado.dsl;

import dev.cortado.ir.Role;
import java.util.Objects;

/**
 * The options of the layers that compute {@code activation(product + bias)}: dense and
 * convolution.
 *
 * @param <T> the options type of the layer
 */
abstract class AffineLayerOptions<T extends AffineLayerOptions<T>> extends LayerOptions<T> {
  Activation activation = Activation.LINEAR;
  boolean useBias = true;

  AffineLayerOptions() {}

  /**
   * The function applied last (default {@code LINEAR}, none).
   *
   * @param a the activation, e.g. {@code RELU}
   * @return these options
   */
  public T activation(Activation a) {
    this.activation = Objects.requireNonNull(a, nullMessage("activation: a"));
    return self();
  }

  /**
   * False leaves out the bias, as Keras's {@code use_bias=False} and PyTorch's {@code bias=False}.
   *
   * @param b whether the layer adds a bias (default true)
   * @return these options
   */
  public T useBias(boolean b) {
    this.useBias = b;
    return self();
  }

  /** {@code activation(h + bias)}, creating {@code bias [units]} (role BIAS) unless the bias is left out. */
  Tensor biasAndActivation(ModelBuilder m, Tensor h, int units) {
    if (useBias) {
      Variable bias = m.variable("bias").shape(units)
          .initializer(biasInitializer != null ? biasInitializer : Initializers.zeros())
          .trainable(trainable).role(Role.BIAS);
      h = h.add(constrain(bias, biasRegularizer, null));
    }
    return activation.apply(h);
  }
}
