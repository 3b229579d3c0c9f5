package dev.cortado.samples;

import static dev.cortado.dsl.Cortado.*;

import dev.cortado.dsl.Model;
import dev.cortado.dsl.ModelBuilder;
import dev.cortado.dsl.Tensor;
import dev.cortado.train.History;
import java.io.IOException;

/**
 * The 8×8 digits as a sequence of their 8 rows, read by one head of self-attention: each row is
 * projected to 32 features plus a learned position vector, every row attends to every row
 * ({@code softmax(q·kᵀ/√32)·v}, written with the DSL's batched matmul, transpose and softmax), a
 * residual connection and a layer normalization follow, and a dense layer classifies the
 * flattened rows. AdamW with the usual exclusions (biases and normalization parameters
 * undecayed), early stopping on a validation split; prints the accuracy on a held-out 20% test set.
 */
public final class AttentionDigits {
  private AttentionDigits() {}

  /** The width of each row's features. */
  static final int D = 32;

  /** What a run ends with. */
  public record Result(double testAccuracy, int epochs, History history) {}

  /** One head of self-attention over {@code h [BATCH, T, D]}: q, k, v dense layers under {@code name}. */
  static Tensor selfAttention(ModelBuilder m, String name, Tensor h) {
    return m.scoped(name, () -> {
      Tensor q = m.dense("q", h, D);
      Tensor k = m.dense("k", h, D);
      Tensor v = m.dense("v", h, D);
      Tensor weights = q.matmul(k.transpose(0, 2, 1)).div(Math.sqrt(D)).softmax(-1);
      return weights.matmul(v);
    });
  }

  /**
   * The network, its initial values drawn from {@code seed}.
   *
   * @param seed the seed of the initial values
   * @return the model, inputs {@code x [BATCH, 64]} and {@code y [BATCH, 10]}, output {@code logits}
   */
  public static Model model(long seed) {
    return Model.define("attention_digits", m -> {
      m.seed(seed);
      Tensor x = m.input("x", BATCH, 64);
      Tensor y = m.input("y", BATCH, 10);
      Tensor position = m.variable("position").shape(8, D).initializer(normal(0, 0.1));
      Tensor rows = m.dense("embed", x.reshape(BATCH, 8, 8), D).add(position);
      Tensor h = m.layerNorm("norm", rows.add(selfAttention(m, "attention", rows)));
      Tensor logits = m.dense("out", flatten(h), 10);
      m.output("logits", logits);
      m.minimize(softmaxCrossEntropy(logits, y));
    });
  }

  /**
   * Trains on 80% of the digits (10% of that for validation) and measures the held-out 20%.
   *
   * @param seed the seed of the initial values, the shuffling and the validation split
   * @param maxEpochs the most epochs before early stopping
   * @param show whether to print the model's summary and a progress bar
   * @return the test accuracy, the epochs trained and the history
   * @throws IOException if the bundled digits cannot be read
   */
  public static Result run(long seed, int maxEpochs, boolean show) throws IOException {
    Digits.Run run = Digits.train(model(seed), adamW(2e-3).weightDecay(0.01).excludeFromWeightDecay(BIAS, NORMALIZATION),
        seed, maxEpochs, show);
    return new Result(run.testAccuracy(), run.history().epochs(), run.history());
  }

  /**
   * Trains with seed 42 for at most 60 epochs and prints the test accuracy; {@code --source}
   * prints the Java that {@code compile} generates for a batch of 32 instead.
   *
   * @param args nothing, or {@code --source}
   * @throws IOException if the bundled digits cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (args.length > 0 && args[0].equals("--source")) {
      System.out.println(model(42).generateSource("attention_digits", "AttentionDigitsStep",
          adamW(2e-3).weightDecay(0.01).excludeFromWeightDecay(BIAS, NORMALIZATION), 32));
      return;
    }
    long start = System.nanoTime();
    Result r = run(42, 60, true);
    Digits.printEnd(r.epochs(), r.testAccuracy(), start);
  }
}
