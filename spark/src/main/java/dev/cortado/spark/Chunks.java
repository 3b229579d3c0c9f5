package dev.cortado.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * How a task cuts its rows of a global batch into the batches it hands to the model. A class is
 * generated per batch size and the partitions' shares of a batch take every size, so the chunks
 * are powers of two, largest first, except that a chunk of one row is folded into the one
 * before it (11 rows: 8, 3; 9 rows: 9; 6 rows: 4, 2): batch normalization's unbiased variance
 * of a single row is undefined. A share of {@code n <= batchSize} rows therefore uses at most
 * {@code 2·log2(batchSize) + 1} sizes.
 */
final class Chunks {
  private Chunks() {}

  /** The chunk sizes for a share of {@code rows} rows, in the order they run. */
  static List<Integer> of(int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("a share has at least one row, got " + rows);
    }
    List<Integer> out = new ArrayList<>();
    int left = rows;
    while (left > 0) {
      int chunk = Integer.highestOneBit(left);
      if (left - chunk == 1) {
        chunk++;
      }
      out.add(chunk);
      left -= chunk;
    }
    return out;
  }

  /** Every chunk size a share of 1 to {@code batchSize} rows uses, ascending. */
  static int[] sizes(int batchSize) {
    TreeSet<Integer> all = new TreeSet<>();
    for (int p = 1; p <= batchSize; p <<= 1) {
      all.add(p);
      if (p > 1 && p + 1 <= batchSize) {
        all.add(p + 1);
      }
    }
    return all.stream().mapToInt(Integer::intValue).toArray();
  }
}
