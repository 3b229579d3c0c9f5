package peer;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * TensorFlow Java's training step and Cortado's, one thread each, timed in one JVM round by round
 * in turn (the order swapped every round), so that both see the same host: on a shared machine a
 * core's speed moves by a third from one minute to the next, and two programs run minutes apart
 * compare the host's moods more than the libraries. Each round times each step for {@code
 * bench.repSeconds} (default 2) of wall time and reports process CPU µs per step (TensorFlow runs
 * its ops on a pool thread of its own, so the calling thread's CPU time would miss them); the
 * speed ratio is TensorFlow's time over Cortado's, per round, then the median and range over the
 * rounds. The last column is Cortado's step on the calling thread's CPU time alone, the clock of
 * {@code BenchTable --clock cpu}: the difference is the JVM's other threads (JIT, GC, and
 * TensorFlow's pool threads winding down after its turn). Cortado's step comes from a {@code bench} jar (its {@code benchmarks.jar}) in a class
 * loader of its own, built as its {@code BenchTable} builds the compiled step.
 *
 * <p>Usage: {@code side-by-side.sh CORTADO_BENCHMARKS_JAR [models] [rounds]}; models from tiny,
 * small, mnist, cnn_digits, lenet, gru, lstm (default tiny,small,mnist), rounds default 8.
 */
public final class SideBySide {
  private static final String PKG = "dev.cortado.bench.";
  private static final java.lang.management.ThreadMXBean THREAD_CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private SideBySide() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || !Files.isRegularFile(Path.of(args[0]))) {
      throw new IllegalArgumentException("first argument: Cortado's bench/target/benchmarks.jar, got "
          + (args.length == 0 ? "nothing" : args[0]));
    }
    Path jar = Path.of(args[0]);
    String[] models = (args.length > 1 ? args[1] : "tiny,small,mnist").split(",");
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    long repNanos = (long) (Bench.REP_SECONDS * 1e9);
    System.out.printf("%s %s, flags %s, %d rounds of %.1f s per step, process CPU time%n",
        System.getProperty("java.vm.name"), System.getProperty("java.vm.version"),
        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments(), rounds, Bench.REP_SECONDS);
    System.out.println();
    System.out.println("| model | TensorFlow Java µs/step, median (range) | Cortado µs/step, median (range) "
        + "| TensorFlow ÷ Cortado, median per round (range) | Cortado, the calling thread's CPU µs/step |");
    System.out.println("| --- | ---: | ---: | ---: | ---: |");
    ConfigProto oneThread = ConfigProto.newBuilder().setIntraOpParallelismThreads(1)
        .setInterOpParallelismThreads(1).build();
    for (String name : models) {
      Bench.Model m = Bench.Model.valueOf(name);
      TfBench.Built b = TfBench.build(m);
      try (Graph g = b.g;
           Session sess = new Session(g, oneThread);
           TFloat32 xt = TFloat32.tensorOf(Shape.of(m.inputShape()), DataBuffers.of(m.inputs()));
           TFloat32 yt = TFloat32.tensorOf(Shape.of(m.batch, m.out()), DataBuffers.of(m.targets()))) {
        sess.initialize();
        Bench.Step tf = () -> sess.runner().feed(b.x, xt).feed(b.y, yt).addTarget(b.train).run().close();
        Bench.Step cortado = cortadoStep(jar, name);
        warmUntilQuiet(cortado);
        warm(tf);
        double[] tfUs = new double[rounds];
        double[] coUs = new double[rounds];
        double[] ratio = new double[rounds];
        double[] coThread = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          if (r % 2 == 0) {
            tfUs[r] = cpuUsPerStep(tf, repNanos)[0];
          }
          double[] co = cpuUsPerStep(cortado, repNanos);
          coUs[r] = co[0];
          coThread[r] = co[1];
          if (r % 2 == 1) {
            tfUs[r] = cpuUsPerStep(tf, repNanos)[0];
          }
          ratio[r] = tfUs[r] / coUs[r];
        }
        System.out.printf("| %s | %s | %s | %s | %s |%n", name, cell(tfUs, "%.1f"), cell(coUs, "%.1f"), cell(ratio, "%.2f"),
            cell(coThread, "%.1f"));
      }
    }
  }

  /** Runs {@code s} for at least 3 s and 20 steps, so that C2 settles. */
  private static void warm(Bench.Step s) throws Exception {
    long t0 = System.nanoTime();
    for (int n = 0; n < 20 || System.nanoTime() - t0 < 3_000_000_000L; n++) {
      s.run();
    }
  }

  /**
   * Warms Cortado's step as {@link #warm}, then on until a second of steps costs the process at
   * most 1.2 times the calling thread's CPU time (at most 60 s): a large model's step starts on a
   * quick-start class, and the faster class is compiled and warmed on other threads meanwhile.
   */
  private static void warmUntilQuiet(Bench.Step s) throws Exception {
    warm(s);
    long t0 = System.nanoTime();
    while (System.nanoTime() - t0 < 60_000_000_000L) {
      double[] cpu = cpuUsPerStep(s, 1_000_000_000L);
      if (cpu[0] <= 1.2 * cpu[1]) {
        return;
      }
    }
  }

  /** Process and calling-thread CPU µs per step of {@code s}, run for {@code nanos} of wall time. */
  private static double[] cpuUsPerStep(Bench.Step s, long nanos) throws Exception {
    long k = 0;
    long cpu0 = Bench.processCpuNanos();
    long thread0 = THREAD_CPU.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    do {
      s.run();
      k++;
    } while (System.nanoTime() - start < nanos);
    return new double[] {(Bench.processCpuNanos() - cpu0) / 1e3 / k, (THREAD_CPU.getCurrentThreadCpuTime() - thread0) / 1e3 / k};
  }

  /** "median (min–max)" of {@code v}, each number in format {@code f}. */
  private static String cell(double[] v, String f) {
    return String.format(f + " (" + f + "–" + f + ")", Bench.Timing.median(v), Arrays.stream(v).min().getAsDouble(),
        Arrays.stream(v).max().getAsDouble());
  }

  /**
   * Cortado's compiled step of {@code model} from the bench jar, built by that jar's own {@code
   * CompareJars.stepOf} (in a class loader of its own).
   */
  private static Bench.Step cortadoStep(Path jar, String model) throws Exception {
    URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    Method stepOf = loader.loadClass(PKG + "CompareJars").getMethod("stepOf", Path.class, String.class, String.class);
    Object step = stepOf.invoke(null, jar, model, "compiled");
    Method run = loader.loadClass(PKG + "TrainStep").getMethod("run");
    return () -> run.invoke(step);
  }
}
