package com.example.app;

import com.example.app.generated.CircleStep;
import dev.cortado.runtime.Checkpoint;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Random;

/** Trains the generated Circle class on random points and checks its predictions. */
public final class Main {
  public static void main(String[] args) throws IOException {
    CircleStep model = new CircleStep();   // every variable at zero: load the initial weights
    try (InputStream in = CircleStep.class.getResourceAsStream("CircleStep.safetensors")) {
      Checkpoint.load(model, in, "CircleStep.safetensors");
    }
    Random random = new Random(1);
    for (int step = 1; step <= 600; step++) {
      double loss = model.trainStep(batch(random));
      if (step % 200 == 0) {
        System.out.printf("step %d loss %.4f%n", step, loss);
      }
    }
    Map<String, double[]> test = batch(random);
    double[] probs = model.predict(Map.of("x", test.get("x"))).get("probs");
    int correct = 0;
    for (int i = 0; i < 32; i++) {
      boolean inside = probs[2 * i + 1] > probs[2 * i];
      correct += inside == (test.get("y")[2 * i + 1] == 1) ? 1 : 0;
    }
    System.out.println("correct " + correct + " of 32");
    if (correct < 28) {
      throw new IllegalStateException("the circle was not learned: " + correct + " of 32");
    }
  }

  /** 32 random points of [-1, 1]² ("x") and their one-hot classes ("y": outside, inside). */
  static Map<String, double[]> batch(Random random) {
    double[] x = new double[64];
    double[] y = new double[64];
    for (int i = 0; i < 32; i++) {
      double a = x[2 * i] = 2 * random.nextDouble() - 1;
      double b = x[2 * i + 1] = 2 * random.nextDouble() - 1;
      y[2 * i + (a * a + b * b < 0.64 ? 1 : 0)] = 1;
    }
    return Map.of("x", x, "y", y);
  }
}
