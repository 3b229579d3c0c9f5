package dev.cortado.optim;

import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;

/** Plain stochastic gradient descent, {@code w ← w - lr·g}, as {@code torch.optim.SGD(lr)}. */
public final class Sgd implements Optimizer {
  private final double lr;

  public Sgd(double lr) {
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("sgd: the learning rate must be positive and finite, got " + lr);
    }
    this.lr = lr;
  }

  public double lr() {
    return lr;
  }

  @Override
  public void buildUpdates(UpdateContext ctx) {
    GraphBuilder b = ctx.builder();
    for (UpdateContext.Param p : ctx.params()) {
      Node step = b.mul(p.gradient(), lr);
      ctx.update(p.name(), b.sub(p.value(), step));
    }
  }

  @Override
  public String describe() {
    return "sgd(lr=" + lr + ")";
  }

  @Override
  public String toString() {
    return describe();
  }
}
