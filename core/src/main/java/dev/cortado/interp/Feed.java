package dev.cortado.interp;

import dev.cortado.ir.Graph;
import dev.cortado.ir.Node;
import dev.cortado.runtime.InputCheck;
import java.util.Arrays;
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
  static int batchSize(Graph g, Map<String, double[]> inputs, Set<String> needed) {
    Map<String, int[]> declared = new java.util.LinkedHashMap<>();
    g.inputs().forEach((k, n) -> declared.put(k, n.shape().dims()));
    return InputCheck.batchSize(g.name(), declared, inputs, needed, v -> v.length);
  }

  /** The inputs that the given nodes depend on, in declaration order. */
  static Set<String> inputsNeeded(Graph g, Iterable<Node> targets) {
    boolean[] seen = new boolean[g.nodes().size()];
    java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>();
    targets.forEach(todo::add);
    Set<String> out = new java.util.LinkedHashSet<>();
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      if (seen[n.id()]) {
        continue;
      }
      seen[n.id()] = true;
      if (n.op() == dev.cortado.op.Op.INPUT) {
        out.add(n.name());
      }
      todo.addAll(n.inputs());
    }
    // in declaration order, so the first mismatch reported does not depend on the graph's shape
    Set<String> ordered = new java.util.LinkedHashSet<>(g.inputs().keySet());
    ordered.retainAll(out);
    return ordered;
  }

  static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  static String shapeText(int[] s) {
    return Arrays.toString(s);
  }
}
