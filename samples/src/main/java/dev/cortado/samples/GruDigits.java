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
 * The 8×8 digits read row by row: each image is a sequence of 8 steps of 8 pixels, a GRU of 64
 * units reads it, and a dense layer classifies its last state. Adam, early stopping on a
 * validation split; prints the accuracy on a held-out 20% test set.
 */
public final class GruDigits {
  private GruDigits() {}

  /** What a run ends with. */
  public record Result(double testAccuracy, int epochs, History history) {}

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

  /** Trains on 80% of the digits (10% of that for validation) and measures the held-out 20%. */
  public static Result run(int maxEpochs, boolean show) throws IOException {
    Dataset all = CsvLoader.classification().classCount(10).loadResource("data/digits.csv.gz");
    Split split = Split.stratified(all, 0.2, 42);
    Standardizer scaler = Standardizer.fit(split.train());
    Dataset train = scaler.transform(split.train());
    Dataset test = scaler.transform(split.test());

    Model model = model();
    if (show) {
      System.out.print(model.summary());
    }
    Executable exe = model.compile(adam(3e-3));
    Trainer.Builder trainer = Trainer.builder().epochs(maxEpochs).batchSize(32).seed(42).validationSplit(0.1)
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
      System.out.println(model().generateSource("gru_digits", "GruDigitsStep", adam(3e-3), 32));
      return;
    }
    long start = System.nanoTime();
    Result r = run(60, true);
    System.out.printf("%nStopped after %d epochs%n", r.epochs());
    System.out.printf("Test accuracy on the held-out 20%% (360 images): %.4f%n", r.testAccuracy());
    System.out.printf("Total time %.1f s%n", (System.nanoTime() - start) / 1e9);
  }
}
