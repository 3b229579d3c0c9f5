package dev.cortado.data;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Splits a dataset into batches for each epoch: {@code ceil(rows / batchSize)} batches, the
 * last one holding the remaining {@code rows % batchSize} rows when that is not zero (or
 * dropped with {@link #dropLast}). With a seed the row order of epoch {@code e} is a
 * permutation drawn from {@link Shuffle#forEpoch(long, int)}, so it differs between epochs and
 * is the same in every run; without one the rows keep their order. Immutable.
 */
public final class Batches {

  private final Dataset data;
  private final int batchSize;
  private final Long seed;
  private final boolean dropLast;

  private Batches(Dataset data, int batchSize, Long seed, boolean dropLast) {
    this.data = data;
    this.batchSize = batchSize;
    this.seed = seed;
    this.dropLast = dropLast;
  }

  /**
   * Unshuffled batches of {@code batchSize} rows.
   *
   * @param data the dataset
   * @param batchSize the rows per batch, positive
   * @return the batches
   */
  public static Batches of(Dataset data, int batchSize) {
    java.util.Objects.requireNonNull(data, "Batches.of: data");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    return new Batches(data, batchSize, null, false);
  }

  /**
   * Reshuffles the rows every epoch from {@code seed}.
   *
   * @param newSeed the seed of the shuffles
   * @return a new {@code Batches}
   */
  public Batches shuffle(long newSeed) {
    return new Batches(data, batchSize, newSeed, dropLast);
  }

  /**
   * Drops the last partial batch (Keras and PyTorch keep it by default, as here).
   *
   * @param drop whether a last partial batch is dropped
   * @return a new {@code Batches}
   */
  public Batches dropLast(boolean drop) {
    return new Batches(data, batchSize, seed, drop);
  }

  /**
   * The rows per full batch.
   *
   * @return the batch size
   */
  public int batchSize() {
    return batchSize;
  }

  /**
   * The number of batches in an epoch.
   *
   * @return the number of batches
   */
  public int count() {
    int rows = data.rows();
    return dropLast ? rows / batchSize : (rows + batchSize - 1) / batchSize;
  }

  /**
   * The distinct batch sizes of an epoch, largest first: the batch size (or the whole set, when
   * smaller) and the partial last batch, if kept. What {@code Executable.prepare} wants.
   *
   * @return the sizes, one or two
   */
  public int[] sizes() {
    int rows = data.rows();
    int full = Math.min(batchSize, rows);
    int last = rows % batchSize;
    if (rows == 0 || (dropLast && rows < batchSize)) {
      return new int[0];
    }
    return dropLast || last == 0 || full == last ? new int[] {full} : new int[] {full, last};
  }

  /**
   * The row order of an epoch.
   *
   * @param epoch the epoch, from 0
   * @return the dataset rows in the order the epoch visits them
   */
  public int[] order(int epoch) {
    if (seed == null) {
      int[] order = new int[data.rows()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      return order;
    }
    return Shuffle.permutation(data.rows(), Shuffle.forEpoch(seed, epoch));
  }

  /**
   * The batches of an epoch, gathered as they are iterated.
   *
   * @param epoch the epoch, from 0
   * @return the batches
   */
  public Iterable<Batch> epoch(int epoch) {
    int[] order = order(epoch);
    int count = count();
    return () -> new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < count;
      }

      @Override
      public Batch next() {
        if (next >= count) {
          throw new NoSuchElementException();
        }
        int start = next * batchSize;
        int end = Math.min(start + batchSize, order.length);
        int[] rows = new int[end - start];
        System.arraycopy(order, start, rows, 0, rows.length);
        next++;
        return Batch.of(data, rows);
      }
    };
  }
}
