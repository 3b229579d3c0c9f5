package dev.cortado.samples;

import static dev.cortado.dsl.Cortado.*;

import dev.cortado.data.CsvLoader;
import dev.cortado.data.Dataset;
import dev.cortado.data.Split;
import dev.cortado.data.Standardizer;
import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.runtime.Executable;
import dev.cortado.train.EarlyStopping;
import dev.cortado.train.History;
import dev.cortado.train.ProgressBar;
import dev.cortado.train.Trainer;
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

  /** The network, its initial values drawn from {@code seed}. */
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

  /** Trains with {@code seed} on 80% of the digits (10% of that for validation) and measures the held-out 20%. */
  public static Result run(long seed, int maxEpochs, boolean show) throws IOException {
    Dataset all = CsvLoader.classification().classCount(10).loadResource("data/digits.csv.gz");
    Split split = Split.stratified(all, 0.2, 42);
    Standardizer scaler = Standardizer.fit(split.train());
    Dataset train = scaler.transform(split.train());
    Dataset test = scaler.transform(split.test());

    Model model = model(seed);
    if (show) {
      System.out.print(model.summary());
    }
    Executable exe = model.compile(adamW(1e-3).weightDecay(1e-2).excludeFromWeightDecay("*/bias"));
    Trainer.Builder trainer = Trainer.builder().epochs(maxEpochs).batchSize(32).seed(seed).validationSplit(0.1)
        .output("logits").callbacks(new EarlyStopping("val_loss").patience(5).restoreBestWeights(true));
    if (show) {
      trainer.progress(ProgressBar.auto());
    } else {
      trainer.quiet();
    }
    Trainer t = trainer.build();
    History history = t.fit(exe, train);
    return new Result(t.evaluate(exe, test).get("accuracy"), history.epochs(), history);
  }

  /** Trains with seeds 1 to 5 (or the seeds given) and prints each test accuracy and their mean. */
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
