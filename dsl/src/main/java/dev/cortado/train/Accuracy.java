package dev.cortado.train;

/**
 * Classification accuracy from a model output: the fraction of rows whose highest-scoring
 * column (first on ties) is the label. Works on logits and on probabilities alike.
 */
public final class Accuracy {

  private Accuracy() {}

  /**
   * The number of rows whose argmax is the label.
   *
   * @param scores the class scores, {@code labels.length × classCount}, row-major
   * @param labels the class of each row
   * @param classCount the number of classes
   * @param output the name of the output the scores came from, for the message
   * @return how many rows are right; a tie goes to the lowest class
   * @throws IllegalArgumentException if {@code scores} is not one row of {@code classCount}
   *     values per label
   */
  public static int correct(double[] scores, int[] labels, int classCount, String output) {
    if (scores.length != labels.length * classCount) {
      throw new IllegalArgumentException("accuracy needs one score per class from output \""
          + output + "\": " + labels.length + " rows of " + classCount + " classes, got "
          + scores.length + " values");
    }
    int correct = 0;
    for (int r = 0; r < labels.length; r++) {
      int best = 0;
      for (int c = 1; c < classCount; c++) {
        if (scores[r * classCount + c] > scores[r * classCount + best]) {
          best = c;
        }
      }
      if (best == labels[r]) {
        correct++;
      }
    }
    return correct;
  }
}
