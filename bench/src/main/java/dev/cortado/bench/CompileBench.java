package dev.cortado.bench;

import dev.cortado.dsl.Model;
import dev.cortado.optim.Optimizer;
import java.util.Map;
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
 * JMH: the time {@code Model.compile(optimizer)} takes, ms. {@code coldCompileAndFirstStep} is
 * one shot per fresh JVM (the model is defined in the setup; codegen, javac and class loading are
 * cold) and includes the first training step; {@code secondCompile} compiles the same model again
 * in a warm JVM, which the codegen's cache should answer. Run: {@code java -jar
 * bench/target/benchmarks.jar CompileBench}.
 */
@State(Scope.Thread)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CompileBench {
  /** The model's label, see {@link BenchModel#label()}. */
  @Param({"tiny", "small", "mnist"})
  public String model;

  private Model defined;
  private Optimizer optimizer;
  private Map<String, float[]> inputs;

  /** Defines the model with the DSL and draws its batch. */
  @Setup
  public void setup() {
    BenchModel m = BenchModel.of(model);
    defined = CortadoModels.define(m);
    optimizer = CortadoModels.optimizer(m);
    Batch batch = m.batch(42);
    inputs = Map.of("x", batch.flatX(), "y", batch.flatY());
  }

  /** Compile in a cold JVM, then one training step. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 0)
  @Measurement(iterations = 1)
  @Fork(5)
  public double coldCompileAndFirstStep() {
    return defined.compile(optimizer).trainStepFloats(inputs);
  }

  /** Compile the same model again in a warm JVM. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 3, time = 2)
  @Fork(1)
  public Object secondCompile() {
    return defined.compile(optimizer);
  }
}
