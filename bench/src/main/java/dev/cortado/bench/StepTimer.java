package dev.cortado.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Times a {@link TrainStep}: warms it up for at least {@code warmupMs} and until the JIT is done
 * with it (no compilation time added over three 200 ms windows in a row: a generated step needs
 * seconds of C2 time, more on a loaded machine, and runs many times slower until then), at most
 * {@code maxWarmupMs}; then runs {@code rounds} rounds over {@code measureMs} and returns the
 * median round's mean µs per step.
 *
 * <p>The clock is wall time, or with {@code cpuClock} this thread's CPU time, which leaves out the
 * time the thread waited for a core: on a shared, loaded machine it is the steadier measure of a
 * single-threaded step (it still includes the cache misses that other processes cause). The
 * clock is read once per group of steps lasting about a millisecond, not once per step.
 */
final class StepTimer {
  private final boolean cpuClock;
  private final long warmupMs;
  private final long maxWarmupMs;
  private final long measureMs;
  private final int rounds;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

  StepTimer(boolean cpuClock, long warmupMs, long maxWarmupMs, long measureMs, int rounds) {
    if (rounds < 1 || measureMs < 1 || warmupMs < 0 || maxWarmupMs < warmupMs) {
      throw new IllegalArgumentException("timer: need rounds >= 1, measure-ms >= 1 and 0 <= "
          + "warmup-ms <= max-warmup-ms, got rounds " + rounds + ", measure-ms " + measureMs
          + ", warmup-ms " + warmupMs + ", max-warmup-ms " + maxWarmupMs);
    }
    this.cpuClock = cpuClock;
    this.warmupMs = warmupMs;
    this.maxWarmupMs = maxWarmupMs;
    this.measureMs = measureMs;
    this.rounds = rounds;
  }

  /** "wall" or "thread CPU", for table captions. */
  String clockName() {
    return cpuClock ? "thread CPU time" : "wall time";
  }

  /** Whether this timer reads the calling thread's CPU time (blind to other threads' work). */
  boolean cpuClock() {
    return cpuClock;
  }

  private long now() {
    return cpuClock ? threads.getCurrentThreadCpuTime() : System.nanoTime();
  }

  /** The median µs per step; throws if a step returned a non-finite loss. */
  double medianMicros(TrainStep step) {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    double sink = 0;
    long warmStart = System.nanoTime();
    long lastJitMs = -1;
    int quietWindows = 0;
    long group = 1;
    while (true) {
      long windowStart = now();
      long steps = 0;
      do {
        for (long i = 0; i < group; i++) {
          sink += step.run();
        }
        steps += group;
      } while (now() - windowStart < 200_000_000L);
      double nanosPerStep = (double) (now() - windowStart) / steps;
      group = Math.max(1, (long) (1e6 / nanosPerStep));
      long jitMs = jit.getTotalCompilationTime();
      quietWindows = jitMs == lastJitMs ? quietWindows + 1 : 0;
      lastJitMs = jitMs;
      long elapsedMs = (System.nanoTime() - warmStart) / 1_000_000L;
      if (elapsedMs >= maxWarmupMs || (elapsedMs >= warmupMs && quietWindows >= 3)) {
        break;
      }
    }
    double[] perRound = new double[rounds];
    long roundNanos = Math.max(1, measureMs * 1_000_000L / rounds);
    for (int r = 0; r < rounds; r++) {
      long start = now();
      long steps = 0;
      long end;
      do {
        for (long i = 0; i < group; i++) {
          sink += step.run();
        }
        steps += group;
        end = now();
      } while (end - start < roundNanos);
      perRound[r] = (end - start) / 1e3 / steps;
    }
    if (!Double.isFinite(sink)) {
      throw new IllegalStateException("a step returned a non-finite loss: " + sink);
    }
    Arrays.sort(perRound);
    return perRound[rounds / 2];
  }
}
