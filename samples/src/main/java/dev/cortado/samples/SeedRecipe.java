package dev.cortado.samples;

import static dev.cortado.dsl.Cortado.*;

import dev.cortado.data.CsvLoader;
import dev.cortado.data.Dataset;
import dev.cortado.data.Split;
import dev.cortado.data.Standardizer;
import dev.cortado.dsl.Model;
import dev.cortado.dsl.ModelBuilder;
import dev.cortado.dsl.Tensor;
import dev.cortado.dsl.Variable;
import dev.cortado.runtime.Executable;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * TensorFlow 1.x's weight-decay recipe, line for line, on the breast-cancer data:
 *
 * <pre>
 * w = tf.get_variable("w", shape, initializer=..., regularizer=l2_regularizer(wd))
 * terms = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
 * loss = tf.add_n(terms) + loss
 * </pre>
 *
 * It prints the collection term by term, trains the same model with and without decay, and
 * shows how the weights' norm shrinks under decay.
 */
public final class SeedRecipe {
  private SeedRecipe() {}

  /** What one run ends with. */
  public record Result(double weightNorm, double testAccuracy, Map<String, Double> lastLosses) {}

  /**
   * The model: 30 → 16 (tanh) → 2, each kernel with {@code l2(weightDecay)} as its regularizer.
   *
   * @param weightDecay the l2 factor on the weights (0: no decay)
   * @return the model, inputs {@code x [BATCH, 30]} and {@code y [BATCH, 2]}, output {@code logits}
   */
  public static Model model(double weightDecay) {
    return Model.define("seed_recipe", m -> {
      m.dtype(F64);
      Tensor x = m.input("x", BATCH, 30);
      Tensor y = m.input("y", BATCH, 2);
      Tensor h = layer(m, "hidden", x, 30, 16, weightDecay).tanh();
      Tensor logits = layer(m, "logits", h, 16, 2, weightDecay);
      m.output("logits", logits);
      Tensor dataLoss = softmaxCrossEntropy(logits, y);
      List<Tensor> terms = m.collection(REGULARIZATION_LOSSES);      // tf.get_collection(REGULARIZATION_LOSSES)
      m.minimize(addN(terms).add(dataLoss));                          // loss = tf.add_n(terms) + loss
    });
  }

  /** {@code x·weights + biases} in scope {@code name}, the weights declared as tf.get_variable with a regularizer. */
  private static Tensor layer(ModelBuilder m, String name, Tensor x, int in, int out, double weightDecay) {
    return m.scoped(name, () -> {
      // tf.get_variable(name, shape, initializer, regularizer)
      Variable w = m.variable("weights").shape(in, out).initializer(glorotUniform()).regularizer(l2(weightDecay));
      Variable b = m.variable("biases").shape(out).initializer(zeros());
      return x.matmul(w).add(b);
    });
  }

  /**
   * Trains on 80% of the breast-cancer data with full-batch SGD (learning rate 0.1, the reference
   * interpreter) and measures the other 20%.
   *
   * @param weightDecay the l2 factor on the weights (0: no decay)
   * @param epochs the full-batch steps
   * @param verbose whether to print the model's summary
   * @return the weights' norm, the test accuracy and the last step's loss terms
   * @throws IOException if the bundled data cannot be read
   */
  public static Result run(double weightDecay, int epochs, boolean verbose) throws IOException {
    Dataset all = CsvLoader.sklearn().loadResource("data/breast_cancer.csv");
    Split split = Split.stratified(all, 0.2, 7);
    Standardizer scaler = Standardizer.fit(split.train());
    Dataset train = scaler.transform(split.train());
    Dataset test = scaler.transform(split.test());
    Model model = model(weightDecay);
    if (verbose) {
      System.out.print(model.summary());
    }
    Executable exe = model.interpret(sgd(0.1));
    Map<String, double[]> batch = Map.of("x", train.features(), "y", train.targets());
    for (int epoch = 0; epoch < epochs; epoch++) {
      exe.trainStep(batch);
    }
    double norm = 0;
    for (String p : exe.parameterNames()) {
      if (p.endsWith("/weights")) {
        for (double v : exe.parameter(p)) {
          norm += v * v;
        }
      }
    }
    double[] logits = exe.predict(Map.of("x", test.features())).get("logits");
    int correct = 0;
    int[] labels = test.labels();
    for (int i = 0; i < labels.length; i++) {
      int predicted = logits[2 * i + 1] > logits[2 * i] ? 1 : 0;
      correct += predicted == labels[i] ? 1 : 0;
    }
    return new Result(Math.sqrt(norm), (double) correct / labels.length, exe.lastLosses());
  }

  /**
   * Trains with {@code l2(0.01)} and without decay, and prints the loss terms and both norms.
   *
   * @param args the number of steps (none: 300)
   * @throws IOException if the bundled data cannot be read
   */
  public static void main(String[] args) throws IOException {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    Result decayed = run(0.01, epochs, true);
    Map<String, Double> parts = decayed.lastLosses();
    System.out.println("\nThe last step's loss, term by term (loss = add_n(REGULARIZATION_LOSSES) + data loss):");
    parts.forEach((k, v) -> {
      if (k.startsWith("regularization/")) {
        System.out.printf("  %-32s %.6f%n", k, v);
      }
    });
    System.out.printf("  %-32s %.6f%n  %-32s %.6f%n", "data_loss", parts.get("data_loss"), "loss (total)",
        parts.get("loss"));
    Result plain = run(0.0, epochs, false);
    System.out.printf("%nAfter %d full-batch SGD steps (lr 0.1):%n", epochs);
    System.out.printf("  l2(0.01) on the weights: ||w|| = %.4f, test accuracy %.3f%n", decayed.weightNorm(),
        decayed.testAccuracy());
    System.out.printf("  no decay (l2(0)):        ||w|| = %.4f, test accuracy %.3f%n", plain.weightNorm(),
        plain.testAccuracy());
    System.out.printf("  decay shrank the weights' norm by %.1f%%%n",
        100 * (1 - decayed.weightNorm() / plain.weightNorm()));
  }
}
