package dev.cortado.samples;

import static dev.cortado.dsl.Cortado.*;

import dev.cortado.data.CsvLoader;
import dev.cortado.data.Dataset;
import dev.cortado.data.Split;
import dev.cortado.data.Standardizer;
import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.runtime.Executable;
import dev.cortado.train.Trainer;
import java.io.IOException;

/** Iris in a dozen lines: 4-16-3 with tanh, l2 on the kernels, SGD with momentum. */
public final class IrisClassifier {
  private IrisClassifier() {}

  /**
   * Trains on 80% of the 150 flowers for 150 epochs (the reference interpreter) and measures the
   * other 20%.
   *
   * @param verbose whether to print the model's summary and the accuracy
   * @return the accuracy on the held-out 30 flowers
   * @throws IOException if the bundled data cannot be read
   */
  public static double run(boolean verbose) throws IOException {
    Dataset all = CsvLoader.sklearn().loadResource("data/iris.csv");
    Split split = Split.stratified(all, 0.2, 1);
    Standardizer scaler = Standardizer.fit(split.train());

    Model model = Model.define("iris", m -> {
      Tensor x = m.input("x", BATCH, 4);
      Tensor y = m.input("y", BATCH, 3);
      Tensor h = m.dense("hidden", x, 16, d -> d.activation(TANH).kernelRegularizer(l2(1e-3)));
      Tensor logits = m.dense("out", h, 3, d -> d.kernelRegularizer(l2(1e-3)));
      m.output("logits", logits);
      m.minimize(softmaxCrossEntropy(logits, y));
    });
    Executable exe = model.interpret(sgd(0.05).momentum(0.9));
    Trainer trainer = Trainer.builder().epochs(150).batchSize(16).seed(1).output("logits").quiet().build();
    trainer.fit(exe, scaler.transform(split.train()));
    double accuracy = trainer.evaluate(exe, scaler.transform(split.test())).get("accuracy");
    if (verbose) {
      System.out.print(model.summary());
      System.out.printf("Iris test accuracy (30 flowers): %.3f%n", accuracy);
    }
    return accuracy;
  }

  /**
   * Trains and prints the summary and the test accuracy.
   *
   * @param args ignored
   * @throws IOException if the bundled data cannot be read
   */
  public static void main(String[] args) throws IOException {
    run(true);
  }
}
