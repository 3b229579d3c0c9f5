package dev.cortado.train;

import java.util.Map;

/**
 * Hooks into a {@link Trainer#fit} run, as Keras's callbacks. Every method does nothing by
 * default. Epochs and batches are numbered from 0. A callback ends the run with {@link
 * TrainingRun#stop}; the current epoch finishes first.
 */
public interface Callback {

  /**
   * Before the first epoch.
   *
   * @param run the run's state
   */
  default void onTrainBegin(TrainingRun run) {}

  /**
   * Before an epoch's first batch.
   *
   * @param run the run's state
   * @param epoch the epoch, from 0
   */
  default void onEpochBegin(TrainingRun run, int epoch) {}

  /**
   * Before each training step (after the batch hook).
   *
   * @param run the run's state
   * @param epoch the epoch, from 0
   * @param batch the batch within the epoch, from 0
   */
  default void onBatchBegin(TrainingRun run, int epoch, int batch) {}

  /**
   * After each training step.
   *
   * @param run the run's state
   * @param epoch the epoch, from 0
   * @param batch the batch within the epoch, from 0
   * @param rows the rows in this batch (the last one may be partial)
   * @param loss the total loss of this step, before its update
   */
  default void onBatchEnd(TrainingRun run, int epoch, int batch, int rows, double loss) {}

  /**
   * After an epoch and its validation, with the epoch's metrics as they go into the history.
   * A callback may add entries to {@code metrics} (a schedule records its learning-rate
   * multiplier); callbacks run in the order given, so later ones see them.
   *
   * @param run the run's state
   * @param epoch the epoch, from 0
   * @param metrics the epoch's metrics by name ({@code loss}, {@code val_loss}, {@code accuracy},
   *     ...), mutable
   */
  default void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> metrics) {}

  /**
   * After the last epoch, or the one in which a callback stopped the run.
   *
   * @param run the run's state
   * @param history every epoch's metrics
   */
  default void onTrainEnd(TrainingRun run, History history) {}
}
