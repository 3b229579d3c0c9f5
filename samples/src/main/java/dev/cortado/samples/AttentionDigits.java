package dev.cortado.samples;

import static dev.cortado.dsl.Cortado.*;

import dev.cortado.data.CsvLoader;
import dev.cortado.data.Dataset;
import dev.cortado.data.Split;
import dev.cortado.data.Standardizer;
import dev.cortado.dsl.Model;
import dev.cortado.dsl.ModelBuilder;
import dev.cortado.dsl.Tensor;
import dev.cortado.runtime.Executable;
import dev.cortado.train.EarlyStopping;
import dev.cortado.train.History;
import dev.cortado.train.ProgressBar;
import dev.cortado.train.Trainer;
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

  /** Trains on 80% of the digits (10% of that for validation) and measures the held-out 20%. */
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
    Executable exe = model.compile(adamW(2e-3).weightDecay(0.01).excludeFromWeightDecay(BIAS, NORMALIZATION));
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

  /** {@code --source} prints the Java that {@code compile} generates for a batch of 32 and exits. */
  public static void main(String[] args) throws IOException {
    if (args.length > 0 && args[0].equals("--source")) {
      System.out.println(model(42).generateSource("attention_digits", "AttentionDigitsStep",
          adamW(2e-3).weightDecay(0.01).excludeFromWeightDecay(BIAS, NORMALIZATION), 32));
      return;
    }
    long start = System.nanoTime();
    Result r = run(42, 60, true);
    System.out.printf("%nStopped after %d epochs%n", r.epochs());
    System.out.printf("Test accuracy on the held-out 20%% (360 images): %.4f%n", r.testAccuracy());
    System.out.printf("Total time %.1f s%n", (System.nanoTime() - start) / 1e9);
  }
}
