package dev.cortado.spark;

import static dev.cortado.dsl.Cortado.*;
import static dev.cortado.spark.SparkFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.data.Dataset;
import dev.cortado.data.Shuffle;
import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.ir.DType;
import dev.cortado.runtime.Executable;
import dev.cortado.runtime.Gradients;
import dev.cortado.train.Trainer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Batch normalization and dropout on Spark: the moving statistics gathered to the driver, the
 * documented rule of batch normalization (each chunk normalizes with its own statistics) checked
 * against the same rule run on one executable, and dropout equal to one machine.
 */
class SparkStatisticsTest extends LocalSparkTest {
  private static final double MOMENTUM = 0.1;
  /** Batch normalization of the raw features (so its batch statistics do not depend on the parameters), then dropout. */
  static Model model() {
    return model(true, true);
  }

  /** The model with batch normalization, dropout or both. */
  static Model model(boolean normalize, boolean drop) {
    return Model.define("sparkbn", m -> {
      m.dtype(DType.F64);
      Tensor x = m.input("x", BATCH, FEATURES);
      Tensor y = m.input("y", BATCH, CLASSES);
      Tensor n = normalize ? m.batchNorm("bn", x, b -> b.momentum(MOMENTUM)) : x;
      Tensor d1 = m.dense("fc1", n, 8, d -> d.activation(TANH));
      Tensor h = drop ? dropout(d1, 0.3) : d1;
      Tensor logits = m.dense("fc2", h, CLASSES);
      m.output("logits", logits);
      m.minimize(softmaxCrossEntropy(logits, y));
    });
  }

  static ModelSource workers() {
    return workers(true, true);
  }

  static ModelSource workers(boolean normalize, boolean drop) {
    return ModelSource.compiled("sparkbn", () -> model(normalize, drop).compile(optimizer()));
  }

  static SparkTrainer.Builder trainer(int epochs, int batch) {
    return SparkTrainer.builder().features(features()).epochs(epochs).batchSize(batch).seed(9);
  }

  @Test
  void onOnePartitionWithWholeChunksItEqualsOneMachine() throws Exception {
    double[][] data = data(64, 11);
    Executable distributed = model().compile(optimizer());
    Executable single = model().compile(optimizer());
    // one partition, batches of 16: every chunk is a whole global batch, so the masks and the
    // batch statistics are one machine's
    trainer(2, 16).build().fit(distributed, workers(), frame(spark, data, 1));
    Trainer.builder().epochs(2).batchSize(16).seed(9).quiet().build()
        .fit(single, Dataset.regression(data[0], FEATURES, data[1], CLASSES));
    for (String p : single.parameterNames()) {
      assertClose(single.parameter(p), distributed.parameter(p), 1e-9, p);
    }
  }

