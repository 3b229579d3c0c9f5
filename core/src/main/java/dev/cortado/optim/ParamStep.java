package dev.cortado.optim;

import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;

/**
 * What an optimizer's own rule sees for one parameter, after {@link BaseOptimizer} has clipped
 * the gradient and applied weight decay.
 *
 * @param ctx the update context (graph builder, state, hyperparameters)
 * @param param the parameter
 * @param weight the parameter's value, already multiplied by the decoupled decay factor if any
 * @param gradient the clipped gradient, plus {@code wd·w} under coupled decay
 * @param lr the effective learning rate {@code lr·lr_multiplier}, a scalar node
 * @param step the number of this step, counting from 1 (PyTorch's {@code state["step"]} after its increment)
 */
public record ParamStep(UpdateContext ctx, UpdateContext.Param param, Node weight, Node gradient, Node lr,
    Node step) {

  public GraphBuilder b() {
    return ctx.builder();
  }

  /** The optimizer state {@code "<param>/<name>"}, shaped like the parameter, starting at {@code initial}. */
  public Node slot(String name, double initial) {
    return ctx.slot(param, name, initial);
  }

  /** Records the value a slot (made by {@link #slot}) takes after the step; returns {@code value}. */
  public Node set(Node slot, Node value) {
    ctx.update(slot.name(), value);
    return value;
  }

  /** {@code x·c} for a constant c. */
  public Node mul(Node x, double c) {
    return b().mul(x, c);
  }

  /** {@code a·x + c·y}, the shape of {@code tensor.mul_(a).add_(y, alpha=c)}. */
  public Node decayAdd(Node x, double a, Node y, double c) {
    return b().add(b().mul(x, a), b().mul(y, c));
  }

  /** {@code x·a + (y·c)·y}, the shape of {@code tensor.mul_(a).addcmul_(y, y, value=c)}. */
  public Node decaySquare(Node x, double a, Node y, double c) {
    return b().add(b().mul(x, a), b().mul(b().mul(y, c), y));
  }
}
