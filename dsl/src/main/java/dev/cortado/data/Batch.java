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
   * A batch of the given rows.
   *
   * @param rows the dataset rows this batch holds, in batch order
   * @param features the features, {@code rows.length × featureCount}, row-major (copied)
   * @param featureCount the features per row
   * @param targets the targets, {@code rows.length × targetCount}, row-major (copied)
   * @param targetCount the targets per row
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

  /**
   * Gathers {@code rows} of {@code data}.
   *
   * @param data the dataset
   * @param rows the row indices, in batch order
   * @return the batch
   */
  public static Batch of(Dataset data, int[] rows) {
    Dataset d = data.select(rows);
    return new Batch(rows, d.features(), d.featureCount(), d.targets(), d.targetCount(),
        d.isClassification() ? d.labels() : null);
  }

  /**
   * The number of rows.
   *
   * @return the number of rows
   */
  public int size() {
    return rows.length;
  }

  /**
   * The dataset rows this batch holds, in batch order.
   *
   * @return a copy of the row indices
   */
  public int[] rows() {
    return rows.clone();
  }

  /**
   * The features, row-major.
   *
   * @return a copy
   */
  public double[] features() {
    return features.clone();
  }

  /**
   * The features per row.
   *
   * @return the width of {@link #features()}
   */
  public int featureCount() {
    return featureCount;
  }

  /**
   * The targets, row-major (one-hot labels for classification).
   *
   * @return a copy
   */
  public double[] targets() {
    return targets.clone();
  }

  /**
   * The targets per row.
   *
   * @return the width of {@link #targets()}
   */
  public int targetCount() {
    return targetCount;
  }

  /**
   * The labels, or null for a regression batch.
   *
   * @return a copy, or null
   */
  public int[] labels() {
    return labels == null ? null : labels.clone();
  }

  /**
   * The same rows with other features of the same width, as an augmentation hook returns.
   *
   * @param newFeatures {@code size() × featureCount()} values, row-major
   * @return a new batch
   * @throws IllegalArgumentException if the length differs
   */
  public Batch withFeatures(double[] newFeatures) {
    return new Batch(rows, newFeatures, featureCount, targets, targetCount, labels);
  }

  @Override
  public String toString() {
    return "batch of " + rows.length + " rows " + Arrays.toString(rows);
  }
}
