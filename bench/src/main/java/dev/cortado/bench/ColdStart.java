package dev.cortado.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.cortado.codegen.Codegen;
import dev.cortado.codegen.compile.InMemoryCompiler;
import dev.cortado.dsl.Model;
import dev.cortado.optim.Optimizer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;

/**
 * Where a cold {@code compile} plus first step goes, in one fresh JVM per run: the phases that
 * {@code Model.compile(optimizer).trainStepFloats(batch)} runs, timed one by one (step graph,
 * source generation of the first class (the quick-start kernel's where the kernel has one), javac,
 * class loading plus the first step), each as wall time, this
 * thread's CPU time and the whole process's CPU time (JIT compiler and warm-up threads
 * included), in ms. The background javac warm-up starts where {@code Model.compile} starts it.
 * Run: {@code java -cp bench/target/benchmarks.jar dev.cortado.bench.ColdStart [model]}.
 */
public final class ColdStart {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private final StringBuilder out = new StringBuilder();
  private long wall = System.nanoTime();
  private long cpu = THREADS.getCurrentThreadCpuTime();
  private long process = OS.getProcessCpuTime();
  private final long start = wall;

  private ColdStart() {}

  private void phase(String name) {
    long w = System.nanoTime();
    long c = THREADS.getCurrentThreadCpuTime();
    long p = OS.getProcessCpuTime();
    out.append(String.format("%-8s %6d %6d %6d%n", name, (w - wall) / 1_000_000, (c - cpu) / 1_000_000,
        (p - process) / 1_000_000));
    wall = w;
    cpu = c;
    process = p;
  }

  /** Prints one cold run of the model named by the first argument (default mnist). */
  public static void main(String[] args) {
    BenchModel m = BenchModel.of(args.length > 0 ? args[0] : "mnist");
    Model defined = CortadoModels.define(m);
    Optimizer optimizer = CortadoModels.optimizer(m);
    Batch batch = m.batch(42);
    Map<String, float[]> inputs = Map.of("x", batch.flatX(), "y", batch.flatY());
    ColdStart t = new ColdStart();
    Codegen.Options o = Codegen.Options.defaults();
    InMemoryCompiler.warmUpInBackground(); // as Model.compile does
    var step = defined.trainingGraph(optimizer);
    o = o.firstClass(step, m.batch()); // the class Model.compile makes first
    t.phase("graph");
    String cls = Character.toUpperCase(step.name().charAt(0)) + step.name().substring(1) + "_b" + m.batch();
    String src = Codegen.generateSource(step, optimizer.describe(), m.batch(), Codegen.RUNTIME_PACKAGE, cls, o);
    t.phase("source");
    InMemoryCompiler.compile(Codegen.RUNTIME_PACKAGE + "." + cls, src);
    t.phase("javac");
    double loss = defined.compile(optimizer).trainStepFloats(inputs); // both caches hit: load the class, one step
    t.phase("step");
    System.out.printf("%s cold compile + first step: %d ms (%d source lines, loss %.4f); ms of wall, main thread, "
        + "process CPU:%n%s", m.label(), (System.nanoTime() - t.start) / 1_000_000, src.lines().count(), loss, t.out);
  }
}
