package com.example.app;

import java.util.Map;
import java.util.SplittableRandom;

/** Deterministic synthetic batches: four features, a price that is a noisy function of them. */
public final class Data {
  private Data() {}

  public static Map<String, double[]> batch(long seed, int rows) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[rows * 4];
    double[] y = new double[rows];
    for (int i = 0; i < rows; i++) {
      double sum = 0;
      for (int j = 0; j < 4; j++) {
        double v = r.nextDouble(-1, 1);
        x[i * 4 + j] = v;
        sum += (j + 1) * v * v - 0.5 * v;
      }
      y[i] = sum + 0.05 * r.nextGaussian();
    }
    return Map.of("x", x, "y", y);
  }
}
