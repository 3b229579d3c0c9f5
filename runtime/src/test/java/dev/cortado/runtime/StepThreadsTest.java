package dev.cortado.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The worker threads of a split step: chunks and barrier, failures, late, idle and closed workers,
 * spins and the choice between all threads and the caller alone. Nothing here depends on how fast
 * the machine is or how busy: spins, idle waits and part times read a clock the test moves, and
 * threads meet on latches.
 */
class StepThreadsTest {

  @Test
  void everyChunkRunsOnceAndTheBarrierPublishesItsWrites() {
    StepThreads threads = new StepThreads("m", 3);
    try {
      // part 0 writes each cell in its chunk; part 1 reads a cell of another chunk, which the barrier made visible
      int n = 24;
      long[] cells = new long[n];
      long[] seen = new long[n];
      int[] runs = new int[n];
      Set<Integer> threadsSeen = ConcurrentHashMap.newKeySet();
      for (int round = 1; round <= 500; round++) {
        final int r = round;
        threads.run((part, chunk, t) -> {
          cells[chunk] = r * 100L + chunk;
          runs[chunk]++;
          threadsSeen.add(t);
        }, 0, n);
        threads.run((part, chunk, t) -> seen[chunk] = cells[(chunk + 7) % n], 1, n);
        for (int c = 0; c < n; c++) {
          assertEquals(r * 100L + (c + 7) % n, seen[c], "round " + r + " chunk " + c);
        }
      }
      int[] want = new int[n];
      Arrays.fill(want, 500);
      assertArrayEquals(want, runs, "a chunk ran twice or never");
      assertTrue(threadsSeen.stream().allMatch(t -> t >= 0 && t < 3), threadsSeen.toString());
    } finally {
      threads.close();
    }
  }

