package dev.cortado.data;

import java.util.Arrays;

/**
 * One batch of rows: which dataset rows it holds (in order), their features and targets
 * row-major, and their labels for a classification set. Immutable; accessors return copies.
 */
public final class Batch {

  private final int[] rows;
  private final double[] features;
  private final int featureCount;
  private final double[] targets;
  private final int targetCount;
  private final int[] labels;

  /**
   * @param labels the class of each row, or null for regression
   * @throws IllegalArgumentException if the arrays do not hold {@code rows.length} rows
   */
  public Batch(int[] rows, double[] features, int featureCount, double[] targets,
      int targetCount, int[] labels) {
    int n = rows.length;
    if (features.length != n * featureCount || targets.length != n * targetCount
        || (labels != null && labels.length != n)) {
      throw new IllegalArgumentException("a batch of " + n + " rows needs " + n * featureCount
          + " features and " + n * targetCount + " targets" + (labels == null ? "" : " and " + n + " labels")
          + ", got " + features.length + " and " + targets.length
          + (labels == null ? "" : " and " + labels.length));
    }
    this.rows = rows.clone();
    this.features = features.clone();
    this.featureCount = featureCount;
    this.targets = targets.clone();
    this.targetCount = targetCount;
    this.labels = labels == null ? null : labels.clone();
  }

  /** Gathers {@code rows} of {@code data}. */
  public static Batch of(Dataset data, int[] rows) {
    Dataset d = data.select(rows);
    return new Batch(rows, d.features(), d.featureCount(), d.targets(), d.targetCount(),
        d.isClassification() ? d.labels() : null);
  }

  /** The number of rows. */
  public int size() {
    return rows.length;
  }

  /** The dataset rows this batch holds, in batch order. */
  public int[] rows() {
    return rows.clone();
  }

  public double[] features() {
    return features.clone();
  }

  public int featureCount() {
    return featureCount;
  }

  public double[] targets() {
    return targets.clone();
  }

  public int targetCount() {
    return targetCount;
  }

  /** The labels, or null for a regression batch. */
  public int[] labels() {
    return labels == null ? null : labels.clone();
  }

  /** The same rows with other features of the same width, as an augmentation hook returns. */
  public Batch withFeatures(double[] newFeatures) {
    return new Batch(rows, newFeatures, featureCount, targets, targetCount, labels);
  }

  @Override
  public String toString() {
    return "batch of " + rows.length + " rows " + Arrays.toString(rows);
  }
}
