package dev.cortado.interp;

import dev.cortado.ir.Graph;
import dev.cortado.ir.Node;
import dev.cortado.ir.Shape;
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

  /** Returns the batch size these inputs imply, or throws naming the culprit. */
  static int batchSize(Graph g, Map<String, double[]> inputs, Set<String> needed) {
    for (String name : inputs.keySet()) {
      if (!g.inputs().containsKey(name)) {
        throw new IllegalArgumentException("unknown input '" + name + "'; model '" + g.name()
            + "' has inputs " + g.inputs().keySet());
      }
    }
    int batch = -1;
    String batchFrom = null;
    for (String name : needed) {
      double[] v = inputs.get(name);
      Shape s = g.inputs().get(name).shape();
      if (v == null) {
        throw new IllegalArgumentException("missing input '" + name + "' (shape " + s + "); given "
            + inputs.keySet());
      }
      int b = rowsOf(name, s, v.length);
      if (s.hasBatch()) {
        if (batch >= 0 && b != batch) {
          throw new IllegalArgumentException("input '" + name + "' has " + b + " rows but '" + batchFrom
              + "' has " + batch + ": every input of one step needs the same batch size");
        }
        batch = b;
        batchFrom = name;
      }
    }
    return batch < 0 ? 1 : batch;
  }

  private static int rowsOf(String name, Shape s, int length) {
    long row = s.fixedSize();
    if (!s.hasBatch()) {
      if (length != row) {
        throw new IllegalArgumentException("input '" + name + "' of shape " + s + " needs " + row
            + " values, got " + length);
      }
      return 1;
    }
    if (length == 0 || length % row != 0) {
      throw new IllegalArgumentException("input '" + name + "' of shape " + s + " needs a positive multiple of "
          + row + " values (rows of " + row + "), got " + length);
    }
    return (int) (length / row);
  }

  /** The inputs that the given nodes depend on. */
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
    return out;
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
