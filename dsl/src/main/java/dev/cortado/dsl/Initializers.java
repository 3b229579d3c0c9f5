package dev.cortado.dsl;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.UniformRealDistribution;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * The built-in {@link Initializer}s, with TensorFlow/Keras semantics and defaults, and the seeding rule
 * that makes a model initialize identically on every run.
 *
 * <p><b>Fans</b> ({@link #fans(int[])}), as TensorFlow/Keras compute them: a scalar has
 * {@code fanIn = fanOut = 1}; a 1-D shape {@code [n]} has {@code fanIn = fanOut = n}; a 2-D shape
 * {@code [in, out]} has {@code fanIn = in, fanOut = out}; a shape {@code [k1, ..., kr, in, out]} (e.g. a
 * convolution kernel {@code [h, w, in, out]}) has {@code fanIn = in * k1 * ... * kr} and
 * {@code fanOut = out * k1 * ... * kr}.
 *
 * <p>Values are drawn in row-major order, one after another, from the generator passed to
 * {@link Initializer#initialize}; every distribution is built on that generator, never on a clock seed.
 * Arguments are checked when the initializer is made, shapes when it is applied; both throw
 * {@link IllegalArgumentException} naming the initializer and the offending value.
 */
public final class Initializers {
  /**
   * The standard deviation of a standard normal truncated to [-2, 2], {@code sqrt(1 - 4 phi(2) / (2 Phi(2)
   * - 1))}; the truncated variance-scaling variants divide their stddev by it (as Keras does) so that the
   * values keep the intended variance.
   */
  public static final double TRUNCATED_STDDEV_CORRECTION = .87962566103423978;

  private Initializers() {}

  /** Which fan {@link #varianceScaling} divides the scale by. */
  public enum FanMode {
    /** {@code n = fanIn}. */
    FAN_IN,
    /** {@code n = fanOut}. */
    FAN_OUT,
    /** {@code n = (fanIn + fanOut) / 2}. */
    FAN_AVG
  }

  /** The distribution {@link #varianceScaling} draws from, for {@code s = scale / max(1, n)}. */
  public enum Distribution {
    /** Normal with {@code stddev = sqrt(s) / .87962566103423978}, re-drawn beyond 2 stddev (variance s). */
    TRUNCATED_NORMAL,
    /** Normal with {@code stddev = sqrt(s)}. */
    UNTRUNCATED_NORMAL,
    /** Uniform in {@code [-limit, limit]} with {@code limit = sqrt(3 s)}. */
    UNIFORM
  }

  /** The fans of a shape, see the class comment. */
  public record Fans(long fanIn, long fanOut) {}

  /**
   * Returns the fans of a batch-free shape, following TensorFlow/Keras (see the class comment).
   *
   * @param shape the dimensions, without {@code BATCH}
   * @return {@code fanIn} and {@code fanOut}
   */
  public static Fans fans(int[] shape) {
    checkShape("fans", shape);
    int r = shape.length;
    if (r == 0) return new Fans(1, 1);
    if (r == 1) return new Fans(shape[0], shape[0]);
    long receptive = 1;
    for (int i = 0; i < r - 2; i++) receptive *= shape[i];
    return new Fans(shape[r - 2] * receptive, shape[r - 1] * receptive);
  }

  // ---- seeding -------------------------------------------------------------------------------------

  /**
   * The seed of one variable's generator:
   * {@code mix64(modelSeed ^ mix64(fnv1a64(utf8(variableName))))}, where {@code fnv1a64} is 64-bit FNV-1a
   * (offset basis {@code 0xcbf29ce484222325}, prime {@code 0x100000001b3}) over the UTF-8 bytes of the full
   * name and {@code mix64} is SplitMix64's finalizer ({@code z ^= z >>> 30; z *= 0xbf58476d1ce4e5b9L;
   * z ^= z >>> 27; z *= 0x94d049bb133111ebL; z ^= z >>> 31}). The result is stable across JVMs and
   * releases, depends on every character of the name (names with equal {@code String.hashCode()}, such as
   * {@code "Aa"} and {@code "BB"}, get different seeds) and on all 64 bits of the model seed.
   *
   * @param modelSeed the model's seed
   * @param variableName the variable's full name
   * @return the seed
   */
  public static long seedFor(long modelSeed, String variableName) {
    Objects.requireNonNull(variableName, "variableName");
    return mix64(modelSeed ^ mix64(fnv1a64(variableName.getBytes(StandardCharsets.UTF_8))));
  }

  /**
   * A fresh {@link Well19937c} seeded with {@link #seedFor seedFor(modelSeed, name)}.
   *
   * @param modelSeed the model's seed
   * @param name the variable's full name
   * @return a new generator
   */
  public static RandomGenerator rngFor(long modelSeed, String name) {
    return new Well19937c(seedFor(modelSeed, name));
  }

  static long fnv1a64(byte[] bytes) {
    long h = 0xcbf29ce484222325L;
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  // ---- constants -----------------------------------------------------------------------------------

  /**
   * All values {@code 0}. Printed {@code zeros}.
   *
   * @return an initializer for any shape (PyTorch's {@code nn.init.zeros_})
   */
  public static Initializer zeros() {
    return new Constant(0.0);
  }

  /**
   * All values {@code 1}. Printed {@code ones}.
   *
   * @return an initializer for any shape (PyTorch's {@code nn.init.ones_})
   */
  public static Initializer ones() {
    return new Constant(1.0);
  }

  /**
   * All values {@code value} (finite). Printed {@code constant(value)}.
   *
   * @param value the value of every element
   * @return the initializer
   * @throws IllegalArgumentException if {@code value} is not finite
   */
  public static Initializer constant(double value) {
    if (!Double.isFinite(value)) throw bad("constant", "value must be finite, got " + value);
    return new Constant(value);
  }

  // ---- plain distributions ------------------------------------------------------------------------

  /**
   * {@link #uniform(double, double) uniform(-0.05, 0.05)}, Keras's {@code RandomUniform()} default.
   *
   * @return {@code uniform(-0.05, 0.05)}
   */
  public static Initializer uniform() {
    return uniform(-0.05, 0.05);
  }

  /**
   * Uniform in {@code [min, max]}: {@code w ~ U(min, max)}, mean {@code (min + max) / 2}, variance
   * {@code (max - min)^2 / 12}. Requires finite {@code min <= max}.
   *
   * @param min the lower bound
   * @param max the upper bound
   * @return the initializer (PyTorch's {@code nn.init.uniform_(w, min, max)})
   * @throws IllegalArgumentException unless finite {@code min <= max}
   */
  public static Initializer uniform(double min, double max) {
    if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
      throw bad("uniform", "needs finite min <= max, got min=" + min + ", max=" + max);
    }
    return new Uniform(min, max);
  }

  /**
   * {@link #normal(double, double) normal(0, 0.05)}, Keras's {@code RandomNormal()} default.
   *
   * @return {@code normal(0, 0.05)}
   */
  public static Initializer normal() {
    return normal(0.0, 0.05);
  }

  /**
   * Normal: {@code w ~ N(mean, stddev^2)}. Requires a finite mean and a finite {@code stddev >= 0}.
   *
   * @param mean the mean
   * @param stddev the standard deviation
   * @return the initializer (PyTorch's {@code nn.init.normal_(w, mean, stddev)})
   * @throws IllegalArgumentException if {@code mean} is not finite or {@code stddev} is negative or
   *     not finite
   */
  public static Initializer normal(double mean, double stddev) {
    checkNormal("normal", mean, stddev);
    return new Normal(mean, stddev);
  }

  /**
   * {@link #truncatedNormal(double, double) truncatedNormal(0, 0.05)}, Keras's default.
   *
   * @return {@code truncatedNormal(0, 0.05)}
   */
  public static Initializer truncatedNormal() {
    return truncatedNormal(0.0, 0.05);
  }

  /**
   * Truncated normal, as TensorFlow's {@code truncated_normal} and Keras's {@code TruncatedNormal}: draws
   * from {@code N(mean, stddev^2)} and re-draws every value outside {@code [mean - 2 stddev, mean + 2
   * stddev]}. The values have mean {@code mean} and standard deviation {@code .87962566103423978 * stddev}
   * (no correction here; the variance-scaling variants apply one). Requires a finite mean and a finite
   * {@code stddev >= 0}.
   *
   * @param mean the mean
   * @param stddev the standard deviation before truncation
   * @return the initializer (the distribution of PyTorch's {@code nn.init.trunc_normal_(w, mean,
   *     stddev, mean - 2·stddev, mean + 2·stddev)})
   * @throws IllegalArgumentException if {@code mean} is not finite or {@code stddev} is negative or
   *     not finite
   */
  public static Initializer truncatedNormal(double mean, double stddev) {
    checkNormal("truncatedNormal", mean, stddev);
    return new TruncatedNormal(mean, stddev);
  }

  // ---- variance scaling ---------------------------------------------------------------------------

  /**
   * Variance scaling, as Keras's {@code VarianceScaling}: with {@code n} the fan that {@code mode} picks
   * and {@code s = scale / max(1, n)}, draws values of mean 0 and variance {@code s} from
   * {@code distribution}: a truncated normal with {@code stddev = sqrt(s) / .87962566103423978}, an
   * untruncated normal with {@code stddev = sqrt(s)}, or a uniform in {@code [-sqrt(3 s), sqrt(3 s)]}.
   * Requires a finite {@code scale > 0}.
   *
   * @param scale the variance numerator, finite and positive (2 for ReLU layers)
   * @param mode the fan {@code n} divides by
   * @param distribution the distribution drawn from
   * @return the initializer
   * @throws IllegalArgumentException if {@code scale} is not finite and positive
   */
  public static Initializer varianceScaling(double scale, FanMode mode, Distribution distribution) {
    if (!Double.isFinite(scale) || scale <= 0) {
      throw bad("varianceScaling", "scale must be finite and > 0, got " + scale);
    }
    if (mode == null) throw bad("varianceScaling", "mode must be FAN_IN, FAN_OUT or FAN_AVG, got null");
    if (distribution == null) throw bad("varianceScaling", "distribution must not be null");
    return new VarianceScaling(scale, mode, distribution);
  }

  /**
   * Glorot (Xavier) uniform, the default: uniform in {@code [-limit, limit]} with
   * {@code limit = sqrt(6 / (fanIn + fanOut))}; {@code varianceScaling(1, FAN_AVG, UNIFORM)}.
   *
   * @return the initializer (PyTorch's {@code xavier_uniform_})
   */
  public static Initializer glorotUniform() {
    return new VarianceScaling(1.0, FanMode.FAN_AVG, Distribution.UNIFORM);
  }

  /**
   * Glorot (Xavier) normal: truncated normal centred on 0 with
   * {@code stddev = sqrt(2 / (fanIn + fanOut)) / .87962566103423978}, so the values have variance
   * {@code 2 / (fanIn + fanOut)}; {@code varianceScaling(1, FAN_AVG, TRUNCATED_NORMAL)}.
   *
   * @return the initializer (PyTorch's {@code xavier_normal_} has the same variance, untruncated)
   */
  public static Initializer glorotNormal() {
    return new VarianceScaling(1.0, FanMode.FAN_AVG, Distribution.TRUNCATED_NORMAL);
  }

  /**
   * He normal: truncated normal centred on 0 with {@code stddev = sqrt(2 / fanIn) / .87962566103423978},
   * so the values have variance {@code 2 / fanIn}; {@code varianceScaling(2, FAN_IN, TRUNCATED_NORMAL)}.
   *
   * @return the initializer (PyTorch's {@code kaiming_normal_} has the same variance, untruncated)
   */
  public static Initializer heNormal() {
    return new VarianceScaling(2.0, FanMode.FAN_IN, Distribution.TRUNCATED_NORMAL);
  }

  /**
   * He uniform: uniform in {@code [-limit, limit]} with {@code limit = sqrt(6 / fanIn)};
   * {@code varianceScaling(2, FAN_IN, UNIFORM)}.
   *
   * @return the initializer (PyTorch's {@code kaiming_uniform_} with fan-in and ReLU gain)
   */
  public static Initializer heUniform() {
    return new VarianceScaling(2.0, FanMode.FAN_IN, Distribution.UNIFORM);
  }

  /**
   * LeCun normal: truncated normal centred on 0 with {@code stddev = sqrt(1 / fanIn) / .87962566103423978},
   * so the values have variance {@code 1 / fanIn}; {@code varianceScaling(1, FAN_IN, TRUNCATED_NORMAL)}.
   *
   * @return the initializer, the usual one for SELU layers
   */
  public static Initializer lecunNormal() {
    return new VarianceScaling(1.0, FanMode.FAN_IN, Distribution.TRUNCATED_NORMAL);
  }

  /**
   * LeCun uniform: uniform in {@code [-limit, limit]} with {@code limit = sqrt(3 / fanIn)};
   * {@code varianceScaling(1, FAN_IN, UNIFORM)}.
   *
   * @return the initializer
   */
  public static Initializer lecunUniform() {
    return new VarianceScaling(1.0, FanMode.FAN_IN, Distribution.UNIFORM);
  }

  // ---- orthogonal ---------------------------------------------------------------------------------

  /**
   * {@link #orthogonal(double) orthogonal(1.0)}.
   *
   * @return the initializer (PyTorch's {@code nn.init.orthogonal_})
   */
  public static Initializer orthogonal() {
    return new Orthogonal(1.0);
  }

  /**
   * Orthogonal (Saxe et al. 2014), as Keras's {@code Orthogonal}: for a shape of rank >= 2, viewed as a
   * {@code rows x cols} matrix with {@code cols} the last dimension and {@code rows} the product of the
   * others, draws a {@code max(rows, cols) x min(rows, cols)} matrix {@code A} of standard normals
   * (row-major), takes its thin QR decomposition {@code A = QR}, flips each column of {@code Q} by the sign
   * of {@code R}'s diagonal (so the result is uniformly distributed), transposes when {@code rows < cols},
   * and multiplies by {@code gain}. The result {@code W} has {@code W^T W = gain^2 I} (tall or square) or
   * {@code W W^T = gain^2 I} (wide). Requires a finite gain; rejects scalars and 1-D shapes.
   *
   * @param gain the factor the orthogonal matrix is multiplied by, finite
   * @return the initializer
   * @throws IllegalArgumentException if {@code gain} is not finite
   */
  public static Initializer orthogonal(double gain) {
    if (!Double.isFinite(gain)) throw bad("orthogonal", "gain must be finite, got " + gain);
    return new Orthogonal(gain);
  }

  // ---- implementations ----------------------------------------------------------------------------

  private record Constant(double value) implements Initializer {
    @Override
    public double[] initialize(int[] shape, RandomGenerator rng) {
      double[] v = new double[size(toString(), shape)];
      Arrays.fill(v, value);
      return v;
    }

    @Override
    public String toString() {
      if (Double.compare(value, 0.0) == 0) return "zeros";
      if (value == 1.0) return "ones";
      return "constant(" + value + ")";
    }
  }

  private record Uniform(double min, double max) implements Initializer {
    @Override
    public double[] initialize(int[] shape, RandomGenerator rng) {
      return sampleUniform(size("uniform", shape), min, max, rng);
    }

    @Override
    public String toString() {
      return "uniform(min=" + min + ", max=" + max + ")";
    }
  }

  private record Normal(double mean, double stddev) implements Initializer {
    @Override
    public double[] initialize(int[] shape, RandomGenerator rng) {
      return sampleNormal(size("normal", shape), mean, stddev, rng);
    }

    @Override
    public String toString() {
      return "normal(mean=" + mean + ", stddev=" + stddev + ")";
    }
  }

  private record TruncatedNormal(double mean, double stddev) implements Initializer {
    @Override
    public double[] initialize(int[] shape, RandomGenerator rng) {
      return sampleTruncatedNormal(size("truncatedNormal", shape), mean, stddev, rng);
    }

    @Override
    public String toString() {
      return "truncatedNormal(mean=" + mean + ", stddev=" + stddev + ")";
    }
  }

  private record VarianceScaling(double scale, FanMode mode, Distribution distribution) implements Initializer {
    @Override
    public double[] initialize(int[] shape, RandomGenerator rng) {
      int size = size(toString(), shape);
      Fans f = fans(shape);
      double n = switch (mode) {
        case FAN_IN -> f.fanIn();
        case FAN_OUT -> f.fanOut();
        case FAN_AVG -> (f.fanIn() + f.fanOut()) / 2.0;
      };
      double s = scale / Math.max(1.0, n);
      return switch (distribution) {
        case TRUNCATED_NORMAL -> sampleTruncatedNormal(size, 0.0, Math.sqrt(s) / TRUNCATED_STDDEV_CORRECTION, rng);
        case UNTRUNCATED_NORMAL -> sampleNormal(size, 0.0, Math.sqrt(s), rng);
        case UNIFORM -> sampleUniform(size, -Math.sqrt(3 * s), Math.sqrt(3 * s), rng);
      };
    }

    @Override
    public String toString() {
      boolean uniform = distribution == Distribution.UNIFORM;
      boolean truncated = distribution == Distribution.TRUNCATED_NORMAL;
      if (uniform || truncated) {
        String kind = uniform ? "Uniform" : "Normal";
        if (scale == 1.0 && mode == FanMode.FAN_AVG) return "glorot" + kind;
        if (scale == 2.0 && mode == FanMode.FAN_IN) return "he" + kind;
        if (scale == 1.0 && mode == FanMode.FAN_IN) return "lecun" + kind;
      }
      return "varianceScaling(scale=" + scale + ", mode=" + mode + ", distribution=" + distribution + ")";
    }
  }

  private record Orthogonal(double gain) implements Initializer {
    @Override
    public double[] initialize(int[] shape, RandomGenerator rng) {
      int size = size(toString(), shape);
      if (shape.length < 2) {
        throw bad(toString(), "needs a shape of rank >= 2, got " + Arrays.toString(shape));
      }
      int cols = shape[shape.length - 1];
      int rows = size == 0 ? 0 : size / cols;
      double[] w = new double[size];
      if (size == 0) return w;
      int m = Math.max(rows, cols);
      int n = Math.min(rows, cols);
      double[][] a = new double[m][n];
      for (double[] row : a) {
        for (int j = 0; j < n; j++) row[j] = rng.nextGaussian();
      }
      QRDecomposition qr = new QRDecomposition(new Array2DRowRealMatrix(a, false));
      RealMatrix q = qr.getQ();
      RealMatrix r = qr.getR();
      for (int j = 0; j < n; j++) {
        double sign = r.getEntry(j, j) < 0 ? -gain : gain;
        for (int i = 0; i < m; i++) {
          double v = q.getEntry(i, j) * sign;
          if (rows >= cols) w[i * cols + j] = v;
          else w[j * cols + i] = v;
        }
      }
      return w;
    }

    @Override
    public String toString() {
      return gain == 1.0 ? "orthogonal" : "orthogonal(gain=" + gain + ")";
    }
  }

  // ---- sampling and checks ------------------------------------------------------------------------

  private static double[] sampleUniform(int size, double min, double max, RandomGenerator rng) {
    double[] v = new double[size];
    if (min == max) {
      Arrays.fill(v, min);
      return v;
    }
    UniformRealDistribution d = new UniformRealDistribution(rng, min, max);
    for (int i = 0; i < size; i++) v[i] = d.sample();
    return v;
  }

  private static double[] sampleNormal(int size, double mean, double stddev, RandomGenerator rng) {
    double[] v = new double[size];
    if (stddev == 0) {
      Arrays.fill(v, mean);
      return v;
    }
    NormalDistribution d = new NormalDistribution(rng, mean, stddev);
    for (int i = 0; i < size; i++) v[i] = d.sample();
    return v;
  }

  private static double[] sampleTruncatedNormal(int size, double mean, double stddev, RandomGenerator rng) {
    double[] v = new double[size];
    if (stddev == 0) {
      Arrays.fill(v, mean);
      return v;
    }
    NormalDistribution d = new NormalDistribution(rng, mean, stddev);
    double lo = mean - 2 * stddev;
    double hi = mean + 2 * stddev;
    for (int i = 0; i < size; i++) {
      double x;
      do {
        x = d.sample();
      } while (x < lo || x > hi);
      v[i] = x;
    }
    return v;
  }

  private static void checkNormal(String name, double mean, double stddev) {
    if (!Double.isFinite(mean)) throw bad(name, "mean must be finite, got " + mean);
    if (!Double.isFinite(stddev) || stddev < 0) {
      throw bad(name, "stddev must be finite and >= 0, got " + stddev);
    }
  }

  private static void checkShape(String name, int[] shape) {
    if (shape == null) throw bad(name, "shape must not be null");
    for (int d : shape) {
      if (d < 0) throw bad(name, "shape has a negative dimension: " + Arrays.toString(shape));
    }
  }

  /** The number of values of {@code shape}, checked: no negative dimension, at most 2^31 - 9 values. */
  private static int size(String name, int[] shape) {
    checkShape(name, shape);
    long n = 1;
    for (int d : shape) {
      n *= d;
      if (n > Integer.MAX_VALUE - 8) {
        throw bad(name, "shape " + Arrays.toString(shape) + " has more values than a Java array can hold");
      }
    }
    return (int) n;
  }

  private static IllegalArgumentException bad(String initializer, String problem) {
    return new IllegalArgumentException("initializer " + initializer + ": " + problem);
  }
}
