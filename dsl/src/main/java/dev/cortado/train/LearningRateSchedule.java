package dev.cortado.train;

import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * Drives the learning rate per epoch, as Keras's {@code LearningRateScheduler}: before each
 * epoch it sets the executable's run-time scalar {@value #MULTIPLIER} to {@code
 * schedule(epoch)}, which the optimizer multiplies into its base learning rate, and it records
 * the value in the epoch's metrics under the same name.
 *
 * <pre>{@code LearningRateSchedule.stepDecay(0.5, 10)   // x1 for epochs 0-9, x0.5 for 10-19, ...}</pre>
 */
public final class LearningRateSchedule implements Callback {

  /** The run-time scalar an optimizer reads to scale its learning rate. */
  public static final String MULTIPLIER = "lr_multiplier";

  private final IntToDoubleFunction schedule;

  /** A schedule from epoch (0-based) to the learning-rate multiplier. */
  public LearningRateSchedule(IntToDoubleFunction schedule) {
    this.schedule = schedule;
  }

  /** {@code factor ^ floor(epoch / every)}. */
  public static LearningRateSchedule stepDecay(double factor, int every) {
    if (every < 1) {
      throw new IllegalArgumentException("every must be at least 1, got " + every);
    }
    return new LearningRateSchedule(epoch -> Math.pow(factor, epoch / every));
  }

  /** {@code gamma ^ epoch}, as PyTorch's {@code ExponentialLR}. */
  public static LearningRateSchedule exponential(double gamma) {
    return new LearningRateSchedule(epoch -> Math.pow(gamma, epoch));
  }

  /**
   * Cosine annealing to {@code floor} over {@code epochs}, as PyTorch's {@code
   * CosineAnnealingLR} with {@code T_max = epochs}: {@code floor + (1 - floor) (1 + cos(pi
   * epoch / epochs)) / 2}.
   */
  public static LearningRateSchedule cosine(int epochs, double floor) {
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
    }
    return new LearningRateSchedule(epoch ->
        floor + (1 - floor) * (1 + Math.cos(Math.PI * Math.min(epoch, epochs) / epochs)) / 2);
  }

  @Override
  public void onTrainBegin(TrainingRun run) {
    if (!run.executable().hyperparameterNames().contains(MULTIPLIER)) {
      throw new IllegalArgumentException("a learning-rate schedule sets \"" + MULTIPLIER
          + "\", which this executable does not have; its run-time scalars are "
          + run.executable().hyperparameterNames());
    }
  }

  @Override
  public void onEpochBegin(TrainingRun run, int epoch) {
    double value = schedule.applyAsDouble(epoch);
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("the learning-rate schedule gave " + value
          + " for epoch " + epoch + "; a multiplier must be finite and non-negative");
    }
    run.executable().setHyperparameter(MULTIPLIER, value);
  }

  @Override
  public void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> metrics) {
    metrics.put(MULTIPLIER, run.executable().hyperparameter(MULTIPLIER));
  }
}
