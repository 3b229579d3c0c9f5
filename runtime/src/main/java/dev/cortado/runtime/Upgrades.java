package dev.cortado.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A state's quick-start classes and their replacements, made in the background: HotSpot's tiered
 * compilation, one level up. A code generator may answer a batch size first with a class that
 * compiles and warms up quickly ({@link ModelState#upgradeLater}); after the first step this
 * makes the faster class on a daemon thread ({@link ModelState.Specializer#upgrades}), runs it on
 * zero inputs in a state of its own until the JIT has compiled it, joins it to the real state and
 * offers it; the thread that runs steps puts it in place before its next step. Both classes
 * compute every value in the same order (the specializer's promise), so when the swap happens
 * changes no result.
 *
 * <p>A failure leaves the quick class in place for good: it is logged as a warning ({@code
 * System.Logger} "dev.cortado.runtime.Upgrades") and kept for {@link #await}.
 */
final class Upgrades {
  private static final System.Logger LOG = System.getLogger(Upgrades.class.getName());
  /** The least time the replacement runs before it is offered, and the most. */
  static final long MIN_WARM_NANOS = 100_000_000L;
  static final long MAX_WARM_NANOS = 5_000_000_000L;
  /** The fewest warm-up rounds (a training step, a prediction and an evaluation each). */
  static final int MIN_ROUNDS = 20;

  private final ModelState state;
  /** Upgrades waiting for the next step to start them. */
  private List<Job> pending = new ArrayList<>();
  /** Whether {@link #pending} is not empty: the one read a step pays after it ran. */
  private volatile boolean anyPending;
  private final Map<Integer, CompiledModel> ready = new ConcurrentHashMap<>();
  /** True while {@link #ready} may hold an instance: the one read a step pays. */
  volatile boolean offered;
  private Thread running;
  private volatile Throwable failure;

  /** Sizes whose faster classes {@code by} makes. */
  private record Job(ModelState.Specializer by, int[] batches) {}

  Upgrades(ModelState state) {
    this.state = state;
  }

  /** Marks {@code batches} for an upgrade by {@code by}, started after the next step. */
  synchronized void later(ModelState.Specializer by, int[] batches) {
    pending.add(new Job(by, batches));
    anyPending = true;
  }

  boolean hasPending() {
    return anyPending;
  }

  /** Starts the background thread for the sizes marked so far, if there are any. */
  synchronized void start() {
    if (pending.isEmpty()) {
      return;
    }
    List<Job> jobs = pending;
    pending = new ArrayList<>();
    anyPending = false;
    Thread previous = running;
    running = new Thread(() -> {
      try {
        if (previous != null) {
          previous.join(); // one upgrade at a time: they share the specializer's compiler
        }
        for (Job j : jobs) {
          make(j.by(), j.batches());
        }
      } catch (Throwable e) {
        failure = e;
        LOG.log(System.Logger.Level.WARNING, "model '" + state.spec.name
            + "': making the faster class failed; the quick-start class stays", e);
      }
    }, "cortado-upgrade-" + state.spec.name);
    running.setDaemon(true);
    running.start();
  }

  private void make(ModelState.Specializer by, int[] batches) {
    Map<Integer, Class<? extends CompiledModel>> classes = by.upgrades(batches, state);
    for (Map.Entry<Integer, Class<? extends CompiledModel>> e : classes.entrySet()) {
      int b = e.getKey();
      ModelState scratch = new ModelState(state.spec, null);
      scratch.serialParts = true; // the warm-up takes no worker thread from the real steps
      warmUp(CompiledModel.instantiate(e.getValue(), scratch), b);
      ready.put(b, CompiledModel.instantiate(e.getValue(), state));
      offered = true;
    }
  }

  /**
   * Runs every entry point of {@code m} on zero inputs until the best round stops improving (the
   * JIT has compiled the loops): at least {@value #MIN_ROUNDS} rounds and {@link #MIN_WARM_NANOS},
   * at most {@link #MAX_WARM_NANOS}.
   */
  private void warmUp(CompiledModel m, int batch) {
    ModelSpec s = state.spec;
    Object[] in = new Object[s.inputs.size()];
    int i = 0;
    for (int[] shape : s.inputs.values()) {
      int n = ModelSpec.size(shape, batch);
      in[i++] = s.f32 ? new float[n] : new double[n];
    }
    double[] losses = new double[s.losses.size()];
    Object[] out = new Object[s.outputs.size()];
    long start = System.nanoTime();
    long bestEarly = Long.MAX_VALUE;
    long bestLate = Long.MAX_VALUE;
    for (int round = 0; ; round++) {
      long t = System.nanoTime();
      if (s.trains) {
        m.runTrain(in, losses);
      }
      if (!s.outputs.isEmpty()) {
        m.runPredict(in, out);
      }
      if (!s.losses.isEmpty()) {
        m.runEvaluate(in, losses);
      }
      long now = System.nanoTime();
      // the best of the last half of the rounds against the best before: no better by a tenth
      if (Long.bitCount(round + 1) == 1) {
        bestEarly = Math.min(bestEarly, bestLate);
        bestLate = Long.MAX_VALUE;
      }
      bestLate = Math.min(bestLate, now - t);
      boolean settled = round + 1 >= MIN_ROUNDS && bestLate >= bestEarly - bestEarly / 10;
      if (now - start >= MAX_WARM_NANOS || settled && now - start >= MIN_WARM_NANOS) {
        return;
      }
    }
  }

  /** The instance offered for {@code batch} and not yet in place, or null. */
  CompiledModel offeredFor(int batch) {
    return ready.get(batch);
  }

  /** Puts every offered instance in place of its batch size's: on the stepping thread, between steps. */
  synchronized void take() {
    offered = false;
    for (Integer b : List.copyOf(ready.keySet())) {
      CompiledModel m = ready.remove(b);
      state.byBatch.put(b, m);
      if (state.lastUsed != null && state.lastUsed.batchSize() == b) {
        state.lastUsed = m;
      }
    }
  }

  /**
   * Waits up to {@code millis} for the upgrades marked so far (starting them if no step has yet);
   * 0 does not wait (unlike {@code Thread.join(0)}, which waits for ever).
   *
   * @return true when every one has been offered (the next step takes it)
   * @throws IllegalStateException if making one failed, with that failure as its cause
   */
  boolean await(long millis) throws InterruptedException {
    start();
    Thread t;
    synchronized (this) {
      t = running;
    }
    if (t != null && millis > 0) {
      t.join(millis);
    }
    Throwable f = failure;
    if (f != null) {
      throw new IllegalStateException("model '" + state.spec.name + "': making the faster class failed; "
          + "the quick-start class stays", f);
    }
    return t == null || !t.isAlive();
  }
}
