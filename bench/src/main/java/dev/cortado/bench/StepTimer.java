package dev.cortado.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.function.LongSupplier;

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
  private final LongSupplier clock;

  StepTimer(boolean cpuClock, long warmupMs, long maxWarmupMs, long measureMs, int rounds) {
    this(cpuClock, warmupMs, maxWarmupMs, measureMs, rounds, cpuClock
        ? ManagementFactory.getThreadMXBean()::getCurrentThreadCpuTime
        : System::nanoTime);
  }

  /** A timer reading {@code clock} (nanoseconds) instead of the JVM's: for testing its arithmetic. */
  StepTimer(boolean cpuClock, long warmupMs, long maxWarmupMs, long measureMs, int rounds,
      LongSupplier clock) {
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
    this.clock = clock;
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
    return clock.getAsLong();
  }

  /** The median µs per step; throws if a step returned a non-finite loss. */
  double medianMicros(TrainStep step) {
    double[] perRound = interleaved(java.util.List.of(step))[0];
    Arrays.sort(perRound);
    return perRound[rounds / 2];
  }

  /**
   * µs per step of each step in each round, {@code [step][round]}, and as a last row the cores
   * the rest of the machine kept busy in each round ({@link OtherLoad}, NaN if unknown): every
   * step warmed up first, then round by round each step in turn for {@code measureMs / rounds},
   * so that all of them see the same machine (on a shared machine whose load comes and goes,
   * steps timed one after the other do not). Throws if a step returned a non-finite loss.
   */
  double[][] interleaved(java.util.List<TrainStep> steps) {
    long[] groups = new long[steps.size()];
    double[] sink = new double[1];
    for (int k = 0; k < steps.size(); k++) {
      groups[k] = warmUp(steps.get(k), sink);
    }
    double[][] perRound = new double[steps.size() + 1][rounds];
    long roundNanos = Math.max(1, measureMs * 1_000_000L / rounds);
    for (int r = 0; r < rounds; r++) {
      OtherLoad before = OtherLoad.now();
      for (int k = 0; k < steps.size(); k++) {
        TrainStep step = steps.get(k);
        long start = now();
        long n = 0;
        long end;
        do {
          for (long i = 0; i < groups[k]; i++) {
            sink[0] += step.run();
          }
          n += groups[k];
          end = now();
        } while (end - start < roundNanos);
        perRound[k][r] = (end - start) / 1e3 / n;
      }
      perRound[steps.size()][r] = before.coresSince();
    }
    if (!Double.isFinite(sink[0])) {
      throw new IllegalStateException("a step returned a non-finite loss: " + sink[0]);
    }
    return perRound;
  }

  /** Runs the step until the JIT is done with it (see the class comment); returns steps per ~1 ms. */
  private long warmUp(TrainStep step, double[] sink) {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long warmStart = System.nanoTime();
    long lastJitMs = -1;
    int quietWindows = 0;
    long group = 1;
    while (true) {
      long windowStart = now();
      long steps = 0;
      do {
        for (long i = 0; i < group; i++) {
          sink[0] += step.run();
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
        return group;
      }
    }
  }
}
