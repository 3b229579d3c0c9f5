package dev.cortado.dsl;

import static dev.cortado.dsl.Initializers.Distribution.TRUNCATED_NORMAL;
import static dev.cortado.dsl.Initializers.Distribution.UNIFORM;
import static dev.cortado.dsl.Initializers.FanMode.FAN_AVG;
import static dev.cortado.dsl.Initializers.FanMode.FAN_IN;
import static dev.cortado.dsl.Initializers.FanMode.FAN_OUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class InitializersTest {
  private static final List<Initializer> RANDOM = List.of(Initializers.uniform(), Initializers.normal(),
      Initializers.truncatedNormal(), Initializers.glorotUniform(), Initializers.glorotNormal(),
      Initializers.heNormal(), Initializers.heUniform(), Initializers.lecunNormal(), Initializers.lecunUniform(),
      Initializers.orthogonal(), Initializers.varianceScaling(1.5, FAN_OUT, Initializers.Distribution.UNTRUNCATED_NORMAL));

  @Test
  void fansFollowKeras() {
    assertEquals(new Initializers.Fans(1, 1), Initializers.fans(new int[0]));
    assertEquals(new Initializers.Fans(7, 7), Initializers.fans(new int[] {7}));
    assertEquals(new Initializers.Fans(3, 5), Initializers.fans(new int[] {3, 5}));
    assertEquals(new Initializers.Fans(3 * 3 * 16, 3 * 3 * 32), Initializers.fans(new int[] {3, 3, 16, 32}));
    assertEquals(new Initializers.Fans(24 * 5, 24 * 6), Initializers.fans(new int[] {2, 3, 4, 5, 6}));
  }

  @Test
  void sameSeedAndNameGiveIdenticalValuesDifferentNamesOrSeedsDiffer() {
    int[] shape = {6, 5};
    for (Initializer init : RANDOM) {
      double[] a = init.initialize(shape, Initializers.rngFor(42, "fc1/kernel"));
      double[] b = init.initialize(shape, Initializers.rngFor(42, "fc1/kernel"));
      double[] otherName = init.initialize(shape, Initializers.rngFor(42, "fc2/kernel"));
      double[] otherSeed = init.initialize(shape, Initializers.rngFor(43, "fc1/kernel"));
      assertArrayEquals(a, b, init.toString());
      assertFalse(Arrays.equals(a, otherName), init + ": fc1/kernel and fc2/kernel got the same values");
      assertFalse(Arrays.equals(a, otherSeed), init + ": model seeds 42 and 43 gave the same values");
    }
  }

  @Test
  void seedForUsesTheWholeNameNotItsHashCode() {
    assertEquals("Aa".hashCode(), "BB".hashCode());
    assertNotEquals(Initializers.seedFor(0, "Aa"), Initializers.seedFor(0, "BB"));
    assertNotEquals(Initializers.seedFor(1L << 40, "w"), Initializers.seedFor(0, "w")); // high seed bits count
    assertNotEquals(Initializers.seedFor(7, "w"), Initializers.seedFor(7, "w "));
  }

  @Test
  void fnv1aMatchesThePublishedTestVectors() {
    assertEquals(0xcbf29ce484222325L, fnv(""));
    assertEquals(0xaf63dc4c8601ec8cL, fnv("a"));
    assertEquals(0x85944171f73967e8L, fnv("foobar"));
  }

  /** seedFor is the documented formula of two published functions, so other tools can reproduce it. */
  @Test
  void seedForIsTheDocumentedFormula() {
    long expected = Initializers.mix64(42L ^ Initializers.mix64(fnv("fc1/kernel")));
    assertEquals(expected, Initializers.seedFor(42, "fc1/kernel"));
    // the JDK's SplittableRandom(s).nextLong() is SplitMix64's finalizer of s + the golden gamma
    for (long s : new long[] {0, 1, -7, 1L << 50}) {
      assertEquals(new SplittableRandom(s).nextLong(), Initializers.mix64(s + 0x9e3779b97f4a7c15L));
    }
  }

  @Test
  void constantsFillEveryValue() {
    assertArrayEquals(new double[6], Initializers.zeros().initialize(new int[] {2, 3}, new Well19937c(1)));
    assertArrayEquals(new double[] {1, 1, 1}, Initializers.ones().initialize(new int[] {3}, new Well19937c(1)));
    assertArrayEquals(new double[] {0.5}, Initializers.constant(0.5).initialize(new int[0], new Well19937c(1)));
    assertEquals(0, Initializers.glorotUniform().initialize(new int[] {0, 5}, new Well19937c(1)).length);
  }

  @Test
  void toStringIsReadableAndNamedVariantsAreValues() {
    assertEquals("zeros", Initializers.zeros().toString());
    assertEquals("ones", Initializers.ones().toString());
    assertEquals("constant(0.5)", Initializers.constant(0.5).toString());
    assertEquals("uniform(min=-0.05, max=0.05)", Initializers.uniform().toString());
    assertEquals("normal(mean=0.0, stddev=0.05)", Initializers.normal().toString());
    assertEquals("truncatedNormal(mean=1.0, stddev=2.0)", Initializers.truncatedNormal(1, 2).toString());
    assertEquals("glorotUniform", Initializers.glorotUniform().toString());
    assertEquals("glorotNormal", Initializers.glorotNormal().toString());
    assertEquals("heNormal", Initializers.heNormal().toString());
    assertEquals("heUniform", Initializers.heUniform().toString());
    assertEquals("lecunNormal", Initializers.lecunNormal().toString());
    assertEquals("lecunUniform", Initializers.lecunUniform().toString());
    assertEquals("orthogonal", Initializers.orthogonal().toString());
    assertEquals("orthogonal(gain=2.0)", Initializers.orthogonal(2).toString());
    assertEquals("varianceScaling(scale=2.0, mode=FAN_OUT, distribution=UNIFORM)",
        Initializers.varianceScaling(2, FAN_OUT, UNIFORM).toString());
    assertEquals(Initializers.heNormal(), Initializers.varianceScaling(2, FAN_IN, TRUNCATED_NORMAL));
    assertEquals(Initializers.glorotUniform(), Initializers.varianceScaling(1, FAN_AVG, UNIFORM));
    assertEquals(Initializers.zeros(), Initializers.constant(0));
    assertNotEquals(Initializers.heNormal(), Initializers.heUniform());
  }

  @Test
  void badArgumentsNameTheInitializerAndTheValue() {
    rejects(() -> Initializers.normal(0, -1), "normal", "-1.0");
    rejects(() -> Initializers.normal(Double.NaN, 1), "normal", "NaN");
    rejects(() -> Initializers.truncatedNormal(0, Double.POSITIVE_INFINITY), "truncatedNormal", "Infinity");
    rejects(() -> Initializers.uniform(1, 0), "uniform", "min=1.0, max=0.0");
    rejects(() -> Initializers.constant(Double.NaN), "constant", "NaN");
    rejects(() -> Initializers.varianceScaling(0, FAN_IN, UNIFORM), "varianceScaling", "0.0");
    rejects(() -> Initializers.varianceScaling(1, null, UNIFORM), "varianceScaling", "mode");
    rejects(() -> Initializers.varianceScaling(1, FAN_IN, null), "varianceScaling", "distribution");
    rejects(() -> Initializers.heNormal().initialize(new int[] {3, -2}, new Well19937c(1)), "heNormal", "[3, -2]");
    rejects(() -> Initializers.zeros().initialize(null, new Well19937c(1)), "zeros", "null");
    rejects(() -> Initializers.normal().initialize(new int[] {65536, 65536}, new Well19937c(1)),
        "normal", "[65536, 65536]");
  }

  private static void rejects(Executable call, String initializer, String value) {
    var e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(initializer) && e.getMessage().contains(value), e.getMessage());
  }

  private static long fnv(String s) {
    return Initializers.fnv1a64(s.getBytes(StandardCharsets.UTF_8));
  }
}
