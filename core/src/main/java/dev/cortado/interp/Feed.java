package dev.cortado.interp;

import dev.cortado.ir.Graph;
import dev.cortado.ir.Node;
import dev.cortado.runtime.InputCheck;
import java.util.Map;
import java.util.Set;

/**
 * Checks the inputs of one call against the graph before anything runs: every name known, every
 * needed input present, every length a whole number of rows, one batch size for all. Each
 * message names the input, the shape it expects and what it got.
 */
final class Feed {
  private Feed() {}

  /** Returns the batch size these inputs imply, or throws naming the culprit (see {@link InputCheck}). */
  static int batchSize(Graph g, Map<String, double[]> inputs, Set<String> needed, boolean[] want) {
    Map<String, int[]> declared = new java.util.LinkedHashMap<>();
    g.inputs().forEach((k, n) -> declared.put(k, n.shape().dims()));
    int maxBatch = Integer.MAX_VALUE;
    Node largest = null;
    for (Node n : g.nodes()) {
      int m = want[n.id()] ? n.shape().maxBatch() : Integer.MAX_VALUE;
      if (m < maxBatch) {
        maxBatch = m;
        largest = n;
      }
    }
    String what = largest == null ? null : "tensor '" + largest.name() + "' " + largest.shape();
    int batch = InputCheck.batchSize(g.name(), declared, inputs, needed, v -> v.length, maxBatch, what);
    InputCheck.requireIds(g.idInputs(), inputs, needed);
    return batch;
  }

  /**
   * The inputs among the nodes marked in {@code want} (indexed by node id), in declaration order,
   * so the first mismatch reported does not depend on the graph's shape.
   */
  static Set<String> inputsNeeded(Graph g, boolean[] want) {
    Set<String> out = new java.util.LinkedHashSet<>();
    g.inputs().forEach((name, n) -> {
      if (want[n.id()]) {
        out.add(name);
      }
    });
    return out;
  }

}
