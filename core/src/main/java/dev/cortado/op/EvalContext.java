package dev.cortado.op;

import dev.cortado.ir.Node;

/** What an op's evaluation may ask of the interpreter beyond its inputs. */
public interface EvalContext {
  /** The current value of a leaf: an input, a variable or a hyperparameter. */
  NDArray leaf(Node n);

  /** True in a training step (dropout active), false in predict and evaluate. */
  boolean training();

  /** The batch size of the step being run. */
  int batch();

}
