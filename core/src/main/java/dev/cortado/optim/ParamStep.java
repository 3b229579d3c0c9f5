package dev.cortado.optim;

import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import java.util.Map;
import java.util.function.Supplier;

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
 * @param shared the scalars built once for every parameter, by key (see {@link #shared})
 */
public record ParamStep(UpdateContext ctx, UpdateContext.Param param, Node weight, Node gradient, Node lr,
    Node step, Map<String, Node> shared) {

  /**
   * A scalar every parameter's rule uses (a bias correction, a decayed learning rate), built
   * once per training graph by {@code make} and labelled {@code update/optimizer/...}.
   */
  public Node shared(String key, Supplier<Node> make) {
    Node n = shared.get(key);
    if (n == null) {
      String old = b().labelPrefix("update/optimizer/");
      try {
        n = make.get();
      } finally {
        b().labelPrefix(old);
      }
      shared.put(key, n);
    }
    return n;
  }

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
