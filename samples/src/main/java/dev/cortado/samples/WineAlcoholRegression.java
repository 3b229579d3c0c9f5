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

/**
 * A regression on real data: the alcohol content of 178 wines (the first column of the wine
 * data) from the other 12 measurements, with a linear model and a 12-8-1 MLP, both with Adam and
 * coupled weight decay; prints the test RMSE in % alcohol against predicting the mean.
 */
public final class WineAlcoholRegression {
  private WineAlcoholRegression() {}

  /** RMSE of the linear model, the MLP and the mean predictor on the held-out 25%. */
  public record Result(double linearRmse, double mlpRmse, double baselineRmse) {}

  /**
   * Predicts the alcohol content from the other 12 features: fits a linear model and an MLP with
   * 8 tanh units on 75% of the wines (the reference interpreter) and scores both, and the mean,
   * on the other 25%.
   *
   * @param verbose whether to print the models' summaries and the scores
   * @return the three test RMSEs
   * @throws IOException if the bundled data cannot be read
   */
  public static Result run(boolean verbose) throws IOException {
    Dataset wine = CsvLoader.sklearn().loadResource("data/wine_data.csv");
    int n = wine.rows();
    int f = wine.featureCount();
    double[] x = new double[n * (f - 1)];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = wine.feature(i, 0);
      for (int j = 1; j < f; j++) {
        x[i * (f - 1) + j - 1] = wine.feature(i, j);
      }
    }
    Split split = Split.of(Dataset.regression(x, f - 1, y, 1), 0.25, 3);
    Standardizer scaler = Standardizer.fit(split.train());
    Dataset train = scaler.transform(split.train());
    Dataset test = scaler.transform(split.test());
    double mean = java.util.Arrays.stream(train.targets()).average().orElseThrow();

    double linear = fitAndScore(model(0, mean), train, test, verbose);
    double mlp = fitAndScore(model(8, mean), train, test, verbose);
    double base = 0;
    for (double t : test.targets()) {
      base += (t - mean) * (t - mean);
    }
    Result r = new Result(linear, mlp, Math.sqrt(base / test.rows()));
    if (verbose) {
      System.out.printf("Test RMSE (%% alcohol): linear %.3f, MLP %.3f, predicting the mean %.3f%n", r.linearRmse(),
          r.mlpRmse(), r.baselineRmse());
    }
    return r;
  }

  static Model model(int hidden, double meanTarget) {
    return Model.define(hidden == 0 ? "wine_linear" : "wine_mlp", m -> {
      m.dtype(F64);
      Tensor x = m.input("x", BATCH, 12);
      Tensor y = m.input("y", BATCH, 1);
      Tensor h = hidden == 0 ? x : m.dense("hidden", x, hidden, d -> d.activation(TANH));
      Tensor pred = m.dense("out", h, 1, d -> d.biasInitializer(constant(meanTarget)));   // start at the mean
      m.output("pred", pred);
      m.minimize(mse(pred, y));
    });
  }

  static double fitAndScore(Model model, Dataset train, Dataset test, boolean verbose) {
    Executable exe = model.interpret(adam(0.01).weightDecay(1e-3));
    Trainer.builder().epochs(150).batchSize(16).seed(3).accuracy(false).quiet().build().fit(exe, train);
    double[] pred = exe.predict(java.util.Map.of("x", test.features())).get("pred");
    double sse = 0;
    for (int i = 0; i < pred.length; i++) {
      double d = pred[i] - test.targets()[i];
      sse += d * d;
    }
    if (verbose) {
      System.out.print(model.summary());
    }
    return Math.sqrt(sse / pred.length);
  }

  /**
   * Fits both models and prints their test RMSEs.
   *
   * @param args ignored
   * @throws IOException if the bundled data cannot be read
   */
  public static void main(String[] args) throws IOException {
    run(true);
  }
}
