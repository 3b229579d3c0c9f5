package dev.cortado.spark;

import dev.cortado.ir.Graph;
import dev.cortado.runtime.Executable;
import dev.cortado.runtime.Gradients;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;

/** The work of one training or validation task, on an executor. */
final class Tasks {
  private Tasks() {}

  /**
   * The gradient of this partition's rows of global batch {@code s}, weighted by their share of
   * the batch ({@code rows / rowsInBatch}), or null if the partition holds none of them. The rows
   * go to the model in their order in the global batch.
   */
  static PartSum gradients(int partition, Iterator<Example> it, int[] position, int s, int batchSize, int rowsInBatch,
      Features features, ModelSource source, Map<String, double[]> params, TaskHook hook, long globalStep) {
    List<Example> mine = new ArrayList<>();
    while (it.hasNext()) {
      Example e = it.next();
      if (position[(int) e.index()] / batchSize == s) {
        mine.add(e);
      }
    }
    if (mine.isEmpty()) {
      return null;
    }
    mine.sort(Comparator.comparingInt(e -> position[(int) e.index()]));
    if (hook != null) {
      TaskContext tc = TaskContext.get();
      hook.beforeGradients(globalStep, partition, tc == null ? 0 : tc.attemptNumber());
    }
    Executable exe = source.borrow();
    try {
      load(exe, params);
      Gradients g = exe.newGradients();
      LinkedHashMap<String, Double> losses = new LinkedHashMap<>();
      // chunks of powers of two, largest first: a class is generated per batch size, and the
      // partitions' shares of a batch take every size; these take at most log2(batch) + 1
      int from = 0;
      while (from < mine.size()) {
        int chunk = Integer.highestOneBit(mine.size() - from);
        List<Example> part = mine.subList(from, from + chunk);
        exe.accumulateGradients(batch(features, part), (double) chunk / rowsInBatch, g);
        exe.lastLosses().forEach((k, v) -> losses.merge(k, v * chunk / rowsInBatch, Double::sum));
        from += chunk;
      }
      return new PartSum(partition, g, mine.size(), losses);
    } finally {
      source.giveBack(exe);
    }
  }

  /** The losses of this partition's rows, each times its rows (batches of {@code batchSize}), or null for none. */
  static PartSum evaluate(int partition, Iterator<Example> it, int batchSize, Features features, ModelSource source,
      Map<String, double[]> params) {
    List<Example> all = new ArrayList<>();
    it.forEachRemaining(all::add);
    if (all.isEmpty()) {
      return null;
    }
    Executable exe = source.borrow();
    try {
      load(exe, params);
      LinkedHashMap<String, Double> sums = new LinkedHashMap<>();
      for (int from = 0; from < all.size(); from += batchSize) {
        List<Example> part = all.subList(from, Math.min(all.size(), from + batchSize));
        exe.evaluate(batch(features, part)).forEach((k, v) -> sums.merge(k, v * part.size(), Double::sum));
      }
      return new PartSum(partition, null, all.size(), sums);
    } finally {
      source.giveBack(exe);
    }
  }

  private static void load(Executable exe, Map<String, double[]> params) {
    params.forEach((k, v) -> {
      if (k.equals(Graph.GLOBAL_STEP)) {
        exe.setState(k, v);
      } else {
        exe.setParameter(k, v);
      }
    });
  }

  /** The rows' values as one flat array per input. */
  static Map<String, double[]> batch(Features features, List<Example> rows) {
    Map<String, double[]> in = new LinkedHashMap<>();
    List<String> inputs = features.inputs();
    for (int k = 0; k < inputs.size(); k++) {
      int n = rows.get(0).values()[k].length;
      double[] a = new double[rows.size() * n];
      for (int r = 0; r < rows.size(); r++) {
        System.arraycopy(rows.get(r).values()[k], 0, a, r * n, n);
      }
      in.put(inputs.get(k), a);
    }
    return in;
  }
}
