package dev.cortado.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What a core pays to read data the other core has just written: the MNIST-sized forward product
 * ({@code [64, 784]·[784, 256]}, float32) cut by batch rows over two threads, each thread's half
 * timed with its own CPU time, in four setups:
 *
 * <ul>
 *   <li><b>one thread</b>: all 60 rows (ten register blocks of six) on one thread, then 30 rows;
 *   <li><b>own weights</b>: each thread 30 rows against a copy of the weights of its own;
 *   <li><b>shared weights</b>: both threads read one weight array that nobody writes;
 *   <li><b>shared, updated in halves</b>: as a training step does, after each product each thread
 *       updates half of the shared weights (a split optimizer update), so each product reads half
 *       its weights from the other core's cache.
 * </ul>
 *
 * <p>On a machine where two threads halve a product, "own weights" and "shared weights" take
 * about the 30-row time; "updated in halves" shows the cost of moving the other half between the
 * cores. Needs {@code --add-modules jdk.incubator.vector}:
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.cortado.bench.CoreSharing</pre>
 */
public final class CoreSharing {
  private static final int K = 784;
  private static final int N = 256;
  private static final int PASSES = 2_000;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private CoreSharing() {}

  /**
   * Thread CPU µs per pass of {@code rows} rows of {@code a·b}, each pass followed (when {@code
   * to > from}) by the update {@code b[i] = 0.999·b[i] + 1e-7} of {@code [from, to)}.
   */
  static double passes(float[] a, float[] b, float[] c, int rows, int from, int to) {
    long t0 = THREADS.getCurrentThreadCpuTime();
    for (int p = 0; p < PASSES; p++) {
      SixRows.product(a, b, c, rows, K, N);
      for (int i = from; i < to; i++) {
        b[i] = b[i] * 0.999f + 1e-7f;
      }
    }
    return (THREADS.getCurrentThreadCpuTime() - t0) / 1e3 / PASSES;
  }

  public static void main(String[] args) throws Exception {
    java.util.Random r = new java.util.Random(1);
    float[] a60 = random(r, 60 * K);
    float[] a0 = random(r, 30 * K);
    float[] a1 = random(r, 30 * K);
    float[] shared = random(r, K * N);
    float[] own0 = shared.clone();
    float[] own1 = shared.clone();
    float[] c0 = new float[60 * N];
    float[] c1 = new float[60 * N];
    int half = shared.length / 2;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      System.out.println("MNIST-sized forward product, thread CPU µs per pass (" + PASSES + " passes), "
          + System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
      System.out.println();
      System.out.println("| round | one thread, 60 rows | one thread, 30 rows | own weights (each thread) "
          + "| shared weights | shared, updated in halves | one thread, 60 rows, updating all |");
      System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
      for (int round = 1; round <= 4; round++) {
        double one60 = pool.submit(() -> passes(a60, shared, c0, 60, 0, 0)).get();
        double one30 = pool.submit(() -> passes(a0, shared, c0, 30, 0, 0)).get();
        String own = both(pool.submit(() -> passes(a0, own0, c0, 30, 0, 0)),
            pool.submit(() -> passes(a1, own1, c1, 30, 0, 0)));
        String read = both(pool.submit(() -> passes(a0, shared, c0, 30, 0, 0)),
            pool.submit(() -> passes(a1, shared, c1, 30, 0, 0)));
        String updated = both(pool.submit(() -> passes(a0, shared, c0, 30, 0, half)),
            pool.submit(() -> passes(a1, shared, c1, 30, half, shared.length)));
        double oneUpdating = pool.submit(() -> passes(a60, shared, c0, 60, 0, shared.length)).get();
        System.out.printf("| %d | %.1f | %.1f | %s | %s | %s | %.1f |%n", round, one60, one30, own, read, updated,
            oneUpdating);
      }
    } finally {
      pool.shutdown();
    }
  }

  private static String both(Future<Double> first, Future<Double> second) throws Exception {
    return String.format("%.1f, %.1f", first.get(), second.get());
  }

  private static float[] random(java.util.Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextFloat();
    }
    return v;
  }
}
