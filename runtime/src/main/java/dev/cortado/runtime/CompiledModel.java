package dev.cortado.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The base of every generated model class: the {@link Executable} contract (input checks,
 * conversions, names, variables, run-time scalars, losses) written once, over three entry points
 * a generated subclass implements for one literal batch size. A call whose batch size differs is
 * handed to the instance for that size, made once through the state's {@link
 * ModelState.Specializer} and sharing the same {@link ModelState}.
 *
 * <p>Entry points receive the inputs in declaration order ({@code float[]} for F32 models,
 * {@code double[]} for F64; {@code null} for inputs the entry does not read). {@code runTrain}
 * and {@code runEvaluate} write the losses in {@link ModelSpec#lossNames()} order; {@code
 * runPredict} stores each output's array (whose first {@code size} elements are the output).
 * A generated class starts with every variable at zero: the runtime path sets the initial values
 * with {@link #setParameter}, the build-time path with {@link Checkpoint#load}.
 *
 * <p>Threads ({@link Executable}'s contract): an instance's working arrays are fields, so each
 * call takes an instance for itself, this one or an idle spare of the same class joined to the
 * same state; steps and variable writes hold the state's write lock, predictions, evaluations
 * and reads its read lock.
 */
public abstract class CompiledModel implements Executable {
  private final ModelState state;
  private final int batch;
  /** This model's {@link #runPart}, made once so that a split step allocates nothing. */
  private final StepThreads.Parts parts = this::runPart;
  /** How fast this class's parts run on all threads and on the caller alone, made on the first split part. */
  private StepThreads.Stats partStats;
  /** Whether a call is running on this instance (its working arrays are taken). */
  private final java.util.concurrent.atomic.AtomicBoolean busy = new java.util.concurrent.atomic.AtomicBoolean();
  /**
   * Idle instances of this class joined to the same state, for calls that find this one busy:
   * each has working arrays of its own, so predictions on many threads run side by side.
   */
  private final java.util.concurrent.ConcurrentLinkedQueue<CompiledModel> spares =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  /**
   * The global row of this batch's first row while {@link #runGradient} runs for a chunk of a
   * larger batch, else 0: a dropout mask whose first axis is the batch adds {@code firstRow} times
   * its elements per row to its index, so the chunk draws the larger batch's masks.
   */
  protected long firstRow;

  /**
   * A model with fresh state, for {@code batch}; {@code specializer} may be null.
   *
   * @param spec what the model holds
   * @param batch the batch size the subclass's code is for
   * @param specializer makes the instances for other batch sizes, or null
   */
  protected CompiledModel(ModelSpec spec, int batch, ModelState.Specializer specializer) {
    this(new ModelState(spec, specializer), batch);
  }

  /**
   * A model for {@code batch} sharing {@code state} with the other batch sizes ({@code batch} -1:
   * none).
   *
   * @param state the state shared with the other batch sizes
   * @param batch the batch size the subclass's code is for
   */
  protected CompiledModel(ModelState state, int batch) {
    this.state = state;
    this.batch = batch;
    if (batch > 0) {
      state.byBatch.putIfAbsent(batch, this);
    }
  }

  /**
   * An executable that compiles nothing until the first call, then runs each batch size on the
   * instance the specializer makes for it.
   *
   * @param spec what the model holds
   * @param specializer makes the instance for each batch size
   * @return the executable
   */
  public static Executable lazy(ModelSpec spec, ModelState.Specializer specializer) {
    return new CompiledModel(new ModelState(spec, specializer), -1) {
      @Override
      protected void runTrain(Object[] in, double[] losses) {
        throw new AssertionError();
      }

      @Override
      protected void runPredict(Object[] in, Object[] out) {
        throw new AssertionError();
      }

      @Override
      protected void runEvaluate(Object[] in, double[] losses) {
        throw new AssertionError();
      }
    };
  }

  /**
   * A new instance of the generated class {@code c} joined to {@code state}, through its public
   * {@code (ModelState)} constructor.
   *
   * @param c a generated subclass
   * @param state the state to join
   * @return the new instance
   * @throws IllegalStateException naming the class when it has no such constructor or the
   *     constructor throws (with what it threw as the cause)
   */
  public static CompiledModel instantiate(Class<?> c, ModelState state) {
    try {
      return (CompiledModel) c.getConstructor(ModelState.class).newInstance(state);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw new IllegalStateException("generated class " + c.getName() + " failed to start", e.getCause());
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException("generated class " + c.getName() + " has no public (ModelState) constructor", e);
    }
  }

  /**
   * One training step: forward, backward and the optimizer's update.
   *
   * @param in the inputs in {@link ModelSpec#inputNames()} order, {@code double[]} or {@code
   *     float[]} as the model's dtype (null for one the step does not read)
   * @param losses receives the losses, in {@link ModelSpec#lossNames()} order
   */
  protected abstract void runTrain(Object[] in, double[] losses);

  /**
   * The forward pass, dropout off, no update.
   *
   * @param in the inputs in {@link ModelSpec#inputNames()} order
   * @param out receives the outputs in {@link ModelSpec#outputNames()} order, arrays of the model's
   *     dtype
   */
  protected abstract void runPredict(Object[] in, Object[] out);

  /**
   * The losses of a batch, dropout off, no update.
   *
   * @param in the inputs in {@link ModelSpec#inputNames()} order
   * @param losses receives the losses, in {@link ModelSpec#lossNames()} order
   */
  protected abstract void runEvaluate(Object[] in, double[] losses);

  /**
   * The gradient half of the split step: as {@link #runTrain}, but the gradient of each trainable
   * parameter goes to its gradient buffer ({@link ModelSpec#gradientBuffer}) and no parameter,
   * optimizer state or step count changes. Only a class generated with the split step overrides
   * it ({@link #hasSplitStep}); the split-step calls never reach this one.
   *
   * @param in the inputs in {@link ModelSpec#inputNames()} order
   * @param losses receives the losses, in {@link ModelSpec#lossNames()} order
   */
  protected void runGradient(Object[] in, double[] losses) {
    throw new IllegalStateException("class " + getClass().getName() + " of model '" + state.spec.name
        + "' was generated without the split step");
  }

  /**
   * The apply half of the split step: the optimizer's update from the gradient buffers; see
   * {@link #runGradient}.
   *
   * @param in the inputs (the apply half reads none)
   * @param losses receives the losses, in {@link ModelSpec#lossNames()} order
   */
  protected void runApply(Object[] in, double[] losses) {
    throw new IllegalStateException("class " + getClass().getName() + " of model '" + state.spec.name
        + "' was generated without the split step");
  }

  /** Whether each class overrides both halves of the split step, found once per class. */
  private static final ClassValue<Boolean> SPLIT_STEP = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> c) {
      return declares(c, "runGradient") && declares(c, "runApply");
    }

    private boolean declares(Class<?> c, String method) {
      for (Class<?> k = c; k != CompiledModel.class && k != null; k = k.getSuperclass()) {
        try {
          k.getDeclaredMethod(method, Object[].class, double[].class);
          return true;
        } catch (NoSuchMethodException e) {
          // not in this class: look in its superclass
        }
      }
      return false;
    }
  };

  /**
   * Whether this class holds the halves of the split step ({@link #runGradient}, {@link
   * #runApply}): a class compiled at run time gets them on the first split-step call, one
   * generated at build time when the Maven plugin's {@code splitStep} is set.
   */
  final boolean hasSplitStep() {
    return SPLIT_STEP.get(getClass());
  }

  /**
   * Chunk {@code chunk} of part {@code part} of an entry point split over threads, run by thread
   * {@code thread} (0 is the caller's; it picks the thread's private working arrays): a class
   * generated for several threads computes that chunk's range of the part's loop here. A class
   * generated for one thread has no parts.
   *
   * @param part the part, numbered in the generated class
   * @param chunk the chunk of the part's loop
   * @param thread the thread running it, 0 the caller
   */
  protected void runPart(int part, int chunk, int thread) {
    throw new IllegalStateException("model '" + state.spec.name + "' has no part " + part + " to run on threads");
  }

  /**
   * Runs the {@code chunks} chunks of part {@code part} ({@link #runPart}) on {@code threads}
   * threads, the caller and the state's worker threads each claiming chunks until none is left,
   * and returns when all are finished: a barrier, so the next part or kernel sees everything each
   * chunk wrote. A part that has been running faster on the caller alone (other processes keeping
   * the cores busy) runs there, with the same results. If a chunk throws, this throws once every claimed chunk has finished (see {@code
   * StepThreads}). Allocates nothing.
   *
   * @param part the part
   * @param chunks the chunks it is cut into
   * @param threads the threads at most
   */
  protected final void parallel(int part, int chunks, int threads) {
    // the workers serve one call at a time: a call that finds them taken by another runs its
    // part on its own thread, with the same results
    if (state.serialParts || !state.threadsOwned.compareAndSet(false, true)) {
      for (int c = 0; c < chunks; c++) {
        runPart(part, c, 0);
      }
      return;
    }
    try {
      StepThreads t = state.threads;
      if (t == null || t.size() != threads) {
        t = state.threads(threads);
      }
      if (partStats == null) {
        partStats = new StepThreads.Stats();
      }
      t.run(parts, part, chunks, partStats);
    } finally {
      state.threadsOwned.set(false);
    }
  }

  /**
   * Ends the worker threads of a step split over threads now, rather than after they have been
   * idle for about a second; the next step starts them again. A no-op for one thread.
   */
  @Override
  public final void close() {
    StepThreads t = state.threads;
    if (t != null) {
      t.close();
    }
  }

  /** Makes the classes for the sizes in {@code batchSizes} not made yet, together (see {@link ModelState#prepare}). */
  @Override
  public final void prepare(int... batchSizes) {
    state.prepare(batchSizes);
  }

  /**
   * The batch size this instance's code was generated for.
   *
   * @return the batch size
   */
  public final int batchSize() {
    return batch;
  }

  /**
   * What the model holds: inputs, outputs, variables, state, losses and scalars.
   *
   * @return the spec
   */
  public final ModelSpec spec() {
    return state.spec;
  }

  /**
   * The shared state (for the code that makes other batch sizes).
   *
   * @return the state
   */
  public final ModelState state() {
    return state;
  }

  /**
   * Variable {@code i}'s array in an F64 model.
   *
   * @param i the variable's index in {@link ModelSpec#variableShapes()}
   * @return the live array
   */
  protected final double[] f64(int i) {
    return (double[]) state.variables[i];
  }

  /**
   * Variable {@code i}'s array in an F32 model.
   *
   * @param i the variable's index in {@link ModelSpec#variableShapes()}
   * @return the live array
   */
  protected final float[] f32(int i) {
    return (float[]) state.variables[i];
  }

  /**
   * The run-time scalars' current values, in declaration order.
   *
   * @return the live array
   */
  protected final double[] hypers() {
    return state.hypers;
  }

  // ------------------------------------------------------------------ steps

  @Override
  public final double trainStep(Map<String, double[]> inputs) {
    requireTraining();
    int b = batchOf(inputs, state.spec.trainInputs, v -> v.length);
    long stamp = state.lock.writeLock();
    try {
      return train(convert(inputs, state.spec.trainInputs, state.stepInputs), b);
    } finally {
      state.lock.unlockWrite(stamp);
    }
  }

  @Override
  public final double trainStepFloats(Map<String, float[]> inputs) {
    requireTraining();
    int b = batchOf(inputs, state.spec.trainInputs, v -> v.length);
    long stamp = state.lock.writeLock();
    try {
      return train(convertFloats(inputs, state.spec.trainInputs, state.stepInputs), b);
    } finally {
      state.lock.unlockWrite(stamp);
    }
  }

  private void requireTraining() {
    if (!state.spec.trains) {
      throw new IllegalStateException("model '" + state.spec.name
          + "' was built for inference only: pass an optimizer to interpret(...) or compile(...) to train it");
    }
  }

  /** One step, the caller holding the state's write lock (see {@link ModelState#lock}). */
  private double train(Object[] in, int b) {
    double[] losses = state.stepLosses;
    try {
      CompiledModel t = target(b);
      CompiledModel m = t.acquire();
      try {
        m.runTrain(in, losses);
      } finally {
        t.release(m);
      }
      startUpgrades();
    } finally {
      java.util.Arrays.fill(in, null);
    }
    if (state.lastLosses == null) {
      state.lastLosses = new double[losses.length];
    }
    System.arraycopy(losses, 0, state.lastLosses, 0, losses.length);
    return losses[state.lossIndex];
  }

  /**
   * This instance if no call is running on it, else an idle spare of the same class (made the
   * first time one is needed): a call takes an instance for itself, so that its working arrays
   * are its own.
   */
  private CompiledModel acquire() {
    if (busy.compareAndSet(false, true)) {
      return this;
    }
    CompiledModel m = spares.poll();
    return m != null ? m : instantiate(getClass(), state);
  }

  /** Gives back an instance {@link #acquire} returned. */
  private void release(CompiledModel m) {
    if (m == this) {
      busy.set(false);
    } else {
      spares.offer(m);
    }
  }

  /** Starts making the faster classes marked while this step's class was made, now that it has run a step. */
  private void startUpgrades() {
    if (state.upgrades.hasPending()) {
      state.upgrades.start();
    }
  }

  /** The instance for batch size {@code b}: this one, the last one used, or one made for it. */
  private CompiledModel target(int b) {
    if (b == batch) {
      return this;
    }
    if (state.upgrades.offered) {
      state.upgrades.take();
    }
    CompiledModel last = state.lastUsed;
    if (last != null && last.batch == b) {
      return last;
    }
    CompiledModel m = state.forBatch(b);
    state.lastUsed = m;
    return m;
  }

  // ------------------------------------------------------------------ the split step

  @Override
  public final Gradients newGradients() {
    requireSplit();
    List<String> names = state.spec.trainableNames();
    List<Integer> sizes = new ArrayList<>();
    for (String n : names) {
      sizes.add(ModelSpec.size(state.spec.variables.get(n), 1));
    }
    return new Gradients(names, sizes);
  }

  @Override
  public final double accumulateGradients(Map<String, double[]> inputs, double weight, Gradients into) {
    return accumulateGradients(inputs, weight, into, 0);
  }

  @Override
  public final double accumulateGradients(Map<String, double[]> inputs, double weight, Gradients into, long firstRow) {
    requireSplit();
    requireOwn(into, weight);
    if (firstRow < 0) {
      throw new IllegalArgumentException("the first row of a chunk must be 0 or more, got " + firstRow);
    }
    int b = batchOf(inputs, state.spec.trainInputs, v -> v.length);
    long stamp = state.lock.writeLock();
    try {
      return gradient(convert(inputs, state.spec.trainInputs, state.stepInputs), b, weight, into, firstRow);
    } finally {
      state.lock.unlockWrite(stamp);
    }
  }

  @Override
  public final double accumulateGradientsFloats(Map<String, float[]> inputs, double weight, Gradients into) {
    requireSplit();
    requireOwn(into, weight);
    int b = batchOf(inputs, state.spec.trainInputs, v -> v.length);
    long stamp = state.lock.writeLock();
    try {
      return gradient(convertFloats(inputs, state.spec.trainInputs, state.stepInputs), b, weight, into, 0);
    } finally {
      state.lock.unlockWrite(stamp);
    }
  }

  private double gradient(Object[] in, int b, double weight, Gradients into, long firstRow) {
    double[] losses = state.stepLosses;
    try {
      CompiledModel t = splitTarget(b);
      CompiledModel m = t.acquire();
      try {
        m.firstRow = firstRow;
        m.runGradient(in, losses);
      } finally {
        m.firstRow = 0;
        t.release(m);
      }
    } finally {
      java.util.Arrays.fill(in, null);
    }
    for (String p : state.spec.trainableNames()) {
      double[] sum = into.get(p);
      Object buf = state.variables[index(ModelSpec.gradientBuffer(p))];
      if (buf instanceof float[] f) {
        for (int i = 0; i < sum.length; i++) {
          sum[i] += weight * f[i];
        }
      } else {
        double[] d = (double[]) buf;
        for (int i = 0; i < sum.length; i++) {
          sum[i] += weight * d[i];
        }
      }
    }
    into.addRows(b);
    if (state.lastLosses == null) {
      state.lastLosses = new double[losses.length];
    }
    System.arraycopy(losses, 0, state.lastLosses, 0, losses.length);
    return losses[state.lossIndex];
  }

  @Override
  public final void applyGradients(Gradients gradients) {
    requireSplit();
    requireOwn(gradients, 1);
    for (String p : state.spec.trainableNames()) {
      double[] g = gradients.get(p);
      for (int i = 0; i < g.length; i++) {
        if (!Double.isFinite(g[i])) {
          throw new IllegalArgumentException("gradient of '" + p + "' at index " + i + " is " + g[i]
              + ": it must be finite; nothing was updated");
        }
      }
    }
    long stamp = state.lock.writeLock();
    try {
      CompiledModel last = state.lastUsed;
      CompiledModel t = splitTarget(last != null ? last.batch : batch > 0 ? batch : 1); // the update reads no input
      for (String p : state.spec.trainableNames()) {
        double[] g = gradients.get(p);
        Object buf = state.variables[index(ModelSpec.gradientBuffer(p))];
        if (buf instanceof float[] f) {
          for (int i = 0; i < g.length; i++) {
            f[i] = (float) g[i];
          }
        } else {
          System.arraycopy(g, 0, (double[]) buf, 0, g.length);
        }
      }
      CompiledModel m = t.acquire();
      try {
        m.runApply(new Object[state.spec.inputs.size()], new double[state.spec.losses.size()]);
      } finally {
        t.release(m);
      }
    } finally {
      state.lock.unlockWrite(stamp);
    }
  }

  /**
   * The instance for batch size {@code b} with the split step's halves: the usual one if its
   * class has them, else one of a class with them, compiled now ({@code ModelState.withSplitStep}).
   */
  private CompiledModel splitTarget(int b) {
    if (state.specializer != null) {
      state.splitStep = true; // a size met from now on is made with the halves at once
    }
    CompiledModel t = target(b);
    if (t.hasSplitStep()) {
      return t;
    }
    CompiledModel m = state.withSplitStep(b, t);
    state.lastUsed = m;
    return m;
  }

  private void requireSplit() {
    requireTraining();
    if (!state.spec.splits()) {
      throw new IllegalStateException("model '" + state.spec.name + "' has no trainable parameter to take gradients of");
    }
    if (batch > 0 && state.specializer == null && !hasSplitStep()) {
      state.withSplitStep(batch, this); // throws: a class generated without the halves, and no compiler to add them
    }
  }

  private void requireOwn(Gradients g, double weight) {
    java.util.Objects.requireNonNull(g, "gradients");
    if (!g.names().equals(state.spec.trainableNames())) {
      throw new IllegalArgumentException("gradients for " + g.names() + " are not those of model '" + state.spec.name
          + "', whose trainable parameters are " + state.spec.trainableNames());
    }
    for (String p : g.names()) {
      int n = ModelSpec.size(state.spec.variables.get(p), 1);
      if (g.get(p).length != n) {
        throw new IllegalArgumentException("gradient of '" + p + "' has " + g.get(p).length + " values, expected " + n);
      }
    }
    if (!Double.isFinite(weight)) {
      throw new IllegalArgumentException("weight " + weight + " of a gradient accumulation must be finite");
    }
  }

  @Override
  public final Map<String, double[]> predict(Map<String, double[]> inputs) {
    int b = batchOf(inputs, state.spec.predictInputs, v -> v.length);
    return predictRaw(convert(inputs, state.spec.predictInputs, new Object[state.spec.inputs.size()]), b,
        Conversions::toDoubles);
  }

  @Override
  public final Map<String, float[]> predictFloats(Map<String, float[]> inputs) {
    int b = batchOf(inputs, state.spec.predictInputs, v -> v.length);
    return predictRaw(convertFloats(inputs, state.spec.predictInputs, new Object[state.spec.inputs.size()]), b,
        Conversions::toFloats);
  }

  /** Each output's first {@code size} elements, converted, by output name. */
  private <T> Map<String, T> named(Object[] out, int b, java.util.function.BiFunction<Object, Integer, T> copy) {
    Map<String, T> r = new LinkedHashMap<>();
    int i = 0;
    for (Map.Entry<String, int[]> e : state.spec.outputs.entrySet()) {
      r.put(e.getKey(), copy.apply(out[i++], ModelSpec.size(e.getValue(), b)));
    }
    return r;
  }

  /**
   * Runs the prediction on an instance of its own under the read lock, and copies the outputs out
   * of that instance's working arrays before giving it back.
   */
  private <T> Map<String, T> predictRaw(Object[] in, int b, java.util.function.BiFunction<Object, Integer, T> copy) {
    Object[] out = new Object[state.spec.outputs.size()];
    if (out.length == 0) {
      return new LinkedHashMap<>();
    }
    Map<String, T> r;
    long stamp = state.lock.readLock();
    try {
      CompiledModel t = target(b);
      CompiledModel m = t.acquire();
      try {
        m.runPredict(in, out);
        r = named(out, b, copy);
      } finally {
        t.release(m);
      }
    } finally {
      state.lock.unlockRead(stamp);
    }
    startUpgrades();
    return r;
  }

  @Override
  public final Map<String, Double> evaluate(Map<String, double[]> inputs) {
    if (state.spec.losses.isEmpty()) {
      throw new IllegalStateException("model '" + state.spec.name + "' has no loss to evaluate: call minimize(loss)");
    }
    int b = batchOf(inputs, state.spec.evaluateInputs, v -> v.length);
    double[] losses = new double[state.spec.losses.size()];
    Object[] in = convert(inputs, state.spec.evaluateInputs, new Object[state.spec.inputs.size()]);
    long stamp = state.lock.readLock();
    try {
      CompiledModel t = target(b);
      CompiledModel m = t.acquire();
      try {
        m.runEvaluate(in, losses);
      } finally {
        t.release(m);
      }
    } finally {
      state.lock.unlockRead(stamp);
    }
    startUpgrades();
    return lossMap(losses);
  }

  @Override
  public final Map<String, Double> lastLosses() {
    long stamp = state.lock.readLock();
    try {
      return state.lastLosses == null ? Map.of() : lossMap(state.lastLosses);
    } finally {
      state.lock.unlockRead(stamp);
    }
  }

  private Map<String, Double> lossMap(double[] v) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < v.length; i++) {
      m.put(state.spec.losses.get(i), v[i]);
    }
    return Collections.unmodifiableMap(m);
  }

  private <T> int batchOf(Map<String, T> inputs, List<String> needed, java.util.function.ToIntFunction<T> len) {
    int b = InputCheck.batchSize(state.spec.name, state.spec.inputs, inputs, needed, len,
        state.spec.maxBatch, state.spec.largest, this::firstNonFinite);
    InputCheck.requireIds(state.spec.ids, inputs, needed);
    return b;
  }

  /**
   * The first NaN or infinity of an input, or -1: scanned on the step's worker threads too when
   * the model has them and no other call holds them (else on the caller), with the same answer.
   */
  private int firstNonFinite(float[] v) {
    StepThreads t = state.threads;
    if (t == null || state.serialParts || !state.threadsOwned.compareAndSet(false, true)) {
      return InputCheck.firstNonFinite(v);
    }
    try {
      return t.firstNonFinite(v);
    } finally {
      state.threadsOwned.set(false);
    }
  }

  private Object[] convert(Map<String, double[]> inputs, List<String> needed, Object[] in) {
    int i = 0;
    for (String name : state.spec.inputs.keySet()) {
      double[] v = needed.contains(name) ? inputs.get(name) : null;
      in[i++] = v == null ? null : state.spec.f32 ? Conversions.toFloats(v, v.length) : v;
    }
    return in;
  }

  private Object[] convertFloats(Map<String, float[]> inputs, List<String> needed, Object[] in) {
    int i = 0;
    for (String name : state.spec.inputs.keySet()) {
      float[] v = needed.contains(name) ? inputs.get(name) : null;
      in[i++] = v == null ? null : state.spec.f32 ? v : Conversions.toDoubles(v, v.length);
    }
    return in;
  }

  // ------------------------------------------------------------------ variables and scalars

  @Override
  public final List<String> parameterNames() {
    return state.spec.parameterNames;
  }

  @Override
  public final List<String> stateNames() {
    return state.spec.stateNames;
  }

  @Override
  public final int[] parameterShape(String name) {
    return variable(name, null).clone();
  }

  @Override
  public final double[] parameter(String name) {
    variable(name, state.spec.parameterNames);
    return read(name);
  }

  @Override
  public final void setParameter(String name, double[] values) {
    write(name, variable(name, state.spec.parameterNames), values);
  }

  @Override
  public final double[] state(String name) {
    variable(name, state.spec.stateNames);
    return read(name);
  }

  @Override
  public final void setState(String name, double[] values) {
    write(name, variable(name, state.spec.stateNames), values);
  }

  private int[] variable(String name, Collection<String> role) {
    int[] shape = state.spec.variables.get(name);
    if (shape == null || (role != null && !role.contains(name))) {
      boolean st = role == state.spec.stateNames;
      throw new IllegalArgumentException("no " + (st ? "optimizer state" : "variable") + " named '" + name
          + "' in model '" + state.spec.name + "'; known: " + (st ? state.spec.stateNames : state.spec.parameterNames));
    }
    return shape;
  }

  private int index(String name) {
    return state.spec.variableIndex.getOrDefault(name, -1);
  }

  private double[] read(String name) {
    long stamp = state.lock.readLock();
    try {
      Object a = state.variables[index(name)];
      return Conversions.toDoubles(a, java.lang.reflect.Array.getLength(a));
    } finally {
      state.lock.unlockRead(stamp);
    }
  }

  private void write(String name, int[] shape, double[] v) {
    int n = ModelSpec.size(shape, 1);
    if (v == null || v.length != n) {
      throw new IllegalArgumentException("'" + name + "' of shape " + ModelSpec.text(shape) + " takes " + n
          + " values, got " + (v == null ? "null" : v.length));
    }
    if (state.spec.isCounter(name) && !(v[0] == Math.rint(v[0]) && Math.abs(v[0]) <= 0x1p53)) {
      throw new IllegalArgumentException("'" + name + "' counts steps: it takes a whole number of at most 2^53, got "
          + v[0]);
    }
    long stamp = state.lock.writeLock();
    try {
      Object a = state.variables[index(name)];
      if (a instanceof double[] d) {
        System.arraycopy(v, 0, d, 0, n);
      } else {
        float[] f = (float[]) a;
        for (int i = 0; i < n; i++) {
          f[i] = (float) v[i];
        }
      }
    } finally {
      state.lock.unlockWrite(stamp);
    }
  }

  @Override
  public final List<String> hyperparameterNames() {
    return new ArrayList<>(state.spec.hypers.keySet());
  }

  @Override
  public final double hyperparameter(String name) {
    int i = hyperIndex(name);
    long stamp = state.lock.readLock();
    try {
      return state.hypers[i];
    } finally {
      state.lock.unlockRead(stamp);
    }
  }

  @Override
  public final void setHyperparameter(String name, double value) {
    int i = hyperIndex(name);
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("hyperparameter '" + name + "' of model '" + state.spec.name
          + "' cannot be " + value + ": it must be finite");
    }
    long stamp = state.lock.writeLock();
    try {
      state.hypers[i] = value;
    } finally {
      state.lock.unlockWrite(stamp);
    }
  }

  private int hyperIndex(String name) {
    int i = state.spec.hyperIndex.getOrDefault(name, -1);
    if (i < 0) {
      throw new IllegalArgumentException("no hyperparameter '" + name + "'; known: " + state.spec.hypers.keySet());
    }
    return i;
  }
}
