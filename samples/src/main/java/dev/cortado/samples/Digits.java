package dev.cortado.samples;

import dev.cortado.data.CsvLoader;
import dev.cortado.data.Dataset;
import dev.cortado.data.Split;
import dev.cortado.data.Standardizer;
import dev.cortado.dsl.Model;
import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.Executable;
import dev.cortado.train.EarlyStopping;
import dev.cortado.train.History;
import dev.cortado.train.ProgressBar;
import dev.cortado.train.Trainer;
import java.io.IOException;

/**
 * The bundled 8×8 digits (1,797 images, 64 pixels, 10 classes) as every digits sample uses them,
 * and the run they share: the same stratified 80/20 split (seed 42), standardized with the
 * training part's statistics; batches of 32, 10% of the training part held out for validation,
 * early stopping on the validation loss (patience 5, best weights restored); the accuracy on the
 * held-out 20% (360 images).
 */
final class Digits {
  private Digits() {}

  /**
   * The training part and the held-out test part, both standardized.
   *
   * @param train 80% of the images
   * @param test the other 20%
   */
  record Sets(Dataset train, Dataset test) {}

  /**
   * A finished run.
   *
   * @param exe the trained executable
   * @param history the loss and metrics of every epoch
   * @param testAccuracy the accuracy on the held-out 20%
   */
  record Run(Executable exe, History history, double testAccuracy) {}

  /**
   * Reads the digits from the samples' resources and splits them.
   *
   * @return the standardized training and test parts
   * @throws IOException if the resource cannot be read
   */
  static Sets load() throws IOException {
    Dataset all = CsvLoader.classification().classCount(10).loadResource("data/digits.csv.gz");
    Split split = Split.stratified(all, 0.2, 42);
    Standardizer scaler = Standardizer.fit(split.train());
    return new Sets(scaler.transform(split.train()), scaler.transform(split.test()));
  }

  /**
   * Compiles {@code model} with {@code optimizer}, trains it on the training part and measures
   * the held-out part.
   *
   * @param model a model with inputs {@code x [BATCH, 64]} (or its image shape) and {@code y
   *     [BATCH, 10]} and an output {@code logits}
   * @param optimizer the optimizer of the training step
   * @param seed the seed of the shuffling and the validation split
   * @param maxEpochs the most epochs before early stopping
   * @param show whether to print the model's summary and a progress bar
   * @return the trained executable, its history and its test accuracy
   * @throws IOException if the digits cannot be read
   */
  static Run train(Model model, Optimizer optimizer, long seed, int maxEpochs, boolean show) throws IOException {
    Sets data = load();
    if (show) {
      System.out.print(model.summary());
    }
    Executable exe = model.compile(optimizer);
    Trainer.Builder trainer = Trainer.builder().epochs(maxEpochs).batchSize(32).seed(seed).validationSplit(0.1)
        .output("logits").callbacks(new EarlyStopping("val_loss").patience(5).restoreBestWeights(true));
    if (show) {
      trainer.progress(ProgressBar.auto());
    } else {
      trainer.quiet();
    }
    Trainer t = trainer.build();
    History history = t.fit(exe, data.train());
    return new Run(exe, history, t.evaluate(exe, data.test()).get("accuracy"));
  }

  /**
   * Prints how a run from the command line ended.
   *
   * @param epochs the epochs trained
   * @param testAccuracy the accuracy on the held-out 20%
   * @param startNanos {@link System#nanoTime()} when the run started
   */
  static void printEnd(int epochs, double testAccuracy, long startNanos) {
    System.out.printf("%nStopped after %d epochs%n", epochs);
    System.out.printf("Test accuracy on the held-out 20%% (360 images): %.4f%n", testAccuracy);
    System.out.printf("Total time %.1f s%n", (System.nanoTime() - startNanos) / 1e9);
  }
}
