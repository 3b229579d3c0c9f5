package dev.cortado.samples;

import static dev.cortado.dsl.Cortado.*;

import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.train.History;
import java.io.IOException;

/**
 * The 8×8 digits read row by row: each image is a sequence of 8 steps of 8 pixels, a GRU of 64
 * units reads it, and a dense layer classifies its last state. Adam, early stopping on a
 * validation split; prints the accuracy on a held-out 20% test set.
 */
public final class GruDigits {
  private GruDigits() {}

  /** What a run ends with. */
  public record Result(double testAccuracy, int epochs, History history) {}

  /**
   * The network, its initial values drawn from seed 42.
   *
   * @return the model, inputs {@code x [BATCH, 64]} (read as 8 rows of 8) and {@code y [BATCH,
   *     10]}, output {@code logits}
   */
  public static Model model() {
    return Model.define("gru_digits", m -> {
      m.seed(42);
      Tensor x = m.input("x", BATCH, 64);
      Tensor y = m.input("y", BATCH, 10);
      Tensor rows = x.reshape(BATCH, 8, 8);
      Tensor h = m.gru("gru", rows, 64);
      Tensor logits = m.dense("out", h, 10);
      m.output("logits", logits);
      m.minimize(softmaxCrossEntropy(logits, y));
    });
  }

  /**
   * Trains on 80% of the digits (10% of that for validation) and measures the held-out 20%.
   *
   * @param maxEpochs the most epochs before early stopping
   * @param show whether to print the model's summary and a progress bar
   * @return the test accuracy, the epochs trained and the history
   * @throws IOException if the bundled digits cannot be read
   */
  public static Result run(int maxEpochs, boolean show) throws IOException {
    Digits.Run run = Digits.train(model(), adam(3e-3), 42, maxEpochs, show);
    return new Result(run.testAccuracy(), run.history().epochs(), run.history());
  }

  /**
   * Trains for at most 60 epochs and prints the test accuracy; {@code --source} prints the Java
   * that {@code compile} generates for a batch of 32 instead.
   *
   * @param args nothing, or {@code --source}
   * @throws IOException if the bundled digits cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (args.length > 0 && args[0].equals("--source")) {
      System.out.println(model().generateSource("gru_digits", "GruDigitsStep", adam(3e-3), 32));
      return;
    }
    long start = System.nanoTime();
    Result r = run(60, true);
    Digits.printEnd(r.epochs(), r.testAccuracy(), start);
  }
}
