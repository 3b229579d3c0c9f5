package dev.cortado.bench;

import java.io.IOException;
import java.nio.file.Path;
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
 * JMH: {@code Model.compile(optimizer)} plus the first step in a fresh JVM whose on-disk class
 * cache ({@code -Dcortado.cache=DIR}) already holds the model's class, ms, one shot per fork: what
 * an application pays at its second and later launches. The setup fills the cache from a child
 * JVM (so this fork stays cold), in {@code <java.io.tmpdir>/cortado-bench-cache}. Compare with
 * {@link CompileBench#coldCompileAndFirstStep}. Run: {@code java -jar bench/target/benchmarks.jar
 * CachedCompileBench -p model=mnist -f 15}.
 */
@State(Scope.Thread)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CachedCompileBench {
  /** The model's label, see {@link BenchModel#label()}. */
  @Param({"tiny", "small", "mnist"})
  public String model;

  /** The cold benchmark's model, optimizer and batch, run here with the cache in place. */
  private final CompileBench cold = new CompileBench();

  /** Fills the cache from a child JVM, then defines the model and draws its batch here. */
  @Setup
  public void setup() throws IOException, InterruptedException {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "cortado-bench-cache");
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Dcortado.cache=" + dir, Fill.class.getName(), model)
        .inheritIO().start();
    if (child.waitFor() != 0) {
      throw new IllegalStateException("filling the class cache failed: exit " + child.exitValue());
    }
    System.setProperty("cortado.cache", dir.toString());
    cold.model = model;
    cold.setup();
  }

  /** Compile with the class on disk in a cold JVM, then one training step. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 0)
  @Measurement(iterations = 1)
  @Fork(5)
  public double cachedCompileAndFirstStep() {
    return cold.coldCompileAndFirstStep();
  }

  /** The child JVM of the setup: compiles the model once, which writes (or finds) its cache entry. */
  public static final class Fill {
    private Fill() {}

    public static void main(String[] args) {
      BenchModel m = BenchModel.of(args[0]);
      Batch batch = m.batch(42);
      CortadoModels.define(m).compile(CortadoModels.optimizer(m))
          .trainStepFloats(Map.of("x", batch.flatX(), "y", batch.flatY()));
    }
  }
}
