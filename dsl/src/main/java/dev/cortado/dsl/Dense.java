package dev.cortado.dsl;

import dev.cortado.ir.Role;

/**
 * The options of a dense layer, {@code activation(x·kernel + bias)} with {@code kernel} of shape
 * {@code [in, units]}, applied to the last axis of an input of any rank of at least 2 (as Keras):
 * {@code [BATCH, ..., in] → [BATCH, ..., units]}. A layer is only a helper over {@link Variable}s: it creates
 * {@code <name>/kernel} and {@code <name>/bias} in a scope of its name, and they are ordinary
 * variables in every collection. The bias carries {@link Role#BIAS}.
 */
public final class Dense extends AffineLayerOptions<Dense> {
  Dense() {}

  @Override
  Dense self() {
    return this;
  }

  Tensor build(ModelBuilder m, String name, Tensor x, int units) {
    if (x.shape().rank() < 2 || x.shape().dim(x.shape().rank() - 1) == dev.cortado.ir.Shape.BATCH) {
      throw new IllegalArgumentException("dense '" + name + "' needs an input [batch, ..., features] of rank 2 or"
          + " more with fixed features, got " + x);
    }
    int in = x.shape().dim(x.shape().rank() - 1);
    return m.scoped(name, () -> biasAndActivation(m, x.matmul(kernel(m, in, units)), units));
  }
}
