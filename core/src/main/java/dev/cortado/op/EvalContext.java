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

  /**
   * The global row of this batch's first row when it is a chunk of a larger batch (the gradient
   * half of a split step): a dropout mask adds {@code firstRow * elementsPerRow} to its index, so
   * the chunk draws the larger batch's masks for its rows. 0 for a whole batch.
   *
   * @return the first row, 0 or more
   */
  default long firstRow() {
    return 0;
  }

}
