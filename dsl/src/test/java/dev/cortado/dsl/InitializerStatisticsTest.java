package dev.cortado.dsl;

import static dev.cortado.dsl.Initializers.Distribution.TRUNCATED_NORMAL;
import static dev.cortado.dsl.Initializers.Distribution.UNIFORM;
import static dev.cortado.dsl.Initializers.Distribution.UNTRUNCATED_NORMAL;
import static dev.cortado.dsl.Initializers.FanMode.FAN_AVG;
import static dev.cortado.dsl.Initializers.FanMode.FAN_IN;
import static dev.cortado.dsl.Initializers.FanMode.FAN_OUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.RealDistribution;
import org.apache.commons.math3.distribution.UniformRealDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sample moments of large draws against the formulas. A sample mean must lie within 5 standard errors
 * ({@code sqrt(m2 / n)}) of the expected mean, a sample variance within 5 standard errors
 * ({@code sqrt((m4 - m2^2) / n)}, from the sample's own fourth moment) of the expected variance.
 */
class InitializerStatisticsTest {
  private static final int[] KERNEL = {300, 200}; // fanIn 300, fanOut 200, 60,000 values
  private static final int[] CONV = {3, 3, 16, 32}; // fanIn 144, fanOut 288, 4,608 values

  static Stream<Arguments> varianceScaling() {
    return Stream.of(
        Arguments.of(UNIFORM, Initializers.glorotUniform(), KERNEL, 2.0 / 500),
        Arguments.of(TRUNCATED_NORMAL, Initializers.glorotNormal(), KERNEL, 2.0 / 500),
        Arguments.of(TRUNCATED_NORMAL, Initializers.heNormal(), KERNEL, 2.0 / 300),
        Arguments.of(UNIFORM, Initializers.heUniform(), KERNEL, 2.0 / 300),
        Arguments.of(TRUNCATED_NORMAL, Initializers.lecunNormal(), KERNEL, 1.0 / 300),
        Arguments.of(UNIFORM, Initializers.lecunUniform(), KERNEL, 1.0 / 300),
        Arguments.of(UNTRUNCATED_NORMAL, Initializers.varianceScaling(3.0, FAN_OUT, UNTRUNCATED_NORMAL), KERNEL, 3.0 / 200),
        Arguments.of(TRUNCATED_NORMAL, Initializers.varianceScaling(0.5, FAN_OUT, TRUNCATED_NORMAL), KERNEL, 0.5 / 200),
        Arguments.of(UNTRUNCATED_NORMAL, Initializers.varianceScaling(2.0, FAN_AVG, UNTRUNCATED_NORMAL), KERNEL, 2.0 / 250),
        Arguments.of(UNIFORM, Initializers.varianceScaling(1.0, FAN_OUT, UNIFORM), CONV, 1.0 / 288),
        Arguments.of(TRUNCATED_NORMAL, Initializers.heNormal(), CONV, 2.0 / 144),
        Arguments.of(UNIFORM, Initializers.glorotUniform(), CONV, 2.0 / (144 + 288)),
        Arguments.of(UNTRUNCATED_NORMAL, Initializers.varianceScaling(4.0, FAN_IN, UNTRUNCATED_NORMAL), new int[] {5000}, 4.0 / 5000));
  }

  @ParameterizedTest(name = "{1} on {2}")
  @MethodSource
  void varianceScaling(Initializers.Distribution kind, Initializer init, int[] shape, double variance) {
    double[] v = init.initialize(shape, new Well19937c(11));
    assertEquals(product(shape), v.length);
    assertMoments(init + "", v, 0.0, variance);
    double max = Arrays.stream(v).map(Math::abs).max().orElseThrow();
    if (kind == UNIFORM) {
      double limit = Math.sqrt(3 * variance);
      assertTrue(max <= limit && max > 0.98 * limit, init + ": max |w| " + max + " vs limit " + limit);
    } else if (kind == TRUNCATED_NORMAL) {
      double bound = 2 * Math.sqrt(variance) / Initializers.TRUNCATED_STDDEV_CORRECTION;
      assertTrue(max <= bound && max > 0.97 * bound, init + ": max |w| " + max + " vs bound " + bound);
    } else {
      assertTrue(max > 3 * Math.sqrt(variance), init + " looks truncated: max |w| " + max);
    }
  }

  @Test
  void truncatedNormalStaysWithinTwoStddevsAndHasTheTruncatedVariance() {
    double mean = 1.5, stddev = 0.3;
    double[] v = Initializers.truncatedNormal(mean, stddev).initialize(new int[] {200, 250}, new Well19937c(5));
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    assertTrue(lo >= mean - 2 * stddev && lo < mean - 1.95 * stddev, "min " + lo);
    assertTrue(hi <= mean + 2 * stddev && hi > mean + 1.95 * stddev, "max " + hi);
    double sd = Initializers.TRUNCATED_STDDEV_CORRECTION * stddev;
    assertMoments("truncatedNormal", v, mean, sd * sd);
  }

  @Test
  void correctionIsTheStddevOfAStandardNormalTruncatedAtTwo() {
    NormalDistribution n = new NormalDistribution(new Well19937c(1), 0, 1);
    double z = n.cumulativeProbability(2) - n.cumulativeProbability(-2);
    double variance = 1 - 2 * 2 * n.density(2) / z;
    assertEquals(Math.sqrt(variance), Initializers.TRUNCATED_STDDEV_CORRECTION, 1e-15);
  }

  @Test
  void uniformAndNormalFollowTheirDistributions() {
    int[] shape = {100, 200};
    Well19937c ref = new Well19937c(3);
    checkKs(Initializers.uniform(-0.3, 0.7), shape, new UniformRealDistribution(ref, -0.3, 0.7));
    checkKs(Initializers.uniform(), shape, new UniformRealDistribution(ref, -0.05, 0.05));
    checkKs(Initializers.normal(2.0, 0.5), shape, new NormalDistribution(ref, 2.0, 0.5));
    checkKs(Initializers.normal(), shape, new NormalDistribution(ref, 0, 0.05));
    checkKs(Initializers.varianceScaling(2, FAN_IN, UNTRUNCATED_NORMAL), shape,
        new NormalDistribution(ref, 0, Math.sqrt(2.0 / 100)));
    checkKs(Initializers.heUniform(), shape,
        new UniformRealDistribution(ref, -Math.sqrt(6.0 / 100), Math.sqrt(6.0 / 100)));
  }

  @Test
  void degenerateDistributionsAreConstant() {
    double[] u = Initializers.uniform(0.25, 0.25).initialize(new int[] {4}, new Well19937c(1));
    double[] n = Initializers.normal(-1, 0).initialize(new int[] {2, 2}, new Well19937c(1));
    double[] t = Initializers.truncatedNormal(3, 0).initialize(new int[] {}, new Well19937c(1));
    assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25}, u);
    assertArrayEquals(new double[] {-1, -1, -1, -1}, n);
    assertArrayEquals(new double[] {3}, t);
  }

  private static void checkKs(Initializer init, int[] shape, RealDistribution expected) {
    double[] v = init.initialize(shape, new Well19937c(17));
    double p = new KolmogorovSmirnovTest(new Well19937c(1)).kolmogorovSmirnovTest(expected, v);
    assertTrue(p > 1e-4, init + ": Kolmogorov-Smirnov p = " + p);
  }

  private static void assertMoments(String what, double[] v, double mean, double variance) {
    int n = v.length;
    double m = 0;
    for (double x : v) m += x;
    m /= n;
    double m2 = 0, m4 = 0;
    for (double x : v) {
      double d = (x - m) * (x - m);
      m2 += d;
      m4 += d * d;
    }
    m2 /= n;
    m4 /= n;
    double meanError = 5 * Math.sqrt(m2 / n);
    double varianceError = 5 * Math.sqrt((m4 - m2 * m2) / n);
    assertEquals(mean, m, meanError, what + ": sample mean");
    assertEquals(variance, m2, varianceError, what + ": sample variance");
  }

  private static int product(int[] shape) {
    int p = 1;
    for (int d : shape) p *= d;
    return p;
  }
}
