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
 * JMH: one compiled training step of a convolutional model per invocation, µs/op, on one thread
 * or two. Run: {@code java -jar bench/target/benchmarks.jar CnnStepBench -p model=lenet -p threads=1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class CnnStepBench {
  /** {@link CnnModel#label()}. */
  @Param({"cnn_digits", "lenet"})
  public String model;

  @Param({"1"})
  public int threads;

  private TrainStep step;

  @Setup
  public void setup() {
    CnnModel m = CnnModel.of(model);
    step = m.step(m.define().compile(m.optimizer(), threads));
  }

  @Benchmark
  public double trainStep() {
    return step.run();
  }
}
