package dev.cortado.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link InputCheck#firstNonFinite(float[])} sums {@code v[i] * 0} per pass instead of testing
 * each value: it must still name the first NaN or infinity wherever it lies (in the first, a
 * middle or the last pass, in the eight-wide body or the tail of a pass) and pass every finite
 * value, the largest and the smallest included.
 */
class FirstNonFiniteTest {
  private static final float[] BAD = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};

  @Test
  void finiteExtremesPass() {
    float[] v = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -0f, 0f, 1e-45f, -3.4e38f, 7, 8, 9, 10};
    assertEquals(-1, InputCheck.firstNonFinite(v));
    assertEquals(-1, InputCheck.firstNonFinite(new float[0]));
  }

  @Test
  void namesTheFirstNonFiniteValueAtEveryPlace() {
    SplittableRandom random = new SplittableRandom(7);
    for (int length : new int[] {1, 7, 8, 9, 1023, 1024, 1025, 3000}) {
      float[] v = new float[length];
      for (int i = 0; i < length; i++) {
        v[i] = (float) (random.nextDouble() * 2e38 - 1e38);
      }
      assertEquals(-1, InputCheck.firstNonFinite(v), "length " + length);
      for (int at = 0; at < length; at += 1 + at / 3) {
        float[] w = v.clone();
        w[at] = BAD[at % 3];
        if (at + 5 < length) {
          w[at + 5] = Float.NaN;
        }
        assertEquals(at, InputCheck.firstNonFinite(w), "length " + length + ", bad value at " + at);
      }
      float[] last = v.clone();
      last[length - 1] = Float.NEGATIVE_INFINITY;
      assertEquals(length - 1, InputCheck.firstNonFinite(last), "length " + length + ", last");
    }
  }
}
