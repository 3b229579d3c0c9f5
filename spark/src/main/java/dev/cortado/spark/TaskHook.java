package dev.cortado.spark;

import java.io.Serializable;

/**
 * Called in each training task before it computes its gradients: for tests of fault tolerance
 * (a hook that throws makes Spark retry the task) and for instrumentation.
 */
@FunctionalInterface
public interface TaskHook extends Serializable {
  /** Global step {@code step} (counted from 0 over the whole run) is about to run on partition {@code partition}. */
  void beforeGradients(long step, int partition, int attempt);
}
