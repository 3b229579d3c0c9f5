package dev.cortado.spark;

import dev.cortado.ir.Graph;
import dev.cortado.runtime.Executable;
import dev.cortado.runtime.Gradients;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/** The Spark jobs of a training run: one per global step, one per validation. */
final class Steps {
  private static final String DESCRIPTION = "spark.job.description";

  private Steps() {}

  /**
   * One global step: gradients on the executors, summed in partition order and applied on the
   * driver; the parameters the forward pass writes get the broadcast value plus the partitions'
   * weighted changes, added in the same order. Adds the step's losses times its rows into {@code sums}.
   */
  static void step(JavaSparkContext sc, Executable driver, ModelSource workers, JavaRDD<Shard> shards, long globalStep,
      int s, int batchSize, int rowsInBatch, TaskHook hook, Map<String, Double> sums) {
    Map<String, double[]> sent = shipped(driver);
    Broadcast<Map<String, double[]>> params = sc.broadcast(sent);
    String description = sc.getLocalProperty(DESCRIPTION);
    sc.setJobDescription(SparkTrainer.STEP_JOB + globalStep);
    List<PartSum> parts;
    try {
      parts = shards.mapPartitions(it -> {
        List<PartSum> out = new ArrayList<>(1);
        while (it.hasNext()) {
          PartSum sum = Tasks.gradients(it.next(), s, batchSize, rowsInBatch, workers, params.value(), hook, globalStep);
          if (sum != null) {
            out.add(sum);
          }
        }
        return out.iterator();
      }, true).collect();
    } finally {
      sc.setJobDescription(description);
      params.destroy();
    }
    List<PartSum> ordered = new ArrayList<>(parts);
    ordered.sort(Comparator.comparingInt(PartSum::partition));
    Gradients total = Halves.zero(driver);
    long seen = 0;
    Map<String, Double> losses = new LinkedHashMap<>();
    Map<String, double[]> moved = new LinkedHashMap<>();
    for (PartSum p : ordered) {
      total.add(p.gradients());
      seen += p.rows();
      p.losses().forEach((k, v) -> losses.merge(k, v, Double::sum));
      p.moved().forEach((k, v) -> {
        double[] m = moved.computeIfAbsent(k, x -> sent.get(k).clone());
        for (int i = 0; i < m.length; i++) {
          if (!Double.isFinite(v[i])) {
            throw new IllegalStateException("global step " + globalStep + ": partition " + p.partition() + " moved '" + k
                + "' by " + v[i] + " at index " + i + " over its " + p.rows() + " rows of the batch; nothing was updated."
                + " Batch normalization's unbiased variance of a single row is undefined: give every partition more"
                + " than one row of each batch (fewer partitions or larger batches)");
          }
          m[i] += v[i];
        }
      });
    }
    if (seen != rowsInBatch) {
      throw new IllegalStateException("global step " + globalStep + " gathered " + seen + " rows, expected " + rowsInBatch);
    }
    Halves.apply(driver, total);
    moved.forEach(driver::setParameter);
    losses.forEach((k, v) -> sums.merge(k, v * rowsInBatch, Double::sum));
  }

  /** The mean losses of the validation rows, weighted by rows, with the driver's parameters. */
  static Map<String, Double> evaluate(JavaSparkContext sc, Executable driver, ModelSource workers, JavaRDD<Example> val,
      Features features, int batchSize) {
    Broadcast<Map<String, double[]>> params = sc.broadcast(shipped(driver));
    List<PartSum> parts = val.mapPartitionsWithIndex((pi, it) -> {
      PartSum sum = Tasks.evaluate(pi, it, batchSize, features, workers, params.value());
      return (sum == null ? List.<PartSum>of() : List.of(sum)).iterator();
    }, true).collect();
    params.destroy();
    List<PartSum> ordered = new ArrayList<>(parts);
    ordered.sort(Comparator.comparingInt(PartSum::partition));
    Map<String, Double> total = new LinkedHashMap<>();
    long rows = 0;
    for (PartSum p : ordered) {
      p.losses().forEach((k, v) -> total.merge(k, v, Double::sum));
      rows += p.rows();
    }
    long n = rows;
    total.replaceAll((k, v) -> v / n);
    return total;
  }

  /** What the executors need of the driver's executable: every parameter, and the step count dropout reads. */
  static Map<String, double[]> shipped(Executable driver) {
    Map<String, double[]> p = SparkPredictor.parameters(driver);
    if (driver.stateNames().contains(Graph.GLOBAL_STEP)) {
      p.put(Graph.GLOBAL_STEP, driver.state(Graph.GLOBAL_STEP));
    }
    return p;
  }
}
