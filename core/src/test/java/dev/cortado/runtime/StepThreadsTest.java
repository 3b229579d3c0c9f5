package dev.cortado.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The worker threads of a split step: hand-over and barrier, failures, idle and closed workers. */
class StepThreadsTest {

  @Test
  void everyThreadRunsEveryPartAndSeesTheOthersWrites() {
    StepThreads threads = new StepThreads("m", 3);
    try {
      // part 0: each thread writes its cell; part 1: each reads its neighbour's, which the barrier made visible
      long[] cells = new long[3];
      long[] seen = new long[3];
      for (int round = 1; round <= 500; round++) {
        final int r = round;
        threads.run((part, t) -> cells[t] = r * 10L + t, 0);
        threads.run((part, t) -> seen[t] = cells[(t + 1) % 3], 1);
        assertArrayEquals(new long[] {r * 10L + 1, r * 10L + 2, r * 10L}, seen, "round " + r);
      }
    } finally {
      threads.close();
    }
  }

  @Test
  void aWorkerFailureSurfacesOnTheCallerAfterEveryThreadStopped() {
    StepThreads threads = new StepThreads("mnist", 2);
    try {
      AtomicInteger callerFinished = new AtomicInteger();
      RuntimeException boom = new ArithmeticException("boom");
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> threads.run((part, t) -> {
        if (t == 1) {
          throw boom;
        }
        callerFinished.incrementAndGet();
      }, 4));
      assertSame(boom, e.getCause());
      assertTrue(e.getMessage().contains("'mnist'") && e.getMessage().contains("thread 1 of 2")
          && e.getMessage().contains("part 4"), e.getMessage());
      assertEquals(1, callerFinished.get());
      // the pool still works afterwards
      int[] ran = new int[2];
      threads.run((part, t) -> ran[t]++, 0);
      assertArrayEquals(new int[] {1, 1}, ran);
    } finally {
      threads.close();
    }
  }

  @Test
  void theCallersFailureIsRethrownOnceTheWorkerHasFinished() {
    StepThreads threads = new StepThreads("m", 2);
    try {
      AtomicInteger workerDone = new AtomicInteger();
      IllegalArgumentException mine = new IllegalArgumentException("mine");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> threads.run((part, t) -> {
        if (t == 0) {
          throw mine;
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException x) {
          Thread.currentThread().interrupt();
        }
        workerDone.incrementAndGet();
      }, 0));
      assertSame(mine, e);
      assertEquals(1, workerDone.get(), "run returned before the worker finished its part");
    } finally {
      threads.close();
    }
  }

  @Test
  void idleWorkersEndByThemselvesAndStartAgain() throws InterruptedException {
    StepThreads threads = new StepThreads("m", 3, 20_000_000L);
    int[] ran = new int[3];
    threads.run((part, t) -> ran[t]++, 0);
    assertEquals(2, threads.alive());
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (threads.alive() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(0, threads.alive(), "idle workers still running");
    threads.run((part, t) -> ran[t]++, 0);
    assertArrayEquals(new int[] {2, 2, 2}, ran);
    threads.close();
    assertEquals(0, threads.alive(), "close() left workers running");
  }

  @Test
  void oneThreadRunsOnTheCallerOnly() {
    StepThreads threads = new StepThreads("m", 1);
    Thread[] who = new Thread[1];
    threads.run((part, t) -> who[t] = Thread.currentThread(), 0);
    assertSame(Thread.currentThread(), who[0]);
    assertEquals(0, threads.alive());
    assertThrows(IllegalArgumentException.class, () -> new StepThreads("m", 0));
  }
}
