package dev.cortado.dsl;

import java.util.function.UnaryOperator;

/** The activations a {@link Dense} layer applies to {@code x·kernel + bias}. */
public enum Activation {
  /** The identity. */
  LINEAR(t -> t),
  /** {@code max(x, 0)}. */
  RELU(Tensor::relu),
  /** {@code tanh x}. */
  TANH(Tensor::tanh),
  /** {@code 1 / (1 + e^-x)}. */
  SIGMOID(Tensor::sigmoid),
  /** {@code ln(1 + e^x)}. */
  SOFTPLUS(Tensor::softplus),
  /** {@code e^x / Σe^x} along the last axis. */
  SOFTMAX(Tensor::softmax);

  private final UnaryOperator<Tensor> f;

  Activation(UnaryOperator<Tensor> f) {
    this.f = f;
  }

  /**
   * The activation of {@code x}.
   *
   * @param x any tensor
   * @return a tensor of {@code x}'s shape
   */
  public Tensor apply(Tensor x) {
    return f.apply(x);
  }
}
