package dev.cortado.bench;

import dev.cortado.runtime.Executable;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: one {@code predictFloats} per invocation on a trained model shared by every benchmark
 * thread, µs/op: what a server pays per request. {@code onOneThread} is the cost of the
 * thread-safety contract on a single caller (read lock and an instance of its own per call);
 * {@code onTwoThreads} has two threads predicting at once on the same executable. Run: {@code
 * java -jar bench/target/benchmarks.jar PredictBench -p model=mnist}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PredictBench {
  /** The model's label, see {@link BenchModel#label()}. */
  @Param({"tiny", "small", "mnist"})
  public String model;

  /** {@code compiled} or {@code interpreter}. */
  @Param({"compiled", "interpreter"})
  public String impl;

  private Executable exe;
  private Map<String, float[]> inputs;

  /** Builds the executable once per fork, trains it one step and makes one batch of inputs. */
  @Setup
  public void setup() {
    BenchModel m = BenchModel.of(model);
    dev.cortado.dsl.Model defined = CortadoModels.define(m);
    exe = impl.equals("compiled") ? defined.compile(CortadoModels.optimizer(m))
        : defined.interpret(CortadoModels.optimizer(m));
    int[] sizes = m.sizes();
    SplittableRandom r = new SplittableRandom(42);
    float[] x = new float[m.batch() * sizes[0]];
    float[] y = new float[m.batch() * sizes[sizes.length - 1]];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble();
    }
    for (int b = 0; b < m.batch(); b++) {
      y[b * sizes[sizes.length - 1] + r.nextInt(sizes[sizes.length - 1])] = 1f;
    }
    exe.trainStepFloats(Map.of("x", x, "y", y));
    inputs = Map.of("x", x);
  }

  /** One prediction on one thread. */
  @Benchmark
  public Map<String, float[]> onOneThread() {
    return exe.predictFloats(inputs);
  }

  /** One prediction each on two threads at once, on the same executable. */
  @Benchmark
  @Threads(2)
  public Map<String, float[]> onTwoThreads() {
    return exe.predictFloats(inputs);
  }
}
