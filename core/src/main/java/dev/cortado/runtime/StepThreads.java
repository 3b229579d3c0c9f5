package dev.cortado.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker threads that run parts of a step beside the calling thread: {@code n - 1} daemon
 * threads, each started on the first part it is given. {@link #run} hands part {@code p} to every
 * worker ({@code parts.runPart(p, t)} for t = 1 … n-1), runs {@code runPart(p, 0)} itself and
 * returns once all have finished, so consecutive parts are separated by a barrier and whatever a
 * thread wrote is visible to every thread afterwards (the hand-off is a volatile write and read).
 *
 * <p>Cost: nothing is allocated per part. A worker waits for its next part spinning for {@link
 * #SPIN_NANOS}, then parked; after {@link #IDLE_NANOS} parked with nothing to do it ends, holding
 * no reference to the model (so an unreachable model's threads end by themselves within about a
 * second), and the next part starts it again. {@link #close} ends the workers at once.
 *
 * <p>Failure: when a part throws on any thread, {@code run} still waits for every thread to
 * finish the part, then throws: the caller's own exception as it is (a worker's failure added as
 * suppressed), or {@link IllegalStateException} naming the model, part and thread, with the
 * worker's exception as its cause. Not for concurrent use: one step at a time, as for the model.
 */
final class StepThreads {
  /** What the threads run: part {@code part} of a step, as thread {@code thread}. */
  interface Parts {
    void runPart(int part, int thread);
  }

  /** How long a worker spins for its next part before parking: longer than a step's serial gaps. */
  static final long SPIN_NANOS = 200_000;
  /** How long a worker stays parked with nothing to do before it ends. */
  static final long IDLE_NANOS = 1_000_000_000L;
  /** Spins of the caller waiting for a worker before it starts yielding the core. */
  private static final int CALLER_SPINS = 1 << 12;

  private final String model;
  private final Worker[] workers;
  private int seq;

  /** Threads for model {@code model}: the caller and {@code threads - 1} workers. */
  StepThreads(String model, int threads) {
    this(model, threads, IDLE_NANOS);
  }

  /** As {@link #StepThreads(String, int)}, workers ending after {@code idleNanos} parked. */
  StepThreads(String model, int threads, long idleNanos) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.model = model;
    workers = new Worker[threads - 1];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Worker("cortado-" + model + "-" + (i + 1), i + 1, idleNanos);
    }
  }

  /** The number of threads a part runs on, the caller included. */
  int size() {
    return workers.length + 1;
  }

  /** Runs part {@code part} on every thread and returns when all have finished it; see the class comment. */
  void run(Parts parts, int part) {
    int s = ++seq;
    for (Worker w : workers) {
      w.start(parts, part, s);
    }
    Throwable mine = null;
    try {
      parts.runPart(part, 0);
    } catch (Throwable t) {
      mine = t;
    }
    Throwable theirs = null;
    int who = 0;
    for (int i = 0; i < workers.length; i++) {
      Worker w = workers[i];
      w.await(s);
      if (w.failure != null && theirs == null) {
        theirs = w.failure;
        who = i + 1;
      }
      w.failure = null;
    }
    if (mine != null) {
      if (theirs != null) {
        mine.addSuppressed(theirs);
      }
      sneakyThrow(mine);
    }
    if (theirs != null) {
      throw new IllegalStateException("model '" + model + "': thread " + who + " of " + size() + " failed in part "
          + part + " of the step; every thread has stopped, the variables may be partly updated", theirs);
    }
  }

  /** Ends the workers now and waits (up to a second each) for them to finish; a later {@link #run} starts them again. */
  void close() {
    for (Worker w : workers) {
      w.stop();
    }
  }

  /** How many workers are running (for tests). */
  int alive() {
    int n = 0;
    for (Worker w : workers) {
      Thread t = w.thread;
      n += w.state.get() != Worker.DEAD && t != null && t.isAlive() ? 1 : 0;
    }
    return n;
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
    throw (T) t;
  }

  /** One worker: its hand-off fields and, while it lives, its thread. */
  private static final class Worker implements Runnable {
    static final int ACTIVE = 0;
    static final int PARKED = 1;
    static final int DEAD = 2;

    final String name;
    final int index;
    final long idleNanos;
    final AtomicInteger state = new AtomicInteger(DEAD);
    /** The number of the part handed over last; written after {@link #parts} and {@link #part}. */
    volatile int go;
    /** The number of the part finished last; written after {@link #failure}. */
    volatile int done;
    volatile boolean stopping;
    volatile Thread thread;
    Parts parts;
    int part;
    Throwable failure;

    Worker(String name, int index, long idleNanos) {
      this.name = name;
      this.index = index;
      this.idleNanos = idleNanos;
    }

    /** Hands over part number {@code s}, waking or starting the thread as needed. */
    void start(Parts p, int partId, int s) {
      parts = p;
      part = partId;
      stopping = false;
      go = s;
      while (true) {
        int st = state.get();
        if (st == ACTIVE) {
          return;
        }
        if (st == PARKED) {
          if (state.compareAndSet(PARKED, ACTIVE)) {
            LockSupport.unpark(thread);
            return;
          }
          continue;
        }
        state.set(ACTIVE);
        Thread t = new Thread(this, name);
        t.setDaemon(true);
        thread = t;
        try {
          t.start();
        } catch (Throwable e) {
          state.set(DEAD);
          failure = e;
          this.parts = null;
          done = s;
        }
        return;
      }
    }

    /** Waits until part {@code s} is finished: spinning, then yielding the core to whoever needs it. */
    void await(int s) {
      int spins = 0;
      while (done != s) {
        if (++spins < CALLER_SPINS) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
    }

    void stop() {
      stopping = true;
      Thread t = thread;
      if (t == null) {
        return;
      }
      LockSupport.unpark(t);
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void run() {
      int seen = done;
      while (true) {
        int g = next(seen);
        if (g == seen) {
          return;
        }
        seen = g;
        try {
          parts.runPart(part, index);
        } catch (Throwable e) {
          failure = e;
        }
        parts = null;
        done = g;
      }
    }

    /** The next part's number, or {@code seen} when this thread should end. */
    private int next(int seen) {
      int g;
      long t0 = System.nanoTime();
      while ((g = go) == seen && !stopping && System.nanoTime() - t0 < SPIN_NANOS) {
        Thread.onSpinWait();
      }
      if (g != seen) {
        return g;
      }
      state.set(PARKED);
      long parkedAt = System.nanoTime();
      while ((g = go) == seen) {
        long idle = System.nanoTime() - parkedAt;
        if (stopping || idle >= idleNanos) {
          if (state.compareAndSet(PARKED, DEAD)) {
            return seen;
          }
          // the caller claimed this thread, so a part is coming: go is already written
          continue;
        }
        LockSupport.parkNanos(this, idleNanos - idle);
      }
      state.set(ACTIVE);
      return g;
    }
  }
}
