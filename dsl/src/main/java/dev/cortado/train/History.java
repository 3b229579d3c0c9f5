package dev.cortado.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a training run measured, epoch by epoch: for each metric name ({@code "loss"}, {@code
 * "accuracy"}, {@code "val_loss"}, {@code "regularization/fc1/kernel"}, {@code
 * "lr_multiplier"}, ...) one value per epoch, as Keras's {@code History.history}. Epochs are
 * numbered from 0; a metric missing in an epoch is NaN there. Immutable: {@link #plus} returns
 * a new history with one more epoch.
 */
public final class History {

  private static final History EMPTY = new History(0, new LinkedHashMap<>(), null);

  private final int epochs;
  private final Map<String, double[]> metrics;
  private final String stopReason;

  private History(int epochs, Map<String, double[]> metrics, String stopReason) {
    this.epochs = epochs;
    this.metrics = metrics;
    this.stopReason = stopReason;
  }

  /**
   * Why the run stopped before its last epoch (an early-stopping callback, a loss that became
   * NaN or infinite, with the epoch and batch), or empty when it ran every epoch.
   *
   * @return the reason, or empty
   */
  public java.util.Optional<String> stopReason() {
    return java.util.Optional.ofNullable(stopReason);
  }

  /**
   * This history, recording why its run stopped early.
   *
   * @param reason why the run stopped
   * @return a new history
   */
  public History stoppedBecause(String reason) {
    return new History(epochs, metrics, java.util.Objects.requireNonNull(reason, "reason"));
  }

  /**
   * A history of no epochs.
   *
   * @return the empty history
   */
  public static History empty() {
    return EMPTY;
  }

  /**
   * This history with one more epoch. A name not seen before gets NaN for the earlier epochs;
   * a known name missing from {@code epochMetrics} gets NaN for this one.
   *
   * @param epochMetrics the epoch's metrics by name
   * @return a new history
   */
  public History plus(Map<String, Double> epochMetrics) {
    Map<String, double[]> next = new LinkedHashMap<>();
    for (Map.Entry<String, double[]> e : metrics.entrySet()) {
      double[] v = Arrays.copyOf(e.getValue(), epochs + 1);
      Double value = epochMetrics.get(e.getKey());
      v[epochs] = value == null ? Double.NaN : value;
      next.put(e.getKey(), v);
    }
    for (Map.Entry<String, Double> e : epochMetrics.entrySet()) {
      if (!next.containsKey(e.getKey())) {
        double[] v = new double[epochs + 1];
        Arrays.fill(v, Double.NaN);
        v[epochs] = e.getValue();
        next.put(e.getKey(), v);
      }
    }
    return new History(epochs + 1, next, stopReason);
  }

  /**
   * The number of epochs recorded.
   *
   * @return the epochs
   */
  public int epochs() {
    return epochs;
  }

  /**
   * The metric names, in the order they first appeared.
   *
   * @return an unmodifiable list
   */
  public List<String> metricNames() {
    return Collections.unmodifiableList(new ArrayList<>(metrics.keySet()));
  }

  /**
   * Whether a metric was recorded.
   *
   * @param metric the metric's name
   * @return true if some epoch has it
   */
  public boolean has(String metric) {
    return metrics.containsKey(metric);
  }

  /**
   * A metric's value in every epoch.
   *
   * @param metric the metric's name
   * @return one value per epoch (a copy)
   */
  public double[] values(String metric) {
    return known(metric).clone();
  }

  /**
   * A metric's value in one epoch.
   *
   * @param metric the metric's name
   * @param epoch the epoch, from 0
   * @return the value, NaN if that epoch lacks it
   */
  public double get(String metric, int epoch) {
    double[] v = known(metric);
    if (epoch < 0 || epoch >= epochs) {
      throw new IndexOutOfBoundsException("epoch " + epoch + " of " + epochs);
    }
    return v[epoch];
  }

  /**
   * A metric's value in the last epoch.
   *
   * @param metric the metric's name
   * @return the value
   */
  public double last(String metric) {
    return get(metric, epochs - 1);
  }

  /**
   * Every metric of one epoch, by name.
   *
   * @param epoch the epoch, from 0
   * @return an unmodifiable map
   */
  public Map<String, Double> epoch(int epoch) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String name : metrics.keySet()) {
      out.put(name, get(name, epoch));
    }
    return out;
  }

  /**
   * The epoch where a metric was best: lowest, or highest for a name containing "accuracy"
   * ({@link #higherIsBetter}); the first on ties, NaN never best.
   *
   * @param metric the metric's name
   * @return the epoch, from 0
   */
  public int bestEpoch(String metric) {
    double[] v = known(metric);
    boolean max = higherIsBetter(metric);
    int best = -1;
    for (int e = 0; e < epochs; e++) {
      if (!Double.isNaN(v[e]) && (best < 0 || (max ? v[e] > v[best] : v[e] < v[best]))) {
        best = e;
      }
    }
    return best;
  }

  /**
   * The convention for a metric's direction: higher is better for names with "accuracy".
   *
   * @param metric the metric's name
   * @return true for accuracies
   */
  public static boolean higherIsBetter(String metric) {
    return metric.contains("accuracy");
  }

  /**
   * True for {@code data_loss} and {@code val_data_loss} when none of {@code metrics} is a
   * per-term regularization loss (a name with a {@code /}): the data loss is then the loss, and
   * displays leave it out.
   *
   * @param metric the metric's name
   * @param metrics every metric of the run
   * @return whether displays may leave {@code metric} out
   */
  public static boolean isRedundant(String metric, Collection<String> metrics) {
    return metric.endsWith("data_loss") && metrics.stream().noneMatch(k -> k.contains("/"));
  }

  private double[] known(String metric) {
    double[] v = metrics.get(metric);
    if (v == null) {
      throw new IllegalArgumentException("no metric \"" + metric + "\" in the history; it has "
          + metrics.keySet());
    }
    return v;
  }

  /** A table: one line per epoch, one column per metric. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("epoch");
    for (String name : metrics.keySet()) {
      out.append('\t').append(name);
    }
    for (int e = 0; e < epochs; e++) {
      out.append('\n').append(e);
      for (double[] v : metrics.values()) {
        out.append('\t').append(String.format(Locale.ROOT, "%.6g", v[e]));
      }
    }
    return out.toString();
  }
}
