package dev.cortado.spark;

import dev.cortado.ir.Graph;
import dev.cortado.runtime.Executable;
import dev.cortado.runtime.Gradients;
import java.util.ArrayList;
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
   * go to the model in their order in the global batch, in the chunks of {@link Chunks}; each
   * chunk passes the row of the global batch it starts at, so dropout draws one machine's masks.
   * A model that draws masks (it has a {@link Graph#GLOBAL_STEP}) first cuts the rows into runs
   * consecutive in the global batch, as only a run's rows draw the masks of consecutive rows.
   *
   * <p>Parameters the forward pass writes itself (batch normalization's moving statistics) are
   * reset to the broadcast values before each chunk; what each chunk moved them by, times the
   * chunk's share of the global batch, is summed into {@link PartSum#moved}.
   */
  static PartSum gradients(Shard shard, int s, int batchSize, int rowsInBatch, ModelSource source,
      Map<String, double[]> params, TaskHook hook, long globalStep) {
    int mine = shard.rowsOf(s);
    if (mine == 0) {
      return null;
    }
    if (hook != null) {
      TaskContext tc = TaskContext.get();
      hook.beforeGradients(globalStep, shard.partition(), tc == null ? 0 : tc.attemptNumber());
    }
    Executable exe = source.borrow();
    try {
      load(exe, params);
      Halves.prepare(exe, batchSize);
      Gradients g = Halves.zero(exe);
      List<String> written = untrained(exe, g);
      LinkedHashMap<String, double[]> moved = new LinkedHashMap<>();
      LinkedHashMap<String, Double> losses = new LinkedHashMap<>();
      List<Integer> runs = params.containsKey(Graph.GLOBAL_STEP) ? shard.runs(s) : List.of(mine);
      int from = 0;
      for (int run : runs) {
        for (int chunk : Chunks.of(run)) {
          double share = (double) chunk / rowsInBatch;
          Halves.accumulate(exe, shard.slice(s, from, from + chunk), share, g, shard.rowInBatch(s, from));
          exe.lastLosses().forEach((k, v) -> losses.merge(k, v * share, Double::sum));
          gather(exe, written, params, share, moved);
          from += chunk;
        }
      }
      return new PartSum(shard.partition(), g, mine, losses, moved);
    } finally {
      source.giveBack(exe);
    }
  }

  /**
   * Adds {@code share} times what the last chunk moved each of {@code written} by (from its
   * broadcast value) into {@code moved}, and puts the broadcast value back for the next chunk.
   * A parameter no chunk has moved gets no entry.
   */
  private static void gather(Executable exe, List<String> written, Map<String, double[]> params, double share,
      Map<String, double[]> moved) {
    for (String name : written) {
      double[] before = params.get(name);
      double[] after = exe.parameter(name);
      if (java.util.Arrays.equals(before, after)) {
        continue;
      }
      double[] sum = moved.computeIfAbsent(name, k -> new double[after.length]);
      for (int i = 0; i < after.length; i++) {
        sum[i] += share * (after[i] - before[i]);
      }
      exe.setParameter(name, before);
    }
  }

  /** The parameters of {@code exe} that get no gradient: the ones a forward pass may write. */
  private static List<String> untrained(Executable exe, Gradients g) {
    List<String> out = new ArrayList<>(exe.parameterNames());
    out.removeAll(g.names());
    return out;
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
      return new PartSum(partition, null, all.size(), sums, new LinkedHashMap<>());
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
