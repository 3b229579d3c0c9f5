import static dev.cortado.dsl.Cortado.*;

import dev.cortado.data.Dataset;
import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.runtime.Executable;
import dev.cortado.train.Trainer;
import java.util.List;
import java.util.Random;

public class Quickstart {
  public static void main(String[] args) {
    // 1,000 points in the square [-1, 1]²; class 1 inside the circle of radius 0.8, class 0 outside
    Random random = new Random(1);
    double[] points = new double[2000];
    int[] labels = new int[1000];
    for (int i = 0; i < labels.length; i++) {
      double a = points[2 * i] = 2 * random.nextDouble() - 1;
      double b = points[2 * i + 1] = 2 * random.nextDouble() - 1;
      labels[i] = a * a + b * b < 0.64 ? 1 : 0;
    }
    Dataset data = Dataset.classification(points, 2, labels, List.of("outside", "inside"));

    Model model = Model.define("circle", m -> {
      Tensor x = m.input("x", BATCH, 2);        // features go to input "x"
      Tensor y = m.input("y", BATCH, 2);        // one-hot targets to input "y"
      Tensor h = m.dense("hidden", x, 16, d -> d.activation(RELU).kernelRegularizer(l2(1e-4)));
      Tensor logits = m.dense("out", h, 2);
      m.output("logits", logits);
      m.minimize(softmaxCrossEntropy(logits, y)); // adds the l2 term: it is never dropped
    });
    System.out.print(model.summary());

    Executable exe = model.compile(adam(0.01));   // generates Java, compiles it in memory
    Trainer trainer = Trainer.builder()
        .epochs(40).batchSize(32).seed(1).validationSplit(0.2).output("logits").quiet().build();
    trainer.fit(exe, data);
    double accuracy = trainer.evaluate(exe, data).get("accuracy");
    System.out.printf("accuracy %.3f%n", accuracy);
    if (accuracy < 0.9) {
      throw new IllegalStateException("the circle was not learned: accuracy " + accuracy);
    }
  }
}
