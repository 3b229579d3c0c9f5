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
   *
   * @param key names the scalar among the shared ones
   * @param make builds it, on the first call with this key
   * @return the scalar node
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

  /**
   * The graph builder, for the rule's ops.
   *
   * @return the context's builder
   */
  public GraphBuilder b() {
    return ctx.builder();
  }

  /**
   * The optimizer state {@code "<param>/<name>"}, shaped like the parameter, starting at {@code
   * initial}.
   *
   * @param name the slot's name, e.g. {@code "momentum_buffer"}
   * @param initial the starting value of every element
   * @return the slot's value before the step
   */
  public Node slot(String name, double initial) {
    return ctx.slot(param, name, initial);
  }

  /**
   * Records the value a slot (made by {@link #slot}) takes after the step; returns {@code value}.
   *
   * @param slot the slot
   * @param value its value after the step
   * @return {@code value}
   */
  public Node set(Node slot, Node value) {
    ctx.update(slot.name(), value);
    return value;
  }

  /**
   * {@code x·c} for a constant c.
   *
   * @param x the node
   * @param c the constant
   * @return the product
   */
  public Node mul(Node x, double c) {
    return b().mul(x, c);
  }

  /**
   * {@code a·x + c·y}, the shape of {@code tensor.mul_(a).add_(y, alpha=c)}.
   *
   * @param x the decayed term
   * @param a its factor
   * @param y the added term
   * @param c its factor
   * @return the sum
   */
  public Node decayAdd(Node x, double a, Node y, double c) {
    return b().add(b().mul(x, a), b().mul(y, c));
  }

  /**
   * {@code x·a + (y·c)·y}, the shape of {@code tensor.mul_(a).addcmul_(y, y, value=c)}.
   *
   * @param x the decayed term
   * @param a its factor
   * @param y the term squared
   * @param c the square's factor
   * @return the sum
   */
  public Node decaySquare(Node x, double a, Node y, double c) {
    return b().add(b().mul(x, a), b().mul(b().mul(y, c), y));
  }
}
