package dev.cortado.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded train/test split, as scikit-learn's {@code train_test_split}: the test set gets
 * {@code ceil(testFraction * rows)} rows, the training set the rest, both in shuffled order.
 * The same seed gives the same split on every machine ({@link SplittableRandom} is specified).
 *
 * @param train the training rows
 * @param test the held-out rows
 */
public record Split(Dataset train, Dataset test) {

  /**
   * A random split.
   *
   * @param data the dataset
   * @param testFraction the share of rows in the test set, in (0, 1)
   * @param seed the seed of the shuffle
   * @return the two parts
   */
  public static Split of(Dataset data, double testFraction, long seed) {
    java.util.Objects.requireNonNull(data, "Split.of: data");
    int rows = data.rows();
    int testRows = testRows(rows, testFraction);
    int[] order = Shuffle.permutation(rows, new SplittableRandom(seed));
    int[] test = new int[testRows];
    int[] train = new int[rows - testRows];
    System.arraycopy(order, 0, test, 0, testRows);
    System.arraycopy(order, testRows, train, 0, train.length);
    return new Split(data.select(train), data.select(test));
  }

  /**
   * A split that keeps each class's share in both parts: class {@code c} with {@code n_c} rows
   * puts {@code floor(testFraction * n_c)} in the test set, and the rows still missing from the
   * total {@code ceil(testFraction * rows)} go to the classes with the largest remainders (ties
   * to the larger class, then the lower label).
   *
   * @param data a classification set
   * @param testFraction the share of each class in the test set, in (0, 1)
   * @param seed the seed of the shuffle
   * @return the two parts
   * @throws IllegalArgumentException for a regression set
   */
  public static Split stratified(Dataset data, double testFraction, long seed) {
    java.util.Objects.requireNonNull(data, "Split.stratified: data");
    if (!data.isClassification()) {
      throw new IllegalArgumentException("a stratified split needs class labels; "
          + "this is a regression set");
    }
    int rows = data.rows();
    int testRows = testRows(rows, testFraction);
    int[] labels = data.labels();
    int k = data.classCount();
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int r = 0; r < rows; r++) {
      byClass.get(labels[r]).add(r);
    }
    int[] quota = new int[k];
    double[] remainder = new double[k];
    int assigned = 0;
    for (int c = 0; c < k; c++) {
      double exact = testFraction * byClass.get(c).size();
      quota[c] = (int) Math.floor(exact);
      remainder[c] = exact - quota[c];
      assigned += quota[c];
    }
    while (assigned < testRows) {
      int best = -1;
      for (int c = 0; c < k; c++) {
        if (quota[c] < byClass.get(c).size() && (best < 0 || remainder[c] > remainder[best]
            || (remainder[c] == remainder[best]
                && byClass.get(c).size() > byClass.get(best).size()))) {
          best = c;
        }
      }
      quota[best]++;
      remainder[best] = -1;
      assigned++;
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] test = new int[testRows];
    int[] train = new int[rows - testRows];
    int ti = 0;
    int tr = 0;
    for (int c = 0; c < k; c++) {
      List<Integer> members = byClass.get(c);
      int[] perm = Shuffle.permutation(members.size(), random);
      for (int i = 0; i < perm.length; i++) {
        if (i < quota[c]) {
          test[ti++] = members.get(perm[i]);
        } else {
          train[tr++] = members.get(perm[i]);
        }
      }
    }
    Shuffle.inPlace(test, random);
    Shuffle.inPlace(train, random);
    return new Split(data.select(train), data.select(test));
  }

  private static int testRows(int rows, double testFraction) {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("testFraction must lie strictly between 0 and 1, got "
          + testFraction);
    }
    int testRows = (int) Math.ceil(testFraction * rows);
    if (testRows >= rows) {
      throw new IllegalArgumentException("a test fraction of " + testFraction + " of " + rows
          + " rows leaves no training rows");
    }
    return testRows;
  }
}
