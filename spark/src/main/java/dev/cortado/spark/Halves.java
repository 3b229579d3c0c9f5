package dev.cortado.spark;

import dev.cortado.runtime.Executable;
import dev.cortado.runtime.Gradients;
import java.util.Map;

/**
 * Every use the Spark module makes of the split step (the gradient half on the executors, the
 * apply half on the driver), kept in one place so that how an executable is asked for its halves
 * can change here alone.
 */
final class Halves {
  private Halves() {}

  /** Zero gradient sums for {@code exe}'s trainable parameters. */
  static Gradients zero(Executable exe) {
    return exe.newGradients();
  }

  /**
   * Adds {@code weight} times the gradient of the loss on {@code batch}, whose first row is row
   * {@code firstRow} of its global batch, into {@code into}.
   */
  static void accumulate(Executable exe, Map<String, double[]> batch, double weight, Gradients into, long firstRow) {
    exe.accumulateGradients(batch, weight, into, firstRow);
  }

  /** The optimizer's update from the summed gradients, on the driver. */
  static void apply(Executable exe, Gradients sum) {
    exe.applyGradients(sum);
  }

  /** Generates, in one compiler run, the classes of the chunk sizes a task of a global batch of {@code batchSize} rows may use. */
  static void prepare(Executable exe, int batchSize) {
    exe.prepare(Chunks.sizes(batchSize));
  }
}
