package dev.cortado.dsl;

import dev.cortado.ir.Role;
import java.util.Objects;

/**
 * The options of a dense layer, {@code activation(x·kernel + bias)} with {@code kernel} of shape
 * {@code [in, units]}. A layer is only a helper over {@link Variable}s: it creates
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
    this.activation = Objects.requireNonNull(a, "activation");
    return this;
  }

  public Dense kernelInitializer(Initializer i) {
    this.kernelInitializer = Objects.requireNonNull(i, "kernelInitializer");
    return this;
  }

  public Dense biasInitializer(Initializer i) {
    this.biasInitializer = Objects.requireNonNull(i, "biasInitializer");
    return this;
  }

  public Dense kernelRegularizer(Regularizer r) {
    this.kernelRegularizer = Objects.requireNonNull(r, "kernelRegularizer");
    return this;
  }

  public Dense biasRegularizer(Regularizer r) {
    this.biasRegularizer = Objects.requireNonNull(r, "biasRegularizer");
    return this;
  }

  public Dense kernelConstraint(Constraint c) {
    this.kernelConstraint = Objects.requireNonNull(c, "kernelConstraint");
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
    if (x.shape().rank() != 2) {
      throw new IllegalArgumentException("dense '" + name + "' needs a 2-D input [batch, features], got " + x);
    }
    int in = x.shape().dim(1);
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