  @Test
  void aFailureSurfacesOnTheCallerAfterEveryChunkFinished() {
    StepThreads threads = new StepThreads("mnist", 2);
    try {
      AtomicInteger finished = new AtomicInteger();
      RuntimeException boom = new ArithmeticException("boom");
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> threads.run((part, chunk, t) -> {
        if (chunk == 3) {
          throw boom;
        }
        finished.incrementAndGet();
      }, 4, 8));
      assertSame(boom, e.getCause());
      assertTrue(e.getMessage().contains("'mnist'") && e.getMessage().contains("of 2")
          && e.getMessage().contains("part 4"), e.getMessage());
      assertEquals(7, finished.get(), "the other chunks still run");
      // the threads still work afterwards
      boolean[] ran = new boolean[4];
      threads.run((part, chunk, t) -> ran[chunk] = true, 0, 4);
      assertArrayEquals(new boolean[] {true, true, true, true}, ran);
    } finally {
      threads.close();
    }
  }

  @Test
  void aWorkerThatIsDescheduledLeavesTheOtherChunksToTheCaller() {
    StepThreads threads = new StepThreads("m", 2);
    try {
      // the worker's chunk blocks until the caller has run all the others, as if the worker had
      // lost its core; the caller's first chunk waits until the worker has claimed one, so the
      // worker always takes part. The run must still finish, each chunk run once.
      java.util.concurrent.CountDownLatch workerClaimed = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch others = new java.util.concurrent.CountDownLatch(1);
      Set<Integer> byCaller = ConcurrentHashMap.newKeySet();
      Set<Integer> byWorker = ConcurrentHashMap.newKeySet();
      threads.run((part, chunk, t) -> {
        try {
          if (t == 1) {
            byWorker.add(chunk);
            workerClaimed.countDown();
            others.await();
          } else {
            workerClaimed.await();
            if (byCaller.add(chunk) && byCaller.size() == 7) {
              others.countDown();
            }
          }
        } catch (InterruptedException x) {
          Thread.currentThread().interrupt();
        }
      }, 0, 8);
      assertEquals(1, byWorker.size(), "the blocked worker claimed another chunk");
      assertEquals(7, byCaller.size());
      Set<Integer> all = new HashSet<>(byCaller);
      all.addAll(byWorker);
      assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7), all);
    } finally {
      threads.close();
    }
  }

  /** A clock that moves {@code tick} ns at each reading (0: stands still), for spins and idle waits decided by the test. */
  static final class TickClock implements java.util.function.LongSupplier {
    private final java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
    volatile long tick;

    TickClock(long tick) {
      this.tick = tick;
    }

    @Override
    public long getAsLong() {
      return now.addAndGet(tick);
    }

    void advance(long nanos) {
      now.addAndGet(nanos);
    }
  }

  @Test
  void idleWorkersEndByThemselvesAndStartAgain() {
    // each reading of the clock is a millisecond later: a worker parked for 20 "ms" ends after
    // about twenty readings, however busy the machine is
    StepThreads threads = new StepThreads("m", 3, 20_000_000L, new TickClock(1_000_000));
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    threads.run(withAWorker((part, chunk, t) -> seen.add(chunk)), 0, 6);
    while (threads.alive() > 0) {
      threads.nudge();
      Thread.yield();
    }
    // the caller's chunks wait for a worker's: this part finishes only if a worker starts again
    threads.run(withAWorker((part, chunk, t) -> seen.add(10 + chunk)), 0, 6);
    assertEquals(new HashSet<>(Arrays.asList(0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15)), seen);
    threads.close();
    assertEquals(0, threads.alive(), "close() left workers running");
  }

  @Test
  void aWorkerWhoseSpinsFindNoPartSpinsLessUntilOneComesWhileItSpins() {
    // the clock moves a microsecond at each reading, so a spin ends after spinNanos/1000 readings;
    // the test waits for the worker to park (no part came while it spun) before the next part
    TickClock clock = new TickClock(1_000);
    StepThreads threads = new StepThreads("m", 2, Long.MAX_VALUE / 4, clock);
    StepThreads.Parts noop = (part, chunk, t) -> { };
    try {
      long want = StepThreads.SPIN_NANOS;
      for (int i = 0; i < 6; i++) {
        threads.run(noop, 0, 4);
        awaitParked(threads);
        want = Math.max(StepThreads.LEAST_SPIN_NANOS, want >> 2);
        assertEquals(want, threads.spinNanos(0), "the spin after " + (i + 1) + " empty one(s)");
      }
      assertEquals(StepThreads.LEAST_SPIN_NANOS, want, "six empty spins reach the shortest");
      // the clock stands still: the worker spins until the next part comes, and that restores the spin
      clock.tick = 0;
      threads.run(withAWorker(noop), 0, 4); // the worker takes part, then spins without end
      threads.run(noop, 0, 4); // comes while it spins (or before it starts to)
      clock.tick = 1_000;
      awaitParked(threads);
      assertEquals(StepThreads.SPIN_NANOS >> 2, threads.spinNanos(0),
          "a part caught while spinning restored the full spin (then quartered by the empty spin after it)");
    } finally {
      threads.close();
    }
  }

  /** {@code parts} with the caller's chunks waiting until a worker has run one: a part that only ends once a worker took part. */
  private static StepThreads.Parts withAWorker(StepThreads.Parts parts) {
    java.util.concurrent.CountDownLatch workerRan = new java.util.concurrent.CountDownLatch(1);
    return (part, chunk, t) -> {
      parts.runPart(part, chunk, t);
      if (t != 0) {
        workerRan.countDown();
        return;
      }
      try {
        workerRan.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  /** Waits (without a clock) until worker 0 has parked. */
  private static void awaitParked(StepThreads threads) {
    while (!threads.parked(0)) {
      Thread.onSpinWait();
    }
  }

  @Test
  void everyChunkOfEveryPartRunsExactlyOnceWhenPartsOfDifferentSizesFollowEachOther() {
    // A part of 7 chunks right after one of 2: a worker that had read the exhausted claims of the
    // 2-chunk part could claim chunk 2 of the next one before it started, running it twice
    // (about once in 2 to 5 million parts on 2 cores before the fix).
    StepThreads threads = new StepThreads("m", 2);
    java.util.concurrent.atomic.AtomicIntegerArray runs = new java.util.concurrent.atomic.AtomicIntegerArray(8);
    try {
      for (int r = 0; r < 3_000_000; r++) {
        int chunks = (r & 1) == 0 ? 2 : 7;
        int part = r & 1;
        for (int c = 0; c < 8; c++) {
          runs.set(c, 0);
        }
        threads.run((p, c, t) -> runs.incrementAndGet(p == part ? c : 7), part, chunks);
        for (int c = 0; c < 8; c++) {
          assertEquals(c < chunks ? 1 : 0, runs.get(c), "part run " + r + " (" + chunks + " chunks), chunk " + c);
        }
      }
    } finally {
      threads.close();
    }
  }

  @Test
  void oneThreadRunsEveryChunkOnTheCaller() {
    StepThreads threads = new StepThreads("m", 1);
    Thread[] who = new Thread[3];
    threads.run((part, chunk, t) -> who[chunk] = Thread.currentThread(), 0, 3);
    assertArrayEquals(new Thread[] {Thread.currentThread(), Thread.currentThread(), Thread.currentThread()}, who);
    assertEquals(0, threads.alive());
    assertThrows(IllegalArgumentException.class, () -> new StepThreads("m", 0));
  }

  @Test
  void theSharedScanFindsTheFirstNonFiniteValueAsOneThreadDoes() {
    StepThreads threads = new StepThreads("m", 2);
    try {
      int n = 64 * 784;
      float[] v = new float[n];
      Arrays.fill(v, 0.5f);
      assertEquals(-1, threads.firstNonFinite(v));
      // in the first and last chunk, at a chunk's edges, and two in different chunks (the lower wins)
      int[][] bad = {{0}, {n - 1}, {n / 4 - 1}, {n / 4}, {n / 2}, {n - 1, 3}, {n / 2 + 17, n / 4 + 5}};
      for (int[] at : bad) {
        float[] w = v.clone();
        for (int i : at) {
          w[i] = i % 2 == 0 ? Float.NaN : Float.NEGATIVE_INFINITY;
        }
        // each scan runs on both threads or on the caller alone, as its timing decides: the answer is the same
        for (int r = 0; r < 3; r++) {
          assertEquals(InputCheck.firstNonFinite(w), threads.firstNonFinite(w), Arrays.toString(at));
        }
      }
      float[] small = {1f, Float.POSITIVE_INFINITY};
      assertEquals(1, threads.firstNonFinite(small));
    } finally {
      threads.close();
    }
  }

  @Test
  void aPartRunsTheFasterWayAndTriesTheOtherNowAndThen() {
    for (boolean togetherFaster : new boolean[] {true, false}) {
      StepThreads.Stats stats = new StepThreads.Stats();
      stats.ensure(0);
      assertTrue(stats.together(0), "unmeasured: all threads first");
      stats.record(0, true, togetherFaster ? 1_000 : 3_000);
      assertFalse(stats.together(0), "then the caller alone, to measure it");
      stats.record(0, false, togetherFaster ? 3_000 : 1_000);
      int runs = 16 * StepThreads.EXPLORE;
      int other = 0;
      for (int r = 0; r < runs; r++) {
        other += stats.together(0) == togetherFaster ? 0 : 1;
      }
      // three times slower: the other way is tried every fourth EXPLORE-th run
      assertEquals(runs / (4 * StepThreads.EXPLORE), other, (togetherFaster ? "alone" : "together") + " runs");
    }
  }

  @Test
  void aWayWithinAnEighthOfTheOtherCountsAsNoSlowerAndAllThreadsWinTies() {
    StepThreads.Stats stats = new StepThreads.Stats();
    stats.ensure(0);
    stats.record(0, true, 1_120);
    stats.record(0, false, 1_000);
    stats.runs[0] = 1; // not a run that explores
    assertTrue(stats.together(0), "together is within an eighth of alone");
    stats.record(0, true, 2_000); // a quarter of the way up, by at most a quarter of itself
    assertEquals(1_120 + (2_000 - 1_120) / 4, stats.together[0]);
    assertFalse(stats.together(0), "together is now more than an eighth slower");
    stats.record(0, true, 900); // a lower time counts at once
    assertEquals(900, stats.together[0]);
    assertTrue(stats.together(0));
  }

  @Test
  void aPartThatTakesLongerOnAllThreadsRunsOnTheCallerAlone() {
    // the clock stands still except inside chunks: the worker's chunks take 3 "ms", the
    // caller's 50 "us", so all threads are slower whenever the worker takes part, whatever the load
    TickClock clock = new TickClock(0);
    StepThreads threads = new StepThreads("m", 2, StepThreads.IDLE_NANOS, clock);
    try {
      StepThreads.Stats stats = new StepThreads.Stats();
      int runs = 256;
      AtomicInteger byWorker = new AtomicInteger();
      for (int r = 0; r < runs; r++) {
        boolean counted = r >= runs / 2;
        threads.run((part, chunk, t) -> {
          clock.advance(t == 1 ? 3_000_000 : 50_000);
          if (t == 1 && counted) {
            byWorker.incrementAndGet();
          }
        }, 0, 4, stats);
      }
      // once the worker has taken part, all threads look slower and the caller runs alone until
      // the next exploration: in the last half, at most four worker chunks per exploration
      int explorations = (runs / 2) / StepThreads.EXPLORE + 1;
      assertTrue(byWorker.get() <= 4 * explorations, "the worker still ran " + byWorker + " chunks");
      assertEquals(4 * 50_000, stats.alone[0], "alone: the caller's four chunks");
    } finally {
      threads.close();
    }
  }
}
