package dev.cortado.train;

import static dev.cortado.dsl.Cortado.BATCH;
import static dev.cortado.dsl.Cortado.F64;
import static dev.cortado.dsl.Cortado.RELU;
import static dev.cortado.dsl.Cortado.dropout;
import static dev.cortado.dsl.Cortado.l2;
import static dev.cortado.dsl.Cortado.softmaxCrossEntropy;

import dev.cortado.data.Dataset;
import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/** Small data and models for trainer tests. */
final class Fixtures {

  private Fixtures() {}

  /** Three Gaussian blobs in 2-D around (0,2), (2,-1), (-2,-1), standard deviation 0.6. */
  static Dataset blobs(int rows, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[][] centres = {{0, 2}, {2, -1}, {-2, -1}};
    double[] f = new double[rows * 2];
    int[] labels = new int[rows];
    for (int r = 0; r < rows; r++) {
      int c = r % 3;
      labels[r] = c;
      for (int j = 0; j < 2; j++) {
        f[2 * r + j] = centres[c][j] + 0.6 * gaussian(random);
      }
    }
    return Dataset.classification(f, 2, labels, List.of("a", "b", "c"));
  }

  private static double gaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
        * Math.cos(2 * Math.PI * random.nextDouble());
  }

  /** 2-16-3 MLP with an l2 term on the first kernel and optional dropout; output "logits". */
  static Model classifier(double dropoutRate) {
    return classifier("blobs", dropoutRate);
  }

  /** The classifier without dropout under another name (so its compiled classes are its own). */
  static Model classifierNamed(String name) {
    return classifier(name, 0);
  }

  private static Model classifier(String name, double dropoutRate) {
    return Model.define(name, m -> {
      m.dtype(F64);
      m.seed(3);
      Tensor x = m.input("x", BATCH, 2);
      Tensor y = m.input("y", BATCH, 3);
      Tensor h = m.dense("hidden", x, 16, d -> d.activation(RELU).kernelRegularizer(l2(1e-3)));
      if (dropoutRate > 0) {
        h = dropout(h, dropoutRate);
      }
      Tensor logits = m.dense("out", h, 3);
      m.output("logits", logits);
      m.minimize(softmaxCrossEntropy(logits, y));
    });
  }
}
