package dev.cortado.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker threads that run parts of a step beside the calling thread: {@code n - 1} daemon
 * threads, each started on the first part it is given. A part is cut into chunks (ranges of one
 * loop); {@link #run} wakes the workers and every thread, the caller included, claims chunks one
 * at a time from a shared counter until none is left ({@code parts.runPart(part, chunk, t)}, t the
 * thread's index, 0 for the caller). {@code run} returns when every chunk is finished, so
 * consecutive parts are separated by a barrier and whatever a chunk wrote is visible to every
 * thread afterwards.
 *
 * <p>Which thread computes a chunk changes nothing in the result (a chunk's code does not depend
 * on t, except for which thread's private working arrays it uses). It keeps a loaded machine
 * from stalling the step: a worker that the OS has not scheduled yet simply claims nothing, and
 * the caller waits only for chunks already claimed.
 *
 * <p>Only where it pays: each {@link Stats} (one per generated class) keeps, for each of its parts,
 * an estimate of the part's wall time on all threads and on the caller alone, runs the part the
 * faster way and tries the other way now and then ({@link #EXPLORE}) to notice when that changes.
 * On a quiet machine a large part runs on all threads; when other processes keep a core busy, the
 * workers get too little of it to help and the parts run on the caller, so that two threads cost
 * little more than one. Results are the same either way.
 *
 * <p>Cost: nothing is allocated per part (a class's estimates are made on its first parts). A
 * worker waits for the next part spinning for {@link #SPIN_NANOS}, then parked; after {@link
 * #IDLE_NANOS} parked with nothing to do it ends, holding no reference to the model (so an
 * unreachable model's threads end by themselves within about a second), and the next part
 * starts it again. {@link #close} ends the workers at once.
 *
 * <p>Failure: when a chunk throws, {@code run} still waits for every claimed chunk to finish
 * (the rest are run, since claiming stops for nobody), then throws {@link IllegalStateException}
 * naming the model, part and thread, with the first exception as its cause. Not for concurrent
 * use: one step at a time, as for the model.
 */
final class StepThreads {
  /** What the threads run: chunk {@code chunk} of part {@code part} of a step, as thread {@code thread}. */
  interface Parts {
    void runPart(int part, int chunk, int thread);
  }

  /**
   * How long a worker spins for its next part before parking, at most: longer than a step's
   * serial gaps. Each spin that ends without a part quarters the next one, down to {@link
   * #LEAST_SPIN_NANOS}, and a part caught while spinning restores it: on a host whose other core is taken, the parts run on the caller
   * and a worker woken now and then to try the other way stops spinning on the caller's core
   * (which cost the MNIST-sized two-thread step 7% pinned to one CPU).
   */
  static final long SPIN_NANOS = 1_000_000;
  /** The shortest spin: still longer than the gaps between the parts of a step, so a quiet host restores the full one. */
  static final long LEAST_SPIN_NANOS = SPIN_NANOS >> 6;
  /** How long a worker stays parked with nothing to do before it ends. */
  static final long IDLE_NANOS = 1_000_000_000L;
  /** How long {@link #close} waits for each worker to end. */
  static final long CLOSE_WAIT_MILLIS = 30_000;
  /** Spins of the caller waiting for claimed chunks before it starts yielding the core. */
  private static final int CALLER_SPINS = 1 << 12;
  /** Every this many runs, a part runs the way that has been slower, to keep its average current. */
  static final int EXPLORE = 64;

  /**
   * One class's record of its parts, by part number: the runs so far and an estimate of the wall
   * time on all threads and on the caller alone (0 until measured). An estimate drops at once to a
   * lower time and moves a quarter of the way to a higher one, by at most a quarter of itself: the
   * first, cold runs are forgotten at once, a burst of load from other processes counts within a
   * few runs, a single slow run (a pause of the JVM) hardly does. A part runs on the caller alone
   * only when that is more than an eighth faster.
   */
  static final class Stats {
    long[] together = new long[0];
    long[] alone = new long[0];
    long[] runs = new long[0];

    void ensure(int part) {
      if (part >= runs.length) {
        int n = Math.max(part + 1, 2 * runs.length);
        together = java.util.Arrays.copyOf(together, n);
        alone = java.util.Arrays.copyOf(alone, n);
        runs = java.util.Arrays.copyOf(runs, n);
      }
    }

    /**
     * Whether the next run of {@code part} should use every thread: the faster way, the other every
     * {@link #EXPLORE}th run (every fourth of those when it has been more than 1.5 times slower).
     */
    boolean together(int part) {
      long n = ++runs[part];
      if (together[part] == 0) {
        return true;
      }
      if (alone[part] == 0) {
        return false;
      }
      boolean best = together[part] <= alone[part] + alone[part] / 8;
      // a way that has been more than half as slow again is tried a quarter as often
      long slow = Math.max(together[part], alone[part]);
      long fast = Math.min(together[part], alone[part]);
      return n % (slow > fast + fast / 2 ? 4 * EXPLORE : EXPLORE) == 0 ? !best : best;
    }

    void record(int part, boolean both, long nanos) {
      long[] estimate = both ? together : alone;
      long e = estimate[part];
      estimate[part] = e == 0 || nanos < e ? Math.max(1, nanos) : e + Math.min(nanos - e, e) / 4;
    }
  }

  private final String model;
  private final Worker[] workers;
  /** The clock spins, idle times and {@link Stats} read: {@code System::nanoTime}, or a test's own. */
  private final java.util.function.LongSupplier clock;
  /** The number of the current part (high 32 bits) and the next chunk to claim (low 32). */
  private final AtomicLong claims = new AtomicLong();
  private final AtomicInteger finished = new AtomicInteger();
  private int seq;
  /** The current part: written before {@link #claims} publishes it, read after a successful claim. */
  private Parts parts;
  private int part;
  private int chunks;
  private Throwable failure;
  private int failedThread;

  /** Threads for model {@code model}: the caller and {@code threads - 1} workers. */
  StepThreads(String model, int threads) {
    this(model, threads, IDLE_NANOS);
  }

  /** As {@link #StepThreads(String, int)}, workers ending after {@code idleNanos} parked. */
  StepThreads(String model, int threads, long idleNanos) {
    this(model, threads, idleNanos, System::nanoTime);
  }

  /**
   * As {@link #StepThreads(String, int, long)}, reading time from {@code clock} (nanoseconds), so
   * that a test decides when a spin or an idle wait is over instead of the machine's load.
   */
  StepThreads(String model, int threads, long idleNanos, java.util.function.LongSupplier clock) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.model = model;
    this.clock = clock;
    workers = new Worker[threads - 1];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Worker(this, "cortado-" + model + "-" + (i + 1), i + 1, idleNanos);
    }
  }

  /** Floats from which {@link #firstNonFinite} shares the scan out among the threads. */
  static final int SHARED_SCAN_FROM = 1 << 14;

  /** The finiteness scan of one array, in chunks the threads claim as they claim a part's. */
  private final class Scan implements Parts {
    float[] values;
    int pieces;
    final int[] found = new int[2 * size()];
    /** Whether the scan runs on every thread or the caller alone, as for a part. */
    final Stats stats = new Stats();

    @Override
    public void runPart(int part, int chunk, int thread) {
      found[chunk] = InputCheck.firstNonFinite(values, start(chunk), start(chunk + 1));
    }

    /** Where chunk {@code c} starts: an even share, at a multiple of 16 floats (a cache line). */
    private int start(int c) {
      return c == pieces ? values.length : (int) ((long) values.length * c / pieces) & ~15;
    }
  }

  private Scan scan;
  /** The scan's number in its own {@link Stats}, which keeps no other part. */
  private static final int SCAN_PART = 0;

  /**
   * {@link InputCheck#firstNonFinite(float[])} of {@code v}, the scan shared out among the threads
   * in {@code 2·size()} chunks when {@code v} holds at least {@link #SHARED_SCAN_FROM} floats (the
   * MNIST-sized batch's 64 × 784 inputs took 19 µs to scan on the caller before the step's first
   * part): each chunk finds its own first one, and the lowest chunk's answer is the array's.
   * Runs on the caller alone when that has been faster (see {@link Stats}).
   */
  int firstNonFinite(float[] v) {
    if (workers.length == 0 || v.length < SHARED_SCAN_FROM) {
      return InputCheck.firstNonFinite(v);
    }
    if (scan == null) {
      scan = new Scan();
    }
    Scan s = scan;
    s.values = v;
    s.pieces = s.found.length;
    try {
      run(s, SCAN_PART, s.pieces, s.stats);
    } finally {
      s.values = null;
    }
    for (int at : s.found) {
      if (at >= 0) {
        return at;
      }
    }
    return -1;
  }

  /** The number of threads a part runs on, the caller included. */
  int size() {
    return workers.length + 1;
  }

  /** Runs the {@code chunks} chunks of part {@code part} on every thread and returns when all are finished. */
  void run(Parts parts, int part, int chunks) {
    run(parts, part, chunks, true);
  }

  /**
   * Runs the {@code chunks} chunks of part {@code part} on every thread, or on the caller alone
   * when {@code stats} says that is faster (null: always on every thread), and returns when all
   * are finished.
   */
  void run(Parts parts, int part, int chunks, Stats stats) {
    if (stats == null) {
      run(parts, part, chunks);
      return;
    }
    stats.ensure(part);
    boolean together = workers.length > 0 && stats.together(part);
    long start = clock.getAsLong();
    run(parts, part, chunks, together);
    stats.record(part, together, clock.getAsLong() - start);
  }

  private void run(Parts parts, int part, int chunks, boolean together) {
    if (!together) {
      alone(parts, part, chunks);
      return;
    }
    int s = ++seq;
    // Close the claims before rewriting the part's fields. A worker may have read the last
    // part's exhausted claim word and be about to compare it with `chunks`: with a bigger new
    // count it would pass, and its compare-and-set on the old word, still current, would claim
    // a chunk of the new part before the part starts, so that chunk ran twice (and the step
    // could return while it still ran). Once the word has changed, that compare-and-set fails.
    claims.set(((long) s << 32) | Integer.MAX_VALUE);
    this.parts = parts;
    this.part = part;
    this.chunks = chunks;
    failure = null;
    finished.set(0);
    claims.set((long) s << 32);
    for (Worker w : workers) {
      w.wake(s);
    }
    work(s, 0);
    int spins = 0;
    while (finished.get() < chunks) {
      if (++spins < CALLER_SPINS) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
    }
    this.parts = null;
    rethrow(parts, part);
  }

  /** Every chunk on the caller, the workers left alone. */
  private void alone(Parts parts, int part, int chunks) {
    failure = null;
    for (int c = 0; c < chunks; c++) {
      try {
        parts.runPart(part, c, 0);
      } catch (Throwable e) {
        synchronized (this) {
          if (failure == null) {
            failure = e;
            failedThread = 0;
          }
        }
      }
    }
    rethrow(parts, part);
  }

  private void rethrow(Parts parts, int part) {
    Throwable f;
    int who;
    synchronized (this) {
      f = failure;
      who = failedThread;
      failure = null;
    }
    if (f != null) {
      throw new IllegalStateException("model '" + model + "': thread " + who + " of " + size() + " failed in "
          + (parts instanceof Scan ? "the scan of the inputs" : "part " + part + " of the step")
          + "; every thread has stopped, the variables may be partly updated", f);
    }
  }

  /** Claims and runs chunks of part number {@code s} as thread {@code t} until none is left. */
  private void work(int s, int t) {
    while (true) {
      long v = claims.get();
      if ((int) (v >>> 32) != s || (int) v >= chunks) {
        return;
      }
      if (!claims.compareAndSet(v, v + 1)) {
        continue;
      }
      try {
        parts.runPart(part, (int) v, t);
      } catch (Throwable e) {
        synchronized (this) {
          if (failure == null) {
            failure = e;
            failedThread = t;
          }
        }
      }
      finished.incrementAndGet();
    }
  }

  /**
   * Ends the workers now and waits for them to finish (up to {@link #CLOSE_WAIT_MILLIS} each, a
   * bound no healthy worker nears: it only has to see the stop flag, and on a machine shared
   * with other work that can take a while); a later {@link #run} starts them again.
   */
  void close() {
    for (Worker w : workers) {
      w.stop();
    }
  }

  /** How long worker {@code i}'s next wait spins (for tests; read while it is parked or between parts). */
  long spinNanos(int i) {
    workers[i].state.get(); // a volatile read after the worker's last write of its spin
    return workers[i].spinNanos;
  }

  /** Whether worker {@code i} is parked, waiting for a part (for tests). */
  boolean parked(int i) {
    return workers[i].state.get() == Worker.PARKED;
  }

  /** Wakes every parked worker without a part, so that it reads the clock again (for tests). */
  void nudge() {
    for (Worker w : workers) {
      Thread t = w.thread;
      if (t != null) {
        LockSupport.unpark(t);
      }
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

  /** One worker: its wake-up fields and, while it lives, its thread. */
  private static final class Worker implements Runnable {
    static final int ACTIVE = 0;
    static final int PARKED = 1;
    static final int DEAD = 2;

    final StepThreads pool;
    final String name;
    final int index;
    final long idleNanos;
    final AtomicInteger state = new AtomicInteger(DEAD);
    /** The number of the part handed over last. */
    volatile int go;
    volatile boolean stopping;
    volatile Thread thread;
    /** How long the next wait spins before parking (the worker thread's own). */
    long spinNanos = SPIN_NANOS;

    Worker(StepThreads pool, String name, int index, long idleNanos) {
      this.pool = pool;
      this.name = name;
      this.index = index;
      this.idleNanos = idleNanos;
    }

    /** Announces part number {@code s}, waking or starting the thread as needed. */
    void wake(int s) {
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
          // no thread: the caller claims every chunk itself
          state.set(DEAD);
        }
        return;
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
        t.join(CLOSE_WAIT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void run() {
      int seen = 0;
      while (true) {
        int g = next(seen);
        if (g == seen) {
          return;
        }
        seen = g;
        pool.work(g, index);
      }
    }

    /** The next part's number, or {@code seen} when this thread should end. */
    private int next(int seen) {
      int g;
      java.util.function.LongSupplier clock = pool.clock;
      long t0 = clock.getAsLong();
      while ((g = go) == seen && !stopping && clock.getAsLong() - t0 < spinNanos) {
        Thread.onSpinWait();
      }
      if (g != seen) {
        spinNanos = SPIN_NANOS;
        return g;
      }
      spinNanos = Math.max(LEAST_SPIN_NANOS, spinNanos >> 2);
      state.set(PARKED);
      long parkedAt = clock.getAsLong();
      while ((g = go) == seen) {
        long idle = clock.getAsLong() - parkedAt;
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
