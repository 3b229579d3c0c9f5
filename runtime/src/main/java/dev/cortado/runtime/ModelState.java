package dev.cortado.runtime;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The state one compiled model keeps across steps, shared by every batch-size specialisation of
 * it: each variable's array ({@code float[]} for F32, {@code double[]} for F64 and for the
 * counters of {@link ModelSpec#isCounter}, starting at zero), the run-time scalars, the last step's losses, and
 * the instances made for each batch size seen. A generated class reads the arrays through final
 * fields, so switching batch size copies nothing.
 */
public final class ModelState {
  /** Makes the instance of a model for one batch size, joined to a state. */
  @FunctionalInterface
  public interface Specializer {
    /**
     * Makes the instance for one batch size.
     *
     * @param batch the batch size, at least 1
     * @param state the state the instance reads and writes
     * @return the instance
     */
    CompiledModel create(int batch, ModelState state);

    /**
     * The instances for several batch sizes at once, joined to {@code state}; a code generator
     * overrides this to compile them together (one compiler run costs about as much as one class).
     *
     * @param batches the batch sizes
     * @param state the state the instances share
     * @return the instances by batch size
     */
    default Map<Integer, CompiledModel> createAll(int[] batches, ModelState state) {
      Map<Integer, CompiledModel> made = new LinkedHashMap<>();
      for (int b : batches) {
        made.put(b, create(b, state));
      }
      return made;
    }

    /**
     * Faster classes for sizes this specializer made quick-start instances of and marked with
     * {@link ModelState#upgradeLater}: each must compute every value in the same order as the
     * quick one, so that swapping them between two steps changes no result. Called on a
     * background thread; a size left out keeps its quick class.
     *
     * @param batches the batch sizes marked
     * @param state the state the classes will join
     * @return the faster classes by batch size (empty: keep every quick class)
     */
    default Map<Integer, Class<? extends CompiledModel>> upgrades(int[] batches, ModelState state) {
      return Map.of();
    }
  }

  final ModelSpec spec;
  final Object[] variables;
  final double[] hypers;
  final Map<Integer, CompiledModel> byBatch = new java.util.concurrent.ConcurrentHashMap<>();
  final Specializer specializer;
  double[] lastLosses;
  /** Reused on every step, so a step allocates nothing here. */
  final double[] stepLosses;
  final Object[] stepInputs;
  final int lossIndex;
  /** The instance of the batch size used last (other than the caller's own), read without a lock. */
  volatile CompiledModel lastUsed;
  /**
   * Steps and variable writes take the write lock; predictions, evaluations and variable reads
   * take the read lock, so they run side by side and each sees the variables between two steps.
   */
  final java.util.concurrent.locks.StampedLock lock = new java.util.concurrent.locks.StampedLock();
  /** Whether a call is running parts on {@link #threads} (the workers serve one call at a time). */
  final java.util.concurrent.atomic.AtomicBoolean threadsOwned = new java.util.concurrent.atomic.AtomicBoolean();
  /** The worker threads of a step split over threads, made on its first split part. */
  volatile StepThreads threads;
  /** Run every part of a split step on the calling thread (a background warm-up's state). */
  boolean serialParts;
  final Upgrades upgrades = new Upgrades(this);

  /**
   * A fresh state: variables zero, run-time scalars at their defaults, no step taken.
   *
   * @param spec what the model holds
   * @param specializer makes the instance for each batch size
   */
  public ModelState(ModelSpec spec, Specializer specializer) {
    this.spec = spec;
    this.specializer = specializer;
    variables = new Object[spec.variables.size()];
    int i = 0;
    for (Map.Entry<String, int[]> v : spec.variables.entrySet()) {
      int n = ModelSpec.size(v.getValue(), 1);
      variables[i++] = spec.f32 && !spec.isCounter(v.getKey()) ? new float[n] : new double[n];
    }
    stepLosses = new double[spec.losses.size()];
    stepInputs = new Object[spec.inputs.size()];
    lossIndex = Math.max(0, spec.losses.indexOf("loss"));
    hypers = new double[spec.hypers.size()];
    i = 0;
    for (double d : spec.hypers.values()) {
      hypers[i++] = d;
    }
  }

  /**
   * What the model holds: inputs, outputs, variables, state, losses and scalars.
   *
   * @return the spec
   */
  public ModelSpec spec() {
    return spec;
  }

  /** Worker threads for steps split over {@code n} threads, replacing (and ending) any of another count. */
  StepThreads threads(int n) {
    if (threads != null) {
      threads.close();
    }
    threads = new StepThreads(spec.name, n);
    return threads;
  }

  /**
   * Marks the instances {@code by} just made for {@code batches} as quick starts: after the next
   * step, {@code by.upgrades} ({@link Specializer#upgrades}) makes their faster classes on a
   * background thread, and each is put in place before the first step after it is ready.
   *
   * @param by the specializer that made the quick instances
   * @param batches their batch sizes
   */
  public void upgradeLater(Specializer by, int... batches) {
    upgrades.later(java.util.Objects.requireNonNull(by, "by"), batches.clone());
  }

  /**
   * Waits up to {@code millis} ms (0: not at all) for the faster classes marked with {@link
   * #upgradeLater}, starting them now if no step has: for benchmarks and tests that want the final
   * classes.
   *
   * @param millis the longest wait, in milliseconds
   * @return true when none is still being made (each ready one is put in place by the next step)
   * @throws InterruptedException if the waiting thread is interrupted
   * @throws IllegalStateException if making one failed (the quick class then stays), with the cause
   */
  public boolean awaitUpgrades(long millis) throws InterruptedException {
    return upgrades.await(millis);
  }

  /**
   * The class that runs batch size {@code batch} now (or at the next step, if one is ready), or
   * null.
   *
   * @param batch the batch size
   * @return the class, or null if no instance was made for it
   */
  public Class<? extends CompiledModel> classFor(int batch) {
    CompiledModel m = upgrades.offeredFor(batch);
    m = m != null ? m : byBatch.get(batch);
    return m == null ? null : m.getClass();
  }

  /**
   * The batch sizes that have an instance (a class) made, ascending.
   *
   * @return a new set
   */
  public SortedSet<Integer> batchSizes() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(byBatch.keySet()));
  }

  /** The instance for {@code batch}, made once by the specializer. */
  synchronized CompiledModel forBatch(int batch) {
    CompiledModel m = byBatch.get(batch);
    if (m != null) {
      return m;
    }
    requireSpecializer(List.of(batch));
    m = specializer.create(batch, this);
    byBatch.put(batch, m);
    return m;
  }

  /**
   * Makes the instances for the sizes in {@code batches} that have none yet, all at once. Checks
   * every size before making anything, so a bad one leaves the state as it was.
   */
  synchronized void prepare(int... batches) {
    SortedSet<Integer> todo = new TreeSet<>();
    for (int b : batches) {
      if (b < 1) {
        throw new IllegalArgumentException("model '" + spec.name + "': batch size " + b + " in "
            + Arrays.toString(batches) + " is not at least 1");
      }
      if (!byBatch.containsKey(b)) {
        todo.add(b);
      }
    }
    if (todo.isEmpty()) {
      return;
    }
    requireSpecializer(todo);
    Map<Integer, CompiledModel> made = specializer.createAll(todo.stream().mapToInt(Integer::intValue).toArray(), this);
    for (int b : todo) {
      CompiledModel m = made.get(b);
      if (m == null || m.batchSize() != b) {
        throw new IllegalStateException("model '" + spec.name + "': the specializer made no instance for batch " + b);
      }
      byBatch.putIfAbsent(b, m);
    }
  }

  private void requireSpecializer(Collection<Integer> batches) {
    if (specializer == null) {
      throw new IllegalArgumentException("model '" + spec.name + "' was generated for batch sizes "
          + new TreeSet<>(byBatch.keySet()) + " and cannot run batch "
          + (batches.size() == 1 ? batches.iterator().next() : "sizes " + batches)
          + " without a Java compiler: generate a class for that batch size (cortado-maven-plugin), "
          + "compile at run time with model.compile(...), or use model.interpret(...)");
    }
  }
}
