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
import dev.cortado.train.LossCurve;
import dev.cortado.train.ProgressBar;
import dev.cortado.train.Trainer;
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

  /** Trains on 80% of the digits (10% of that for validation) and measures the held-out 20%. */
  public static Result run(int maxEpochs, boolean show, Path curve) throws IOException {
    Dataset all = CsvLoader.classification().classCount(10).loadResource("data/digits.csv.gz");
    Split split = Split.stratified(all, 0.2, 42);
    Standardizer scaler = Standardizer.fit(split.train());
    Dataset train = scaler.transform(split.train());
    Dataset test = scaler.transform(split.test());

    Model model = model();
    if (show) {
      System.out.print(model.summary());
    }
    Executable exe = model.compile(adamW(1e-3).weightDecay(1e-2).excludeFromWeightDecay("*/bias"));
    Trainer.Builder trainer = Trainer.builder().epochs(maxEpochs).batchSize(32).seed(42).validationSplit(0.1)
        .output("logits").callbacks(new EarlyStopping("val_loss").patience(5).restoreBestWeights(true));
    if (show) {
      trainer.progress(ProgressBar.auto());
    } else {
      trainer.quiet();
    }
    Trainer t = trainer.build();
    History history = t.fit(exe, train);
    if (curve != null) {
      LossCurve.write(history, curve);
    }
    double accuracy = t.evaluate(exe, test).get("accuracy");
    if (show) {
      System.out.println("\nTrainable variables after training (first values):");
      model.trainableVariables(exe).forEach((name, v) -> System.out.printf("  %-11s %6d values: %s%n", name,
          v.length, java.util.Arrays.toString(java.util.Arrays.copyOf(v, Math.min(4, v.length)))));
    }
    return new Result(accuracy, history.epochs(), history);
  }

  /** {@code --source} prints the Java that {@code compile} generates for a batch of 32 and exits. */
  public static void main(String[] args) throws IOException {
    if (args.length > 0 && args[0].equals("--source")) {
      System.out.println(model().generateSource("digits", "DigitsStep", adamW(1e-3).weightDecay(1e-2), 32));
      return;
    }
    long start = System.nanoTime();
    Path curve = Path.of("digits-curve.png").toAbsolutePath();
    Result r = run(100, true, curve);
    System.out.printf("%nStopped after %d epochs; loss/accuracy curve written to %s%n", r.epochs(), curve);
    System.out.printf("Test accuracy on the held-out 20%% (360 images): %.4f%n", r.testAccuracy());
    System.out.printf("Total time %.1f s%n", (System.nanoTime() - start) / 1e9);
  }

}
