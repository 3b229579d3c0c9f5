package dev.cortado.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RngTest {
  /** The draw as it was with an int index: the int widened to long inside the product. */
  private static double intIndexed(long seed, long step, int index) {
    long z = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return (z >>> 11) * 0x1.0p-53;
  }

  @Test
  void aLongIndexDrawsWhatTheIntIndexDrew() {
    SplittableRandom r = new SplittableRandom(20);
    int[] edges = {0, 1, 2, 783, 784, 65_535, 1 << 20, Integer.MAX_VALUE - 1, Integer.MAX_VALUE};
    for (int k = 0; k < 2_000; k++) {
      long seed = k < edges.length ? 42 : r.nextLong();
      long step = k < edges.length ? k : r.nextLong(1L << 40);
      int index = k < edges.length ? edges[k] : r.nextInt(Integer.MAX_VALUE);
      double expected = intIndexed(seed, step, index);
      assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(Rng.uniform(seed, step, (long) index)),
          "seed " + seed + " step " + step + " index " + index);
      assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(Rng.uniform(seed, step, index)));
      assertTrue(expected >= 0 && expected < 1, "in [0, 1): " + expected);
    }
  }

  @Test
  void indicesPastTheIntRangeDrawTheirOwnValues() {
    long past = (long) Integer.MAX_VALUE + 1;
    assertNotEquals(Rng.uniform(7, 3, past), Rng.uniform(7, 3, (int) past));
    assertNotEquals(Rng.uniform(7, 3, past + 5), Rng.uniform(7, 3, 5));
  }
}
