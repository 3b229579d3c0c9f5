package dev.cortado.bench;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 ceiling of this machine's cores: 16 independent chains of vector fmas (so no fma
 * waits for another), as GFLOP/s of wall time (2 flops a lane), on one thread and then on two
 * threads at once. One thread's figure is the peak the kernels' GFLOP/s are compared with; the two
 * threads' sum against it is the most a step split over two threads can gain while it is bound by
 * arithmetic, whatever its memory does. On a virtual machine whose vCPUs share their physical
 * cores with other guests, the sum falls short of twice the one-thread figure. Needs {@code
 * --add-modules jdk.incubator.vector}:
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.cortado.bench.FmaPeak [rounds]</pre>
 */
public final class FmaPeak {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  /** Iterations of the 16 chains per timed run: about 0.2 s at 170 GFLOP/s with 16 lanes. */
  private static final long ITERATIONS = 50_000_000L;

  /** Where each run's sum goes, so that the JIT cannot drop the chains. */
  private static volatile float sink;

  private FmaPeak() {}

  /** Runs the 16 chains {@code n} times and returns their sum, so the JIT keeps them. */
  static float chains(long n) {
    FloatVector a = FloatVector.broadcast(S, 0.999f);
    FloatVector b = FloatVector.broadcast(S, 1e-3f);
    FloatVector c0 = FloatVector.zero(S);
    FloatVector c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
    FloatVector c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
    for (long i = 0; i < n; i++) {
      c0 = c0.fma(a, b);
      c1 = c1.fma(a, b);
      c2 = c2.fma(a, b);
      c3 = c3.fma(a, b);
      c4 = c4.fma(a, b);
      c5 = c5.fma(a, b);
      c6 = c6.fma(a, b);
      c7 = c7.fma(a, b);
      c8 = c8.fma(a, b);
      c9 = c9.fma(a, b);
      c10 = c10.fma(a, b);
      c11 = c11.fma(a, b);
      c12 = c12.fma(a, b);
      c13 = c13.fma(a, b);
      c14 = c14.fma(a, b);
      c15 = c15.fma(a, b);
    }
    FloatVector s = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7);
    s = s.add(c8).add(c9).add(c10).add(c11).add(c12).add(c13).add(c14).add(c15);
    return s.reduceLanes(VectorOperators.ADD);
  }

  /** GFLOP/s of one timed run of {@link #chains} on the calling thread. */
  static double gflops() {
    long t0 = System.nanoTime();
    sink = chains(ITERATIONS);
    long ns = System.nanoTime() - t0;
    return ITERATIONS * 16.0 * S.length() * 2 / ns;
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    System.out.printf("16 fma chains of %d floats, %s %s, wall time%n", S.length(),
        System.getProperty("java.vm.name"), System.getProperty("java.vm.version"));
    for (int r = 0; r < 3; r++) {
      gflops();
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int r = 0; r < rounds; r++) {
        double one = gflops();
        CyclicBarrier start = new CyclicBarrier(2);
        Future<Double> first = pool.submit(() -> {
          start.await();
          return gflops();
        });
        Future<Double> second = pool.submit(() -> {
          start.await();
          return gflops();
        });
        double a = first.get();
        double b = second.get();
        System.out.printf("one thread %.1f GFLOP/s; two threads at once %.1f + %.1f = %.1f (%.2fx one)%n",
            one, a, b, a + b, (a + b) / one);
      }
    } finally {
      pool.shutdown();
    }
  }
}
