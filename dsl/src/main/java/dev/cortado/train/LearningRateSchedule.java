package dev.cortado.train;

import dev.cortado.optim.BaseOptimizer;
import dev.cortado.optim.Schedule;
import java.util.Map;

/**
 * Drives a learning-rate {@link Schedule} from a training run, as Keras's {@code
 * LearningRateScheduler} (per epoch) or a PyTorch scheduler stepped every batch (per step): it
 * sets the executable's run-time scalar {@value BaseOptimizer#LR_MULTIPLIER}, which the
 * optimizer multiplies into its base learning rate, before each epoch or each step, and records
 * the multiplier in effect at the epoch's end in the history under the same name.
 *
 * <p>The schedule's index counts from 0 at the start of each {@code fit}: the epoch, or the
 * step {@code epoch * batchesPerEpoch + batch}.
 *
 * <pre>{@code callbacks(LearningRateSchedule.perEpoch(stepLr(10, 0.5)))   // halve every 10 epochs}</pre>
 */
public final class LearningRateSchedule implements Callback {

  private final Schedule schedule;
  private final boolean perStep;

  private LearningRateSchedule(Schedule schedule, boolean perStep) {
    this.schedule = schedule;
    this.perStep = perStep;
  }

  /**
   * Sets the multiplier to {@code schedule(epoch)} before each epoch.
   *
   * @param schedule the multiplier by epoch, from 0
   * @return the callback
   */
  public static LearningRateSchedule perEpoch(Schedule schedule) {
    return new LearningRateSchedule(schedule, false);
  }

  /**
   * Sets the multiplier to {@code schedule(step)} before each training step.
   *
   * @param schedule the multiplier by step taken in the run, from 0
   * @return the callback
   */
  public static LearningRateSchedule perStep(Schedule schedule) {
    return new LearningRateSchedule(schedule, true);
  }

  @Override
  public void onTrainBegin(TrainingRun run) {
    if (!run.executable().hyperparameterNames().contains(BaseOptimizer.LR_MULTIPLIER)) {
      throw new IllegalArgumentException("a learning-rate schedule sets \""
          + BaseOptimizer.LR_MULTIPLIER + "\", which this executable does not have (built "
          + "without an optimizer?); its run-time scalars are "
          + run.executable().hyperparameterNames());
    }
  }

  @Override
  public void onEpochBegin(TrainingRun run, int epoch) {
    if (!perStep) {
      schedule.apply(run.executable(), epoch);
    }
  }

  @Override
  public void onBatchBegin(TrainingRun run, int epoch, int batch) {
    if (perStep) {
      schedule.apply(run.executable(), (long) epoch * run.batchesPerEpoch() + batch);
    }
  }

  @Override
  public void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> metrics) {
    metrics.put(BaseOptimizer.LR_MULTIPLIER,
        run.executable().hyperparameter(BaseOptimizer.LR_MULTIPLIER));
  }
}
