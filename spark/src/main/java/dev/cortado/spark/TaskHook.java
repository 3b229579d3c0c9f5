package dev.cortado.spark;

import java.io.Serializable;

/**
 * Called in each training task before it computes its gradients: for tests of fault tolerance
 * (a hook that throws makes Spark retry the task) and for instrumentation.
 */
@FunctionalInterface
public interface TaskHook extends Serializable {
  /**
   * Global step {@code step} (counted from 0 over the whole run) is about to run on partition
   * {@code partition}.
   *
   * @param step the global step, from 0
   * @param partition the partition's index
   * @param attempt Spark's attempt number of this task (0 the first time, 1 on its first retry)
   */
  void beforeGradients(long step, int partition, int attempt);
}
