package dev.cortado.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One partition's rows for one epoch, indexed once: the rows sorted by their position in the
 * epoch's order, stored as one flat array per input, and where each global batch's rows start.
 * A step's task copies only its slice instead of scanning the partition.
 */
final class Shard implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int partition;
  private final List<String> inputs;
  private final int[] widths;
  private final double[][] values;
  /** The rows of global batch {@code s} are {@code [starts[s], starts[s + 1])}. */
  private final int[] starts;
  /** Each row's position in the epoch's order, ascending. */
  private final int[] positions;
  private final int batchSize;

  private Shard(int partition, List<String> inputs, int[] widths, double[][] values, int[] starts, int[] positions,
      int batchSize) {
    this.partition = partition;
    this.inputs = inputs;
    this.widths = widths;
    this.values = values;
    this.starts = starts;
    this.positions = positions;
    this.batchSize = batchSize;
  }

  /**
   * Indexes a partition's examples for an epoch in which row {@code i} of the data set is at
   * position {@code position[i]}, cut into {@code steps} global batches of {@code batchSize}.
   */
  static Shard of(int partition, Iterator<Example> it, int[] position, int batchSize, int steps, List<String> inputs) {
    List<Example> rows = new ArrayList<>();
    it.forEachRemaining(rows::add);
    int n = rows.size();
    int[] pos = new int[n];
    Integer[] order = new Integer[n];
    for (int r = 0; r < n; r++) {
      pos[r] = position[Math.toIntExact(rows.get(r).index())];
      order[r] = r;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(pos[a], pos[b]));
    int k = inputs.size();
    int[] widths = new int[k];
    double[][] values = new double[k][];
    for (int j = 0; j < k; j++) {
      widths[j] = n == 0 ? 0 : rows.get(0).values()[j].length;
      values[j] = new double[n * widths[j]];
    }
    int[] sorted = new int[n];
    for (int r = 0; r < n; r++) {
      Example e = rows.get(order[r]);
      sorted[r] = pos[order[r]];
      for (int j = 0; j < k; j++) {
        System.arraycopy(e.values()[j], 0, values[j], r * widths[j], widths[j]);
      }
    }
    int[] starts = new int[steps + 1];
    int r = 0;
    for (int s = 0; s <= steps; s++) {
      while (r < n && sorted[r] / batchSize < s) {
        r++;
      }
      starts[s] = r;
    }
    return new Shard(partition, List.copyOf(inputs), widths, values, starts, sorted, batchSize);
  }

  int partition() {
    return partition;
  }

  /** How many of global batch {@code s}'s rows this partition holds. */
  int rowsOf(int s) {
    return starts[s + 1] - starts[s];
  }

  /** The row of global batch {@code s} that row {@code from} of this partition's share of it is. */
  long rowInBatch(int s, int from) {
    return positions[starts[s] + from] - (long) s * batchSize;
  }

  /**
   * This partition's share of global batch {@code s} cut into runs of rows that are consecutive
   * in the batch: the lengths, in order.
   */
  List<Integer> runs(int s) {
    List<Integer> out = new ArrayList<>();
    int run = 0;
    for (int r = starts[s]; r < starts[s + 1]; r++) {
      if (run > 0 && positions[r] != positions[r - 1] + 1) {
        out.add(run);
        run = 0;
      }
      run++;
    }
    if (run > 0) {
      out.add(run);
    }
    return out;
  }

  /** Rows {@code from} to {@code to} (exclusive) of this partition's share of global batch {@code s}, one flat array per input. */
  Map<String, double[]> slice(int s, int from, int to) {
    int a = starts[s] + from;
    int b = starts[s] + to;
    Map<String, double[]> in = new LinkedHashMap<>();
    for (int j = 0; j < inputs.size(); j++) {
      in.put(inputs.get(j), Arrays.copyOfRange(values[j], a * widths[j], b * widths[j]));
    }
    return in;
  }
}
