package dev.cortado.bench;

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
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: one training step per invocation, µs/op, for every model × implementation. Warm-up is
 * time-based (5 × 2 s): C2 needs a fraction of a second per step method before the step runs at
 * speed. Run: {@code java -jar bench/target/benchmarks.jar StepBench} (all), or {@code -p
 * model=mnist -p impl=hand}. A combination whose implementation does not exist yet (compiled,
 * before the codegen lands) fails its setup and JMH moves on to the next.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class StepBench {
  /** The model's label, see {@link BenchModel#label()}. */
  @Param({"tiny", "small", "mnist"})
  public String model;

  /** The implementation's label, see {@link Impl#label()}. */
  @Param({"compiled", "hand", "hand-vector", "interpreter"})
  public String impl;

  private TrainStep step;

  /** Builds the step once per fork. */
  @Setup
  public void setup() {
    step = Impl.of(impl).create(BenchModel.of(model), 42);
  }

  /** One training step; JMH consumes the loss. */
  @Benchmark
  public double trainStep() {
    return step.run();
  }
}