  @Test
  void theMovingMeanIsTheGlobalBatchMeanAndTheVarianceTheChunksWeightedMean() throws Exception {
    int rows = 90;
    int batch = 25;
    int partitions = 3;
    double[][] data = data(rows, 12);
    Executable distributed = model(true, false).compile(optimizer());
    trainer(2, batch).build().fit(distributed, workers(true, false), frame(spark, data, partitions));
    double[] mean = new double[FEATURES];
    double[] variance = new double[FEATURES];
    Arrays.fill(variance, 1);
    double[] single = new double[FEATURES];
    Arrays.fill(single, 1);
    for (int epoch = 0; epoch < 2; epoch++) {
      int[] order = Shuffle.permutation(rows, Shuffle.forEpoch(9, epoch));
      for (int from = 0; from < rows; from += batch) {
        int b = Math.min(batch, rows - from);
        double[] chunkVariances = new double[FEATURES];
        double[] batchMean = new double[FEATURES];
        for (int p = 0; p < partitions; p++) {
          int[] share = share(order, from, b, p, rows, partitions);
          int at = 0;
          for (int chunk : share.length == 0 ? java.util.List.<Integer>of() : Chunks.of(share.length)) {
            int[] rowsOfChunk = Arrays.copyOfRange(share, at, at + chunk);
            at += chunk;
            for (int j = 0; j < FEATURES; j++) {
              double[] s = stats(data[0], rowsOfChunk, j);
              chunkVariances[j] += (double) chunk / b * s[1];
              batchMean[j] += (double) chunk / b * s[0];
            }
          }
        }
        int[] all = Arrays.copyOfRange(order, from, from + b);
        for (int j = 0; j < FEATURES; j++) {
          mean[j] = (1 - MOMENTUM) * mean[j] + MOMENTUM * stats(data[0], all, j)[0];
          variance[j] = (1 - MOMENTUM) * variance[j] + MOMENTUM * chunkVariances[j];
          single[j] = (1 - MOMENTUM) * single[j] + MOMENTUM * stats(data[0], all, j)[1];
        }
      }
    }
    assertClose(mean, distributed.parameter("bn/moving_mean"), 1e-12, "moving_mean");
    assertClose(variance, distributed.parameter("bn/moving_variance"), 1e-12, "moving_variance");
    // the rule is not one machine's for the variance: the spread between the chunks' means is left out
    double gap = 0;
    for (int j = 0; j < FEATURES; j++) {
      gap = Math.max(gap, Math.abs(single[j] - variance[j]));
    }
    assertTrue(gap > 1e-6, "one machine's moving variance differs from the chunks' rule, by " + gap);
  }

  @Test
  void dropoutOnManyPartitionsEqualsOneMachine() throws Exception {
    int rows = 70;
    int batch = 24;
    double[][] data = data(rows, 15);
    Executable single = model(false, true).compile(optimizer());
    Trainer.builder().epochs(2).batchSize(batch).seed(9).quiet().build()
        .fit(single, Dataset.regression(data[0], FEATURES, data[1], CLASSES));
    for (int partitions : new int[] {2, 3}) {
      Executable distributed = model(false, true).compile(optimizer());
      trainer(2, batch).build().fit(distributed, workers(false, true), frame(spark, data, partitions));
      for (String p : single.parameterNames()) {
        assertClose(single.parameter(p), distributed.parameter(p), 1e-9, partitions + " partitions: " + p);
      }
    }
    // the masks matter: without dropout the parameters differ
    Executable plain = model(false, false).compile(optimizer());
    Trainer.builder().epochs(2).batchSize(batch).seed(9).quiet().build()
        .fit(plain, Dataset.regression(data[0], FEATURES, data[1], CLASSES));
    double gap = Math.abs(single.parameter("fc2/kernel")[0] - plain.parameter("fc2/kernel")[0]);
    assertTrue(gap > 1e-6, "dropout changes the result, by " + gap);
  }

