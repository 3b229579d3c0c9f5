package dev.cortado.data;

/**
 * Per-column standardization {@code z = (x - mean) / scale}, with scikit-learn's {@code
 * StandardScaler} semantics: {@code mean} and the population standard deviation ({@code
 * ddof = 0}) are fitted on the training rows only and then applied unchanged to any other rows;
 * a constant column (standard deviation below {@code 10 * ulp(1)}) gets scale 1, so it maps to
 * 0 rather than to NaN. Immutable.
 */
public final class Standardizer {

  private final double[] mean;
  private final double[] scale;

  private Standardizer(double[] mean, double[] scale) {
    this.mean = mean;
    this.scale = scale;
  }

  /**
   * Fits on a dataset's features.
   *
   * @param train the training set (never the test set, so nothing leaks)
   * @return the fitted standardizer
   */
  public static Standardizer fit(Dataset train) {
    java.util.Objects.requireNonNull(train, "Standardizer.fit: train");
    return fit(train.features(), train.featureCount());
  }

  /**
   * Fits on a row-major matrix of {@code columns} columns (two-pass mean and variance).
   *
   * @param values the matrix, row-major
   * @param columns the number of columns, positive
   * @return the fitted standardizer
   */
  public static Standardizer fit(double[] values, int columns) {
    java.util.Objects.requireNonNull(values, "Standardizer.fit: values");
    if (columns < 1 || values.length == 0 || values.length % columns != 0) {
      throw new IllegalArgumentException(values.length + " values do not make at least one "
          + "row of " + columns + " columns");
    }
    int rows = values.length / columns;
    double[] mean = new double[columns];
    double[] scale = new double[columns];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns; c++) {
        mean[c] += values[r * columns + c];
      }
    }
    for (int c = 0; c < columns; c++) {
      mean[c] /= rows;
    }
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns; c++) {
        double d = values[r * columns + c] - mean[c];
        scale[c] += d * d;
      }
    }
    for (int c = 0; c < columns; c++) {
      double std = Math.sqrt(scale[c] / rows);
      scale[c] = std < 10 * Math.ulp(1.0) ? 1.0 : std;
    }
    return new Standardizer(mean, scale);
  }

  /**
   * The fitted column means.
   *
   * @return a copy
   */
  public double[] mean() {
    return mean.clone();
  }

  /**
   * The fitted column scales (standard deviations, 1 for constant columns).
   *
   * @return a copy
   */
  public double[] scale() {
    return scale.clone();
  }

  /**
   * The number of columns fitted.
   *
   * @return the columns
   */
  public int columns() {
    return mean.length;
  }

  /**
   * The dataset with standardized features; targets and labels unchanged.
   *
   * @param data a dataset of {@link #columns()} features
   * @return a new dataset
   */
  public Dataset transform(Dataset data) {
    java.util.Objects.requireNonNull(data, "Standardizer.transform: data");
    checkColumns(data.featureCount());
    return data.withFeatures(transform(data.features()), data.featureCount());
  }

  /**
   * Standardizes a row-major matrix with {@link #columns()} columns.
   *
   * @param values the matrix, row-major
   * @return a new array, {@code z = (x - mean) / scale}
   */
  public double[] transform(double[] values) {
    java.util.Objects.requireNonNull(values, "Standardizer.transform: values");
    checkLength(values.length);
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      int c = i % mean.length;
      out[i] = (values[i] - mean[c]) / scale[c];
    }
    return out;
  }

  /**
   * Undoes {@link #transform(double[])}: {@code x = z * scale + mean}.
   *
   * @param values standardized values, row-major
   * @return a new array
   */
  public double[] inverseTransform(double[] values) {
    java.util.Objects.requireNonNull(values, "Standardizer.inverseTransform: values");
    checkLength(values.length);
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      int c = i % mean.length;
      out[i] = values[i] * scale[c] + mean[c];
    }
    return out;
  }

  private void checkColumns(int columns) {
    if (columns != mean.length) {
      throw new IllegalArgumentException("the standardizer was fitted on " + mean.length
          + " columns, got " + columns);
    }
  }

  private void checkLength(int length) {
    if (length % mean.length != 0) {
      throw new IllegalArgumentException(length + " values do not make rows of the "
          + mean.length + " columns the standardizer was fitted on");
    }
  }
}
