package dev.cortado.samples;

import static dev.cortado.dsl.Cortado.*;

import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.train.History;
import dev.cortado.train.LossCurve;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The README's main sample: a 64-128-10 MLP on the 8×8 digits (1,797 images), AdamW with
 * decoupled weight decay, dropout and early stopping on a validation split; prints the progress,
 * writes the loss/accuracy curve to {@code digits-curve.png} and prints the accuracy on a
 * held-out 20% test set.
 */
public final class DigitsClassifier {
  private DigitsClassifier() {}

  /** What a run ends with. */
  public record Result(double testAccuracy, int epochs, History history) {}

  /**
   * The network, its initial values drawn from seed 42.
   *
   * @return the model, inputs {@code x [BATCH, 64]} and {@code y [BATCH, 10]}, output {@code logits}
   */
  public static Model model() {
    return Model.define("digits", m -> {
      m.seed(42);
      Tensor x = m.input("x", BATCH, 64);
      Tensor y = m.input("y", BATCH, 10);
      Tensor h = m.dense("fc1", x, 128, d -> d.activation(RELU).kernelInitializer(heUniform()));
      Tensor logits = m.dense("fc2", dropout(h, 0.2), 10);
      m.output("logits", logits);
      m.minimize(softmaxCrossEntropy(logits, y));
    });
  }

  /**
   * Trains on 80% of the digits (10% of that for validation) and measures the held-out 20%.
   *
   * @param maxEpochs the most epochs before early stopping
   * @param show whether to print the model's summary, a progress bar and the first trained values
   * @param curve where to write the loss/accuracy curve as a PNG (null: nowhere)
   * @return the test accuracy, the epochs trained and the history
   * @throws IOException if the bundled digits cannot be read or the curve cannot be written
   */
  public static Result run(int maxEpochs, boolean show, Path curve) throws IOException {
    Model model = model();
    Digits.Run run = Digits.train(model, adamW(1e-3).weightDecay(1e-2).excludeFromWeightDecay("*/bias"), 42,
        maxEpochs, show);
    if (curve != null) {
      LossCurve.write(run.history(), curve);
    }
    if (show) {
      System.out.println("\nTrainable variables after training (first values):");
      model.trainableVariables(run.exe()).forEach((name, v) -> System.out.printf("  %-11s %6d values: %s%n", name,
          v.length, java.util.Arrays.toString(java.util.Arrays.copyOf(v, Math.min(4, v.length)))));
    }
    return new Result(run.testAccuracy(), run.history().epochs(), run.history());
  }

  /**
   * Trains for at most 100 epochs, writes {@code digits-curve.png} and prints the test accuracy;
   * {@code --source} prints the Java that {@code compile} generates for a batch of 32 instead.
   *
   * @param args nothing, or {@code --source}
   * @throws IOException if the bundled digits cannot be read or the curve cannot be written
   */
  public static void main(String[] args) throws IOException {
    if (args.length > 0 && args[0].equals("--source")) {
      System.out.println(model().generateSource("digits", "DigitsStep", adamW(1e-3).weightDecay(1e-2), 32));
      return;
    }
    long start = System.nanoTime();
    Path curve = Path.of("digits-curve.png").toAbsolutePath();
    Result r = run(100, true, curve);
    System.out.printf("%nLoss/accuracy curve written to %s%n", curve);
    Digits.printEnd(r.epochs(), r.testAccuracy(), start);
  }

}
