package dev.cortado.dsl;

import dev.cortado.ir.Role;
import java.util.Objects;

/**
 * The options of a dense layer, {@code activation(x·kernel + bias)} with {@code kernel} of shape
 * {@code [in, units]}, applied to the last axis of an input of any rank of at least 2 (as Keras):
 * {@code [BATCH, ..., in] → [BATCH, ..., units]}. A layer is only a helper over {@link Variable}s: it creates
 * {@code <name>/kernel} and {@code <name>/bias} in a scope of its name, and they are ordinary
 * variables in every collection. The bias carries {@link Role#BIAS}.
 */
public final class Dense {
  Activation activation = Activation.LINEAR;
  Initializer kernelInitializer = Initializers.glorotUniform();
  Initializer biasInitializer = Initializers.zeros();
  Regularizer kernelRegularizer;
  Regularizer biasRegularizer;
  Constraint kernelConstraint;
  boolean useBias = true;
  boolean trainable = true;

  Dense() {}

  public Dense activation(Activation a) {
    this.activation = Objects.requireNonNull(a, "Dense.activation: a");
    return this;
  }

  public Dense kernelInitializer(Initializer i) {
    this.kernelInitializer = Objects.requireNonNull(i, "Dense.kernelInitializer: i");
    return this;
  }

  public Dense biasInitializer(Initializer i) {
    this.biasInitializer = Objects.requireNonNull(i, "Dense.biasInitializer: i");
    return this;
  }

  public Dense kernelRegularizer(Regularizer r) {
    this.kernelRegularizer = Objects.requireNonNull(r, "Dense.kernelRegularizer: r");
    return this;
  }

  public Dense biasRegularizer(Regularizer r) {
    this.biasRegularizer = Objects.requireNonNull(r, "Dense.biasRegularizer: r");
    return this;
  }

  public Dense kernelConstraint(Constraint c) {
    this.kernelConstraint = Objects.requireNonNull(c, "Dense.kernelConstraint: c");
    return this;
  }

  /** False leaves out the bias, as Keras's {@code use_bias=False}. */
  public Dense useBias(boolean b) {
    this.useBias = b;
    return this;
  }

  /** False freezes the layer's kernel and bias. */
  public Dense trainable(boolean t) {
    this.trainable = t;
    return this;
  }

  Tensor build(ModelBuilder m, String name, Tensor x, int units) {
    if (x.shape().rank() < 2 || x.shape().dim(x.shape().rank() - 1) == dev.cortado.ir.Shape.BATCH) {
      throw new IllegalArgumentException("dense '" + name + "' needs an input [batch, ..., features] of rank 2 or"
          + " more with fixed features, got " + x);
    }
    int in = x.shape().dim(x.shape().rank() - 1);
    return m.scoped(name, () -> {
      Variable kernel = m.variable("kernel").shape(in, units).initializer(kernelInitializer).trainable(trainable);
      if (kernelRegularizer != null) {
        kernel.regularizer(kernelRegularizer);
      }
      if (kernelConstraint != null) {
        kernel.constraint(kernelConstraint);
      }
      Tensor h = x.matmul(kernel);
      if (useBias) {
        Variable bias = m.variable("bias").shape(units).initializer(biasInitializer).trainable(trainable)
            .role(Role.BIAS);
        if (biasRegularizer != null) {
          bias.regularizer(biasRegularizer);
        }
        h = h.add(bias);
      }
      return activation.apply(h);
    });
  }
}
