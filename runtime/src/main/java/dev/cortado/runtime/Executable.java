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
 *
 * <h2>Threads</h2>
 *
 * Every implementation here (the interpreter, classes compiled at run time, classes generated at
 * build time) is safe to share between threads, under this contract:
 *
 * <ul>
 *   <li>{@link #predict}, {@link #predictFloats} and {@link #evaluate} may be called from any
 *       number of threads at once and run side by side, with no lock between them on the way:
 *       each call has working memory of its own (the interpreter allocates it; a compiled model
 *       takes an idle instance of its class, making one the first time a call finds them all
 *       busy). Each returns exactly what it returns on one thread.
 *   <li>{@link #trainStep} and {@link #trainStepFloats} are exclusive: concurrent steps run one
 *       after the other, each whole, in the order they get the model, as in a training loop on
 *       one thread. They do not fail; a step waits for the one running.
 *   <li>A prediction or evaluation running while a step runs sees the variables either before or
 *       after that step, never a mix; once a step has returned, every call that starts afterwards
 *       sees its update. In a compiled model, predictions wait while a step runs (and a step
 *       waits for the predictions running); in the interpreter, a prediction runs on the values
 *       published before it started, and never waits.
 *   <li>{@link #setParameter}, {@link #setState} and {@link #setHyperparameter} are exclusive
 *       like a step, one variable or scalar at a time: a call sees a variable before or after
 *       each write, so writes to several variables (loading a checkpoint) should not overlap
 *       predictions that must see all or none of them. {@link #parameter}, {@link #state},
 *       {@link #hyperparameter} and {@link #lastLosses} return a consistent copy of one value.
 *   <li>{@link #lastLosses} are those of the last step to finish, whichever thread ran it.
 * </ul>
 *
 * <p>A compiled step split over several threads uses its model's worker threads for one call at a
 * time; a call that finds them taken runs its parts on its own thread, with the same results.
 */
public interface Executable {

  /**
   * Runs one training step (forward, backward, regularizer gradients, weight decay and the
   * optimizer update) on one batch.
   *
   * @param inputs every input the loss reads, by name: flat row-major arrays of a whole number of
   *     rows
   * @return the total loss computed in this step, before the update
   * @throws IllegalArgumentException naming the input, its expected shape and what it got, for a
   *     missing, unknown or wrongly sized input; the parameters are then unchanged
   */
  double trainStep(Map<String, double[]> inputs);

  /**
   * As {@link #trainStep}, with float inputs (no conversion for F32 models).
   *
   * @param inputs every input the loss reads, by name, flat row-major
   * @return the total loss before the update
   */
  double trainStepFloats(Map<String, float[]> inputs);

  /**
   * Zero gradient sums for every trainable parameter, to pass to {@link #accumulateGradients}.
   *
   * @return new sums, all zero
   * @throws IllegalStateException if the model was built for inference only, or this is a class
   *     generated at build time without the split step (the message says how to get it); a
   *     class compiled at run time gets the split step on its first use
   */
  default Gradients newGradients() {
    throw new UnsupportedOperationException(getClass().getName() + " has no split step");
  }

  /**
   * The first half of {@link #trainStep}: computes the gradients of the total loss for one batch,
   * exactly as a step on that batch would (dropout masks included), and adds {@code weight} times
   * them into {@code into}; updates no parameter and no optimizer state. State the forward pass
   * itself writes (batch normalization's moving statistics) is written as by a step, and {@link
   * #lastLosses} are this batch's.
   *
   * <p>Gradient accumulation: for a large batch cut into micro-batches of {@code n_i} rows out of
   * {@code N}, add each with {@code weight = n_i / N}, then call {@link #applyGradients} once. As
   * every loss here is a mean over the rows of the batch, this gives the gradient of the large
   * batch (to rounding); regularization terms count once, as the weights sum to 1. With one
   * micro-batch and weight 1, accumulating into zero sums and applying gives the same bits as
   * {@link #trainStep}.
   *
   * @param inputs every input the loss reads, by name, flat row-major
   * @param weight the factor of this batch's gradients (e.g. its share of the rows)
   * @param into the sums to add to, from {@link #newGradients()}
   * @return the total loss of this batch (unweighted)
   * @throws IllegalArgumentException for bad inputs (as {@link #trainStep}) or gradients of another
   *     model; nothing is changed then
   * @throws IllegalStateException if the model was built for inference only, or this is a class
   *     generated at build time without the split step (the message says how to get it); a
   *     class compiled at run time gets the split step on its first use
   */
  default double accumulateGradients(Map<String, double[]> inputs, double weight, Gradients into) {
    throw new UnsupportedOperationException(getClass().getName() + " has no split step");
  }

  /**
   * As {@link #accumulateGradients(Map, double, Gradients)} for a chunk of a larger batch whose
   * first row is the larger batch's row {@code firstRow}: the chunk's row j draws the dropout masks
   * the larger batch draws at its row {@code firstRow + j} (a mask's element of flat index i in the
   * chunk draws at index {@code firstRow * elementsPerRow + i}). Micro-batches of one large batch
   * passed with their first rows, or the partitions of a distributed step, then compute the large
   * batch's gradient with its masks; with {@code firstRow} 0 this is the three-argument form. Only
   * the masks depend on it.
   *
   * @param inputs every input the loss reads, by name, flat row-major
   * @param weight the factor of this batch's gradients (e.g. its share of the rows)
   * @param into the sums to add to, from {@link #newGradients()}
   * @param firstRow the global row of this chunk's first row, 0 or more
   * @return the total loss of this batch (unweighted)
   * @throws IllegalArgumentException for bad inputs, gradients of another model or a negative
   *     {@code firstRow}; nothing is changed then
   * @throws IllegalStateException as {@link #accumulateGradients(Map, double, Gradients)}
   */
  default double accumulateGradients(Map<String, double[]> inputs, double weight, Gradients into, long firstRow) {
    if (firstRow != 0) {
      throw new UnsupportedOperationException(getClass().getName() + " has no chunk offset for dropout masks");
    }
    return accumulateGradients(inputs, weight, into);
  }

  /**
   * As {@link #accumulateGradients}, with float inputs (no conversion for F32 models).
   *
   * @param inputs every input the loss reads, by name, flat row-major
   * @param weight the factor of this batch's gradients
   * @param into the sums to add to
   * @return the batch's total loss
   */
  default double accumulateGradientsFloats(Map<String, float[]> inputs, double weight, Gradients into) {
    Map<String, double[]> d = new java.util.LinkedHashMap<>();
    inputs.forEach((k, v) -> d.put(k, v == null ? null : Conversions.toDoubles(v, v.length)));
    return accumulateGradients(d, weight, into);
  }

  /**
   * The second half of {@link #trainStep}: the optimizer's update (clipping, weight decay,
   * constraints, the schedule's multiplier, moments and step counts) from the given gradients of
   * the total loss, rounded to the model's dtype, as a step would apply its own.
   *
   * @param gradients the gradients of the total loss, e.g. a weighted sum over several batches
   * @throws IllegalArgumentException if {@code gradients} are not this model's or hold a value
   *     that is not finite; nothing is changed then
   * @throws IllegalStateException if the model was built for inference only, or this is a class
   *     generated at build time without the split step (the message says how to get it); a
   *     class compiled at run time gets the split step on its first use
   */
  default void applyGradients(Gradients gradients) {
    throw new UnsupportedOperationException(getClass().getName() + " has no split step");
  }

  /**
   * Computes the named outputs for a batch, with dropout off and no update.
   *
   * @param inputs every input the outputs read, by name, flat row-major
   * @return every output by name, flat row-major
   * @throws IllegalArgumentException naming the input, for a missing, unknown or wrongly sized
   *     input
   */
  Map<String, double[]> predict(Map<String, double[]> inputs);

  /**
   * As {@link #predict}, with float inputs and outputs.
   *
   * @param inputs every input the outputs read, by name, flat row-major
   * @return every output by name, flat row-major
   */
  Map<String, float[]> predictFloats(Map<String, float[]> inputs);

  /**
   * Computes the losses of a batch without updating anything (dropout off), as Keras's
   * {@code evaluate}: the same keys as {@link #lastLosses()}.
   *
   * @param inputs every input the loss reads, by name, flat row-major
   * @return the losses by name
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
   * @param batchSizes the batch sizes, each at least 1
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
   *
   * @return an unmodifiable map, in that order
   */
  Map<String, Double> lastLosses();

  /**
   * The full names of the model's variables (trainable and frozen), in declaration order.
   *
   * @return an unmodifiable list
   */
  List<String> parameterNames();

  /**
   * The shape of a variable, batch-free.
   *
   * @param name a variable's full name, e.g. {@code "fc1/kernel"}
   * @return a copy of the dimensions
   * @throws IllegalArgumentException if there is no such variable
   */
  int[] parameterShape(String name);

  /**
   * A copy of a variable's current value, row-major.
   *
   * @param name a variable's full name
   * @return the values
   * @throws IllegalArgumentException if there is no such variable
   */
  double[] parameter(String name);

  /**
   * Replaces a variable's value (row-major, converted to the model's dtype).
   *
   * @param name a variable's full name
   * @param values as many values as the variable has elements
   * @throws IllegalArgumentException if there is no such variable or the length differs
   */
  void setParameter(String name, double[] values);

  /**
   * The names of the optimizer's state tensors (moments, step count), for checkpoints.
   *
   * @return an unmodifiable list, {@code "<parameter>/<slot>"} names and counters
   */
  List<String> stateNames();

  /**
   * A copy of an optimizer state tensor.
   *
   * @param name one of {@link #stateNames()}
   * @return the values
   * @throws IllegalArgumentException if there is no such state
   */
  double[] state(String name);

  /**
   * Replaces an optimizer state tensor.
   *
   * @param name one of {@link #stateNames()}
   * @param values as many values as the state has
   * @throws IllegalArgumentException if there is no such state or the length differs
   */
  void setState(String name, double[] values);

  /**
   * The names of the run-time scalars a step reads, such as {@code "lr_multiplier"} that a
   * learning-rate schedule drives.
   *
   * @return an unmodifiable list
   */
  List<String> hyperparameterNames();

  /**
   * The current value of a run-time scalar.
   *
   * @param name one of {@link #hyperparameterNames()}
   * @return the value
   * @throws IllegalArgumentException if there is no such scalar
   */
  double hyperparameter(String name);

  /**
   * Sets a run-time scalar, read by every following step.
   *
   * @param name one of {@link #hyperparameterNames()}
   * @param value the new value
   * @throws IllegalArgumentException if there is no such scalar
   */
  void setHyperparameter(String name, double value);

  /**
   * Releases what the executable holds beyond memory: the worker threads of a compiled step split
   * over several threads end now instead of after about a second of idleness (they are daemon
   * threads, so they never keep the JVM alive). The executable stays usable; a later step starts
   * its threads again. Does nothing for the interpreter or a one-thread step.
   */
  default void close() {}
}
