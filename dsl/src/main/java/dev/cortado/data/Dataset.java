package dev.cortado.data;

import java.util.Arrays;
import java.util.List;

/**
 * An immutable table of examples: features as one row-major {@code double[rows * featureCount]},
 * targets as {@code double[rows * targetCount]}, and for a classification set the integer
 * labels and the class names.
 *
 * <p>For classification the targets are the one-hot labels ({@code targetCount == classCount},
 * row {@code r} has 1 in column {@code labels[r]}), which is what {@code softmaxCrossEntropy}
 * takes; for regression they are the raw target columns. Every accessor returns a copy.
 */
public final class Dataset {

  private final double[] features;
  private final int featureCount;
  private final double[] targets;
  private final int targetCount;
  private final int[] labels;
  private final List<String> classNames;

  private Dataset(double[] features, int featureCount, double[] targets, int targetCount,
      int[] labels, List<String> classNames) {
    this.features = features;
    this.featureCount = featureCount;
    this.targets = targets;
    this.targetCount = targetCount;
    this.labels = labels;
    this.classNames = classNames;
  }

  /**
   * A classification set. {@code features.length} must be a multiple of {@code featureCount}
   * giving one row per label, and every label must lie in {@code [0, classNames.size())}.
   *
   * @param features the features, row-major (copied)
   * @param featureCount the features per row, positive
   * @param labels the class of each row (copied)
   * @param classNames the class names, in label order
   * @return the dataset, with one-hot targets
   * @throws IllegalArgumentException if the lengths do not match or a label is out of range
   */
  public static Dataset classification(double[] features, int featureCount, int[] labels,
      List<String> classNames) {
    java.util.Objects.requireNonNull(features, "Dataset.classification: features");
    java.util.Objects.requireNonNull(labels, "Dataset.classification: labels");
    java.util.Objects.requireNonNull(classNames, "Dataset.classification: classNames");
    checkRows(features, featureCount, labels.length, "labels");
    if (classNames.isEmpty()) {
      throw new IllegalArgumentException("a classification set needs at least one class");
    }
    // oneHot rejects a label outside the classes, naming it and its row
    return new Dataset(features.clone(), featureCount, oneHot(labels, classNames.size()),
        classNames.size(), labels.clone(), List.copyOf(classNames));
  }

  /**
   * A regression set: {@code targetCount} target values per row.
   *
   * @param features the features, row-major (copied)
   * @param featureCount the features per row, positive
   * @param targets the targets, row-major (copied)
   * @param targetCount the targets per row, positive
   * @return the dataset
   * @throws IllegalArgumentException if the lengths do not give the same number of rows
   */
  public static Dataset regression(double[] features, int featureCount, double[] targets,
      int targetCount) {
    java.util.Objects.requireNonNull(features, "Dataset.regression: features");
    java.util.Objects.requireNonNull(targets, "Dataset.regression: targets");
    if (targetCount < 1 || targets.length % targetCount != 0) {
      throw new IllegalArgumentException(targets.length + " targets do not make rows of "
          + targetCount);
    }
    checkRows(features, featureCount, targets.length / targetCount, "target rows");
    return new Dataset(features.clone(), featureCount, targets.clone(), targetCount, null,
        List.of());
  }

  /**
   * One-hot encoding: a {@code double[labels.length * classCount]} with row {@code r} all zero
   * except 1 in column {@code labels[r]}.
   *
   * @param labels the classes, each in {@code [0, classCount)}
   * @param classCount the number of classes
   * @return a new array
   * @throws IllegalArgumentException if a label is out of range
   */
  public static double[] oneHot(int[] labels, int classCount) {
    java.util.Objects.requireNonNull(labels, "Dataset.oneHot: labels");
    if (classCount < 1 || (long) labels.length * classCount > dev.cortado.ir.Shape.MAX_ELEMENTS) {
      throw new IllegalArgumentException("a one-hot encoding of " + labels.length + " rows and "
          + classCount + " classes needs 1 to " + dev.cortado.ir.Shape.MAX_ELEMENTS
          + " elements (a Java array)");
    }
    double[] out = new double[labels.length * classCount];
    for (int r = 0; r < labels.length; r++) {
      if (labels[r] < 0 || labels[r] >= classCount) {
        throw new IllegalArgumentException("label " + labels[r] + " of row " + r
            + " lies outside the classes 0.." + (classCount - 1));
      }
      out[r * classCount + labels[r]] = 1;
    }
    return out;
  }

