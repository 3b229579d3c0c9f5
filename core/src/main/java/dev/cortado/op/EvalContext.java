package dev.cortado.op;

import dev.cortado.ir.Node;

/** What an op's evaluation may ask of the interpreter beyond its inputs. */
public interface EvalContext {
  /**
   * The current value of a leaf: an input, a variable or a hyperparameter.
   *
   * @param n an input, variable or hyperparameter node
   * @return its value
   */
  NDArray leaf(Node n);

  /**
   * True in a training step (dropout active), false in predict and evaluate.
   *
   * @return whether the step trains
   */
  boolean training();

  /**
   * The batch size of the step being run.
   *
   * @return the batch size
   */
  int batch();

}
