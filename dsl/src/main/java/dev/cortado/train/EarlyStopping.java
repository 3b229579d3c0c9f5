package dev.cortado.train;

import dev.cortado.runtime.Executable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stops training when a monitored metric has stopped improving, as Keras's {@code
 * EarlyStopping}: an epoch improves when the metric beats the best so far by more than {@code
 * minDelta} (lower is better, or higher in {@link Mode#MAX}); after {@code patience} epochs in a
 * row without improvement the run stops (patience 0 stops at the first one). With {@code restoreBestWeights} the parameters of the
 * best epoch are put back when the run ends, whether it stopped early or ran out of epochs
 * (Keras restores them only on an early stop); the optimizer state is not restored.
 *
 * <pre>{@code new EarlyStopping("val_loss").patience(5).minDelta(1e-4).restoreBestWeights(true)}</pre>
 */
public final class EarlyStopping implements Callback {

  /** Which direction is better. */
  public enum Mode {
    /** Lower is better (losses). */
    MIN,
    /** Higher is better (accuracy). */
    MAX,
    /** MAX for a metric whose name contains "accuracy", MIN otherwise. */
    AUTO;

    boolean maximizes(String metric) {
      return this == MAX || (this == AUTO && History.higherIsBetter(metric));
    }
  }

  private final String monitor;
  private final int patience;
  private final double minDelta;
  private final boolean restoreBestWeights;
  private final Mode mode;

  private double best;
  private int bestEpoch;
  private int wait;
  private Map<String, double[]> bestWeights;

  /**
   * Monitors {@code monitor} with patience 0, minDelta 0, auto mode, no restore.
   *
   * @param monitor the metric to watch, e.g. {@code "val_loss"}
   */
  public EarlyStopping(String monitor) {
    this(monitor, 0, 0.0, false, Mode.AUTO);
  }

  private EarlyStopping(String monitor, int patience, double minDelta, boolean restore,
      Mode mode) {
    if (patience < 0 || !(minDelta >= 0)) {
      throw new IllegalArgumentException("patience and minDelta must be non-negative, got "
          + patience + " and " + minDelta);
    }
    this.monitor = monitor;
    this.patience = patience;
    this.minDelta = minDelta;
    this.restoreBestWeights = restore;
    this.mode = mode;
  }

  /**
   * Epochs without improvement to wait before stopping.
   *
   * @param epochs the patience, at least 0
   * @return a new callback
   */
  public EarlyStopping patience(int epochs) {
    return new EarlyStopping(monitor, epochs, minDelta, restoreBestWeights, mode);
  }

  /**
   * The smallest change that counts as an improvement.
   *
   * @param delta the least improvement, at least 0
   * @return a new callback
   */
  public EarlyStopping minDelta(double delta) {
    return new EarlyStopping(monitor, patience, delta, restoreBestWeights, mode);
  }

  /**
   * Whether to put back the best epoch's trainable variables when the run stops (default false, as
   * Keras).
   *
   * @param restore true to restore them
   * @return a new callback
   */
  public EarlyStopping restoreBestWeights(boolean restore) {
    return new EarlyStopping(monitor, patience, minDelta, restore, mode);
  }

  /**
   * Which direction of the metric is better (default {@code AUTO}).
   *
   * @param newMode the mode
   * @return a new callback
   */
  public EarlyStopping mode(Mode newMode) {
    return new EarlyStopping(monitor, patience, minDelta, restoreBestWeights, newMode);
  }

  /**
   * The epoch with the best value in the last run, or -1.
   *
   * @return the epoch, from 0
   */
  public int bestEpoch() {
    return bestEpoch;
  }

  @Override
  public void onTrainBegin(TrainingRun run) {
    best = Double.NaN;
    bestEpoch = -1;
    wait = 0;
    bestWeights = null;
  }

  @Override
  public void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> metrics) {
    Double value = metrics.get(monitor);
    if (value == null) {
      throw new IllegalArgumentException("EarlyStopping monitors \"" + monitor
          + "\", which this run does not produce; it has " + metrics.keySet());
    }
    boolean max = mode.maximizes(monitor);
    boolean improved = !value.isNaN() && (bestEpoch < 0
        || (max ? value - best > minDelta : best - value > minDelta));
    if (improved) {
      best = value;
      bestEpoch = epoch;
      wait = 0;
      if (restoreBestWeights) {
        bestWeights = snapshot(run.executable());
      }
      return;
    }
    wait++;
    if (wait >= patience) {
      run.stop(String.format("%s did not improve on %.6g (epoch %d) for %d epoch%s",
          monitor, best, bestEpoch + 1, wait, wait == 1 ? "" : "s"));
    }
  }

  @Override
  public void onTrainEnd(TrainingRun run, History history) {
    if (bestWeights != null && bestEpoch != history.epochs() - 1) {
      bestWeights.forEach(run.executable()::setParameter);
    }
  }

  private static Map<String, double[]> snapshot(Executable exe) {
    Map<String, double[]> weights = new LinkedHashMap<>();
    for (String name : exe.parameterNames()) {
      weights.put(name, exe.parameter(name));
    }
    return weights;
  }
}
