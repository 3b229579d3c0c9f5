package dev.cortado.runtime;

import java.util.HashMap;
import java.util.Map;

/**
 * The state one compiled model keeps across steps, shared by every batch-size specialisation of
 * it: each variable's array ({@code float[]} for F32, {@code double[]} for F64, starting at
 * zero), the run-time scalars, the last step's losses, and
 * the instances made for each batch size seen. A generated class reads the arrays through final
 * fields, so switching batch size copies nothing.
 */
public final class ModelState {
  /** Makes the instance of a model for one batch size, joined to a state. */
  @FunctionalInterface
  public interface Specializer {
    CompiledModel create(int batch, ModelState state);
  }

  final ModelSpec spec;
  final Object[] variables;
  final double[] hypers;
  final Map<Integer, CompiledModel> byBatch = new HashMap<>();
  final Specializer specializer;
  double[] lastLosses;
  /** Reused on every step, so a step allocates nothing here. */
  final double[] stepLosses;
  final Object[] stepInputs;
  final int lossIndex;
  CompiledModel lastUsed;
  /** The worker threads of a step split over threads, made on its first split part. */
  StepThreads threads;

  /** A fresh state: variables zero, run-time scalars at their defaults, no step taken. */
  public ModelState(ModelSpec spec, Specializer specializer) {
    this.spec = spec;
    this.specializer = specializer;
    variables = new Object[spec.variables.size()];
    int i = 0;
    for (int[] shape : spec.variables.values()) {
      int n = ModelSpec.size(shape, 1);
      variables[i++] = spec.f32 ? new float[n] : new double[n];
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

  /** The instance for {@code batch}, made once by the specializer. */
  CompiledModel forBatch(int batch) {
    CompiledModel m = byBatch.get(batch);
    if (m != null) {
      return m;
    }
    if (specializer == null) {
      throw new IllegalArgumentException("model '" + spec.name + "' was generated for batch sizes "
          + new java.util.TreeSet<>(byBatch.keySet()) + " and cannot run batch " + batch
          + " without a Java compiler: generate a class for that batch size (cortado-maven-plugin), "
          + "compile at run time with model.compile(...), or use model.interpret(...)");
    }
    m = specializer.create(batch, this);
    byBatch.put(batch, m);
    return m;
  }
}
