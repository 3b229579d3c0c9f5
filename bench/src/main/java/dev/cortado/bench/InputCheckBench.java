package dev.cortado.bench;

import dev.cortado.runtime.InputCheck;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: what checking one step's inputs costs (names, lengths, batch size, and every value
 * finite), for the MNIST-sized batch: {@code x} of 64 × 784 and {@code y} of 64 × 10, as
 * {@code double[]} and as {@code float[]}. Compare with the step itself ({@link StepBench}). Run:
 * {@code java -jar bench/target/benchmarks.jar InputCheckBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class InputCheckBench {
  private static final Map<String, int[]> DECLARED = Map.of("x", new int[] {-1, 784}, "y", new int[] {-1, 10});
  private static final List<String> NEEDED = List.of("x", "y");

  private Map<String, double[]> doubles;
  private Map<String, float[]> floats;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(1);
    double[] x = random.doubles(64 * 784).toArray();
    double[] y = random.doubles(64 * 10).toArray();
    float[] xf = new float[x.length];
    float[] yf = new float[y.length];
    for (int i = 0; i < x.length; i++) {
      xf[i] = (float) x[i];
    }
    for (int i = 0; i < y.length; i++) {
      yf[i] = (float) y[i];
    }
    doubles = Map.of("x", x, "y", y);
    floats = Map.of("x", xf, "y", yf);
  }

  @Benchmark
  public int checkDoubles() {
    return InputCheck.batchSize("mnist", DECLARED, doubles, NEEDED, v -> v.length);
  }

  @Benchmark
  public int checkFloats() {
    return InputCheck.batchSize("mnist", DECLARED, floats, NEEDED, v -> v.length);
  }
}