  @Test
  void normalizationFollowsTheChunksOnManyPartitions() throws Exception {
    int rows = 70;
    int batch = 24;
    int partitions = 3;
    double[][] data = data(rows, 13);
    Executable distributed = model(true, false).compile(optimizer());
    trainer(2, batch).build().fit(distributed, workers(true, false), frame(spark, data, partitions));
    // the same rule on one executable: per global batch, each partition's chunks, weighted by
    // their share, the moving statistics moved by the chunks' weighted changes
    Executable reference = model(true, false).compile(optimizer());
    long step = 0;
    for (int epoch = 0; epoch < 2; epoch++) {
      int[] order = Shuffle.permutation(rows, Shuffle.forEpoch(9, epoch));
      for (int from = 0; from < rows; from += batch, step++) {
        int b = Math.min(batch, rows - from);
        Gradients g = reference.newGradients();
        Map<String, double[]> start = new LinkedHashMap<>();
        for (String p : new String[] {"bn/moving_mean", "bn/moving_variance"}) {
          start.put(p, reference.parameter(p));
        }
        Map<String, double[]> moved = new LinkedHashMap<>();
        start.forEach((k, v) -> moved.put(k, v.clone()));
        for (int p = 0; p < partitions; p++) {
          int[] share = share(order, from, b, p, rows, partitions);
          int at = 0;
          for (int chunk : share.length == 0 ? java.util.List.<Integer>of() : Chunks.of(share.length)) {
            int[] r = Arrays.copyOfRange(share, at, at + chunk);
            at += chunk;
            reference.accumulateGradients(Map.of("x", gather(data[0], r, FEATURES), "y", gather(data[1], r, CLASSES)),
                (double) chunk / b, g);
            for (String k : start.keySet()) {
              double[] now = reference.parameter(k);
              for (int i = 0; i < now.length; i++) {
                moved.get(k)[i] += (double) chunk / b * (now[i] - start.get(k)[i]);
              }
              reference.setParameter(k, start.get(k));
            }
          }
        }
        reference.applyGradients(g);
        moved.forEach(reference::setParameter);
      }
    }
    for (String p : reference.parameterNames()) {
      assertClose(reference.parameter(p), distributed.parameter(p), 1e-9, p);
    }
    // and one machine differs: other statistics
    Executable single = model(true, false).compile(optimizer());
    Trainer.builder().epochs(2).batchSize(batch).seed(9).quiet().build()
        .fit(single, Dataset.regression(data[0], FEATURES, data[1], CLASSES));
    double gap = Math.abs(single.parameter("fc2/kernel")[0] - distributed.parameter("fc2/kernel")[0]);
    assertTrue(gap > 1e-6, "one machine differs, by " + gap);
  }

  @Test
  void aPartitionWithOneRowOfABatchFailsTheStepNamingTheStatistic() throws Exception {
    double[][] data = data(4, 14);
    Executable exe = model().compile(optimizer());
    Map<String, double[]> before = new LinkedHashMap<>();
    exe.parameterNames().forEach(p -> before.put(p, exe.parameter(p)));
    // four partitions of one row each: every chunk is a single row
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> trainer(1, 4).build().fit(exe, workers(), frame(spark, data, 4)));
    assertTrue(e.getMessage().contains("'bn/moving_variance'") && e.getMessage().contains("global step 0"), e.getMessage());
    before.forEach((p, v) -> org.junit.jupiter.api.Assertions.assertArrayEquals(v, exe.parameter(p), 0.0, p));
  }

  /** The rows of global batch [from, from + b) that partition p of an even split holds, in batch order. */
  private static int[] share(int[] order, int from, int b, int p, int rows, int partitions) {
    // sc.parallelize cuts n rows into slices [i·n/P, (i+1)·n/P)
    long lo = (long) p * rows / partitions;
    long hi = (long) (p + 1) * rows / partitions;
    return Arrays.stream(order, from, from + b).filter(i -> i >= lo && i < hi).toArray();
  }

  /** The mean and unbiased variance of feature j over the given rows. */
  private static double[] stats(double[] x, int[] rows, int j) {
    double m = 0;
    for (int r : rows) {
      m += x[r * FEATURES + j];
    }
    m /= rows.length;
    double v = 0;
    for (int r : rows) {
      double d = x[r * FEATURES + j] - m;
      v += d * d;
    }
    return new double[] {m, v / (rows.length - 1)};
  }

  private static double[] gather(double[] a, int[] rows, int width) {
    double[] out = new double[rows.length * width];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(a, rows[i] * width, out, i * width, width);
    }
    return out;
  }

  private static void assertClose(double[] expected, double[] actual, double relative, String what) {
    double norm = 0;
    double diff = 0;
    for (int i = 0; i < expected.length; i++) {
      norm = Math.max(norm, Math.abs(expected[i]));
      diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(diff <= relative * Math.max(norm, 1e-300), what + ": largest difference " + diff + " against " + norm
        + "; expected " + Arrays.toString(expected) + ", got " + Arrays.toString(actual));
    assertEquals(expected.length, actual.length, what);
  }
}
