package dev.cortado.optim;

/**
 * An optimizer is a graph builder: given each trainable parameter and its gradient, it adds the
 * IR for the parameter's new value (and its state's) to the training graph. The interpreter and
 * the code generator therefore share one definition of every update rule.
 */
@FunctionalInterface
public interface Optimizer {
  /**
   * Adds the update of every parameter in {@code ctx} (and of any state it creates).
   *
   * @param ctx the graph, the trainable parameters and their gradients
   */
  void buildUpdates(UpdateContext ctx);

  /**
   * A short description for generated-code headers and logs, such as {@code sgd(lr=0.1)}.
   *
   * @return the description
   */
  default String describe() {
    return getClass().getSimpleName();
  }
}
