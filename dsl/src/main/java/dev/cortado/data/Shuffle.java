package dev.cortado.data;

import java.util.SplittableRandom;

/** Seeded Fisher-Yates shuffles, reproducible on every JVM. */
public final class Shuffle {

  private Shuffle() {}

  /**
   * A random permutation of {@code 0..n-1}.
   *
   * @param n the length, at least 0
   * @param random the generator
   * @return a new array
   */
  public static int[] permutation(int n, SplittableRandom random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    inPlace(order, random);
    return order;
  }

  /**
   * Shuffles {@code values} in place (Fisher-Yates, from the end).
   *
   * @param values the array to shuffle
   * @param random the generator
   */
  public static void inPlace(int[] values, SplittableRandom random) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
  }

  /**
   * A generator for one epoch of a seeded run: independent streams for different epochs
   * (the pair is mixed with MurmurHash3's finalizer first: {@link SplittableRandom} seeds that
   * differ by its increment give shifted copies of one stream).
   *
   * @param seed the run's seed
   * @param epoch the epoch, from 0
   * @return a new generator
   */
  public static SplittableRandom forEpoch(long seed, int epoch) {
    return new SplittableRandom(mix(seed ^ mix(epoch + 0x9E3779B97F4A7C15L)));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
