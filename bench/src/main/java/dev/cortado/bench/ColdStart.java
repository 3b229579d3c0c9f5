package dev.cortado.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.cortado.codegen.Codegen;
import dev.cortado.codegen.compile.InMemoryCompiler;
import dev.cortado.codegen.emit.ClassEmitter;
import dev.cortado.codegen.emit.JavaText;
import dev.cortado.codegen.emit.Printer;
import dev.cortado.codegen.lower.Plan;
import dev.cortado.codegen.pass.Passes.Entry;
import dev.cortado.dsl.Model;
import dev.cortado.ir.Graph;
import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.ModelSpec;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Where a cold {@code compile} plus first step goes, in one fresh JVM per run: the phases that
 * {@code Model.compile(optimizer).trainStepFloats(batch)} runs, timed one by one (step graph;
 * source generation of the first class (the quick-start kernel's where the kernel has one) as its
 * passes and plans, the syntax tree and its printing; javac; class loading plus the first step),
 * each as wall time, this thread's CPU time, the whole process's CPU time (JIT compiler and
 * warm-up threads included), in ms, the MB this thread allocated, the classes loaded in the phase (all threads), and the CPU
 * time the background javac warm-up had used by its end (with a {@code *} while it still ran).
 * The background javac warm-up starts where {@code Model.compile} starts it. Run: {@code java -cp
 * bench/target/benchmarks.jar dev.cortado.bench.ColdStart [model]}.
 */
public final class ColdStart {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();
  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final String WARM_UP_THREAD = "cortado-javac-warm-up";

  private final StringBuilder out = new StringBuilder(
      String.format("%-8s %6s %6s %7s %6s %7s %8s%n", "phase", "wall", "main", "process", "MB", "classes", "warm-up"));
  private long wall = System.nanoTime();
  private long cpu = THREADS.getCurrentThreadCpuTime();
  private long process = OS.getProcessCpuTime();
  private long classes = CLASSES.getTotalLoadedClassCount();
  private long allocated = THREADS.getCurrentThreadAllocatedBytes();
  private final long start = wall;
  private long skipped;
  private long warmUpId = -1;
  private long warmUpCpu;

  private ColdStart() {}

  /** Leaves out of the next phase and of the total the work just done, which a real compile does not do. */
  private void skip(long nanos) {
    skipped += nanos;
    wall = System.nanoTime();
    cpu = THREADS.getCurrentThreadCpuTime();
    process = OS.getProcessCpuTime();
    classes = CLASSES.getTotalLoadedClassCount();
    allocated = THREADS.getCurrentThreadAllocatedBytes();
  }

  private void phase(String name) {
    long w = System.nanoTime();
    long c = THREADS.getCurrentThreadCpuTime();
    long p = OS.getProcessCpuTime();
    long k = CLASSES.getTotalLoadedClassCount();
    long a = THREADS.getCurrentThreadAllocatedBytes();
    out.append(String.format("%-8s %6d %6d %7d %6.1f %7d %7d%s%n", name, (w - wall) / 1_000_000, (c - cpu) / 1_000_000,
        (p - process) / 1_000_000, (a - allocated) / 1e6, k - classes, warmUp() / 1_000_000,
        warmUpId >= 0 && warmUpRunning() ? "*" : ""));
    wall = System.nanoTime();
    cpu = THREADS.getCurrentThreadCpuTime();
    process = OS.getProcessCpuTime();
    classes = CLASSES.getTotalLoadedClassCount();
    allocated = THREADS.getCurrentThreadAllocatedBytes();
  }

  /** The CPU time of the warm-up thread so far (its last reading once it has ended). */
  private long warmUp() {
    if (warmUpId < 0) {
      for (ThreadInfo t : THREADS.dumpAllThreads(false, false)) {
        if (t.getThreadName().equals(WARM_UP_THREAD)) {
          warmUpId = t.getThreadId();
        }
      }
    }
    long t = warmUpId < 0 ? -1 : THREADS.getThreadCpuTime(warmUpId);
    if (t >= 0) {
      warmUpCpu = t;
    }
    return warmUpCpu;
  }

  private boolean warmUpRunning() {
    return THREADS.getThreadCpuTime(warmUpId) >= 0;
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
    Graph step = defined.trainingGraph(optimizer);
    o = o.firstClass(step, m.batch()); // the class Model.compile makes first
    t.phase("graph");
    String cls = Character.toUpperCase(step.name().charAt(0)) + step.name().substring(1) + "_b" + m.batch();
    int b = m.batch();
    Map<Entry, Plan> plans = new EnumMap<>(Entry.class);
    for (Entry e : List.of(Entry.TRAIN, Entry.PREDICT, Entry.EVALUATE)) { // as Codegen.generateSource
      plans.put(e, Codegen.schedule(Codegen.optimize(step, e, b, new dev.cortado.codegen.Dump(null, "")), e, b,
          new dev.cortado.codegen.Dump(null, "")));
    }
    ModelSpec spec = Codegen.spec(step, optimizer.describe());
    t.phase("passes");
    var cu = ClassEmitter.emit(new ClassEmitter.Input(step, spec, b, plans.get(Entry.TRAIN), plans.get(Entry.PREDICT),
        plans.get(Entry.EVALUATE), Codegen.RUNTIME_PACKAGE, cls, o.matmul(), o.threads(), o.splitFrom()));
    t.phase("tree");
    String printed = JavaText.ascii(Printer.print(cu));
    t.phase("print");
    long unmeasured = System.nanoTime();
    // fills Codegen's source cache as Model.compile's generateSource would have (warm now: not timed)
    String src = Codegen.generateSource(step, optimizer.describe(), b, Codegen.RUNTIME_PACKAGE, cls, o);
    if (!src.equals(printed)) {
      throw new IllegalStateException("the phases printed another source than Codegen.generateSource");
    }
    t.skip(System.nanoTime() - unmeasured);
    InMemoryCompiler.compile(Codegen.RUNTIME_PACKAGE + "." + cls, src);
    t.phase("javac");
    double loss = defined.compile(optimizer).trainStepFloats(inputs); // both caches hit: load the class, one step
    t.phase("step");
    System.out.printf("%s cold compile + first step: %d ms (%d source lines, loss %.4f); ms of wall, main thread, "
        + "process CPU, MB allocated by the main thread, classes loaded, warm-up thread CPU (* running):%n%s", m.label(),
        (System.nanoTime() - t.start - t.skipped) / 1_000_000, src.lines().count(), loss, t.out);
  }
}
