package dev.cortado.runtime;

import java.util.List;
import java.util.Map;

/**
 * A model ready to run: the reference interpreter, a class compiled at run time, or a class
 * generated at build time by the Maven plugin all implement this one interface.
 *
 * <p>Inputs are flat row-major arrays keyed by input name; the batch size is the array length
 * divided by the row size. Parameters are flat row-major arrays keyed by the variable's full
 * name ({@code "fc1/kernel"}). A call that rejects its arguments throws
 * {@link IllegalArgumentException} naming the culprit and leaves every parameter unchanged.
 */
public interface Executable {

  /**
   * Runs one training step (forward, backward, regularizer gradients, weight decay and the
   * optimizer update) on one batch.
   *
   * @return the total loss computed in this step, before the update
   */
  double trainStep(Map<String, double[]> inputs);

  /** As {@link #trainStep}, with float inputs (no conversion for F32 models). */
  double trainStepFloats(Map<String, float[]> inputs);

  /** Computes the named outputs for a batch, with dropout off and no update. */
  Map<String, double[]> predict(Map<String, double[]> inputs);

  /** As {@link #predict}, with float inputs and outputs. */
  Map<String, float[]> predictFloats(Map<String, float[]> inputs);

  /**
   * Computes the losses of a batch without updating anything (dropout off), as Keras's
   * {@code evaluate}: the same keys as {@link #lastLosses()}.
   */
  Map<String, Double> evaluate(Map<String, double[]> inputs);

  /**
   * Gets the code for these batch sizes ready now, so that no later call with one of them waits
   * for it. A model compiled at run time generates the classes it has not made yet and compiles
   * them together, in one compiler run; otherwise each new size pays for a compiler run of its
   * own on its first call (0.3 to 0.6 s on a warm JVM). {@code Trainer.fit} calls this with
   * every size an epoch and its validation will use (a partial last batch is a size of its
   * own). The interpreter has nothing to prepare.
   *
   * @throws IllegalArgumentException if a size is below 1, or if this is a class generated at
   *     build time without one of the sizes and there is no compiler; nothing is made then
   */
  default void prepare(int... batchSizes) {
    for (int b : batchSizes) {
      if (b < 1) {
        throw new IllegalArgumentException("batch size " + b + " in " + java.util.Arrays.toString(batchSizes)
            + " is not at least 1");
      }
    }
  }

  /**
   * The losses of the last {@link #trainStep}: {@code "loss"} (the total), {@code "data_loss"}
   * and one entry per regularization term, keyed by the term's name ({@code
   * "regularization/fc1/kernel"}), in the order the terms were created (a variable's when it is
   * first read). Empty before the first step.
   */
  Map<String, Double> lastLosses();

  /** The full names of the model's variables (trainable and frozen), in declaration order. */
  List<String> parameterNames();

  /** The shape of a variable, batch-free. */
  int[] parameterShape(String name);

  /** A copy of a variable's current value, row-major. */
  double[] parameter(String name);

  /** Replaces a variable's value (row-major, converted to the model's dtype). */
  void setParameter(String name, double[] values);

  /** The names of the optimizer's state tensors (moments, step count), for checkpoints. */
  List<String> stateNames();

  /** A copy of an optimizer state tensor. */
  double[] state(String name);

  /** Replaces an optimizer state tensor. */
  void setState(String name, double[] values);

  /**
   * The names of the run-time scalars a step reads, such as {@code "lr_multiplier"} that a
   * learning-rate schedule drives.
   */
  List<String> hyperparameterNames();

  /** The current value of a run-time scalar. */
  double hyperparameter(String name);

  /** Sets a run-time scalar, read by every following step. */
  void setHyperparameter(String name, double value);

  /**
   * Releases what the executable holds beyond memory: the worker threads of a compiled step split
   * over several threads end now instead of after about a second of idleness (they are daemon
   * threads, so they never keep the JVM alive). The executable stays usable; a later step starts
   * its threads again. Does nothing for the interpreter or a one-thread step.
   */
  default void close() {}
}
