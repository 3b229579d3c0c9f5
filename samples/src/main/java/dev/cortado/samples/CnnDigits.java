package dev.cortado.samples;

import static dev.cortado.dsl.Cortado.*;

import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.train.History;
import java.io.IOException;

/**
 * A small convolutional network on the bundled 8×8 digits as {@code [BATCH, 8, 8, 1]} images:
 * conv 16 3×3 SAME ReLU, conv 32 3×3 SAME ReLU, 2×2 max pooling, a dense layer of 10 logits;
 * AdamW with the biases excluded from weight decay, early stopping on a validation split; prints
 * the accuracy on the same held-out 20% test set as {@link DigitsClassifier}.
 */
public final class CnnDigits {
  private CnnDigits() {}

  /** What a run ends with. */
  public record Result(double testAccuracy, int epochs, History history) {}

  /**
   * The network, its initial values drawn from {@code seed}.
   *
   * @param seed the seed of the initial values
   * @return the model, inputs {@code x [BATCH, 8, 8, 1]} and {@code y [BATCH, 10]}, output {@code logits}
   */
  public static Model model(long seed) {
    return Model.define("cnn_digits", m -> {
      m.seed(seed);
      Tensor x = m.input("x", BATCH, 8, 8, 1);
      Tensor y = m.input("y", BATCH, 10);
      Tensor h = m.conv2d("conv1", x, 16, 3, c -> c.padding(SAME).activation(RELU));
      h = m.conv2d("conv2", h, 32, 3, c -> c.padding(SAME).activation(RELU));
      h = maxPool2d(h, 2);
      Tensor logits = m.dense("out", flatten(h), 10);
      m.output("logits", logits);
      m.minimize(softmaxCrossEntropy(logits, y));
    });
  }

  /**
   * Trains with {@code seed} on 80% of the digits (10% of that for validation) and measures the held-out 20%.
   *
   * @param seed the seed of the initial values, the shuffling and the validation split
   * @param maxEpochs the most epochs before early stopping
   * @param show whether to print the model's summary and a progress bar
   * @return the test accuracy, the epochs trained and the history
   * @throws IOException if the bundled digits cannot be read
   */
  public static Result run(long seed, int maxEpochs, boolean show) throws IOException {
    Digits.Run run = Digits.train(model(seed), adamW(1e-3).weightDecay(1e-2).excludeFromWeightDecay("*/bias"), seed,
        maxEpochs, show);
    return new Result(run.testAccuracy(), run.history().epochs(), run.history());
  }

  /**
   * Trains with seeds 1 to 5 (or the seeds given) and prints each test accuracy and their mean.
   *
   * @param args the seeds, as whole numbers (none: 1 to 5)
   * @throws IOException if the bundled digits cannot be read
   */
  public static void main(String[] args) throws IOException {
    long[] seeds = args.length > 0 ? java.util.Arrays.stream(args).mapToLong(Long::parseLong).toArray()
        : new long[] {1, 2, 3, 4, 5};
    double sum = 0;
    for (long seed : seeds) {
      long start = System.nanoTime();
      Result r = run(seed, 100, seeds.length == 1);
      sum += r.testAccuracy();
      System.out.printf("seed %d: test accuracy %.4f after %d epochs (%.1f s)%n", seed, r.testAccuracy(), r.epochs(),
          (System.nanoTime() - start) / 1e9);
    }
    System.out.printf("mean test accuracy over %d seed(s) on the held-out 20%% (360 images): %.4f%n", seeds.length,
        sum / seeds.length);
  }
}