  private static void checkRows(double[] features, int featureCount, int rows, String what) {
    if (featureCount < 1) {
      throw new IllegalArgumentException("featureCount must be at least 1, got " + featureCount);
    }
    if (features.length != (long) rows * featureCount) {
      throw new IllegalArgumentException(features.length + " feature values do not make "
          + rows + " rows of " + featureCount + " (one per " + what + ")");
    }
  }

  /**
   * The number of rows.
   *
   * @return the rows
   */
  public int rows() {
    return features.length / featureCount;
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
   * Columns of {@link #targets()}: the class count for classification.
   *
   * @return the targets per row
   */
  public int targetCount() {
    return targetCount;
  }

  /**
   * Whether the rows carry labels.
   *
   * @return true for a classification set
   */
  public boolean isClassification() {
    return labels != null;
  }

  /**
   * The number of classes, 0 for regression.
   *
   * @return the number of classes
   */
  public int classCount() {
    return classNames.size();
  }

  /**
   * The class names in label order; empty for regression.
   *
   * @return an unmodifiable list
   */
  public List<String> classNames() {
    return classNames;
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
   * One feature.
   *
   * @param row the row, from 0
   * @param column the column, from 0
   * @return the value
   */
  public double feature(int row, int column) {
    return features[row * featureCount + column];
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
   * The class index of every row.
   *
   * @return a copy
   * @throws IllegalStateException for a regression set
   */
  public int[] labels() {
    if (labels == null) {
      throw new IllegalStateException("a regression set has no labels");
    }
    return labels.clone();
  }

  /**
   * How many rows each class has, by label.
   *
   * @return the count of each label
   * @throws IllegalStateException for a regression set
   */
  public int[] classCounts() {
    int[] counts = new int[classCount()];
    for (int label : labels()) {
      counts[label]++;
    }
    return counts;
  }

  /**
   * The rows at {@code indices}, in that order (repeats allowed).
   *
   * @param indices the rows, each in {@code [0, rows())}
   * @return a new dataset
   */
  public Dataset select(int[] indices) {
    java.util.Objects.requireNonNull(indices, "Dataset.select: indices");
    double[] f = gather(features, featureCount, indices);
    double[] t = gather(targets, targetCount, indices);
    int[] l = null;
    if (labels != null) {
      l = new int[indices.length];
      for (int i = 0; i < indices.length; i++) {
        l[i] = labels[indices[i]];
      }
    }
    return new Dataset(f, featureCount, t, targetCount, l, classNames);
  }

  /**
   * The same rows with other features (as a scaler or feature map produces).
   *
   * @param newFeatures the new features, {@code rows() × newFeatureCount}, row-major
   * @param newFeatureCount the new features per row
   * @return a new dataset with the same targets and labels
   */
  public Dataset withFeatures(double[] newFeatures, int newFeatureCount) {
    java.util.Objects.requireNonNull(newFeatures, "Dataset.withFeatures: newFeatures");
    checkRows(newFeatures, newFeatureCount, rows(), "row");
    return new Dataset(newFeatures.clone(), newFeatureCount, targets, targetCount, labels,
        classNames);
  }

  /** The rows {@code indices} of a row-major matrix with {@code width} columns, stacked. */
  static double[] gather(double[] matrix, int width, int[] indices) {
    double[] out = new double[indices.length * width];
    int rows = matrix.length / width;
    for (int i = 0; i < indices.length; i++) {
      if (indices[i] < 0 || indices[i] >= rows) {
        throw new IndexOutOfBoundsException("row " + indices[i] + " of " + rows);
      }
      System.arraycopy(matrix, indices[i] * width, out, i * width, width);
    }
    return out;
  }

  @Override
  public String toString() {
    return (isClassification() ? "classification" : "regression") + " dataset: " + rows()
        + " rows, " + featureCount + " features, "
        + (isClassification() ? classCount() + " classes " + classNames
            : targetCount + " targets");
  }

  /** Equal rows, targets, labels and class names. */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Dataset)) {
      return false;
    }
    Dataset d = (Dataset) o;
    return featureCount == d.featureCount && targetCount == d.targetCount
        && Arrays.equals(features, d.features) && Arrays.equals(targets, d.targets)
        && Arrays.equals(labels, d.labels) && classNames.equals(d.classNames);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(features) * 31 + Arrays.hashCode(targets);
  }
}
