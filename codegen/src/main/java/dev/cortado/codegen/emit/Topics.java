package dev.cortado.codegen.emit;

import dev.cortado.codegen.lower.Plan;
import dev.cortado.ir.Graph;
import dev.cortado.ir.Node;
import java.util.Map;

/**
 * What each kernel of a plan works on, in the model's words, to name the methods that hold
 * kernels: {@code fc1_forward} (a value under scope {@code fc1}), {@code fc2_backward} (a gradient
 * on the way to {@code fc2}'s variables' gradients), {@code update_fc1_kernel} (the new value of
 * variable {@code fc1/kernel}), {@code w_regularizer} (the penalty on {@code w}), {@code forward} and
 * {@code loss} (values outside any scope, that
 * reach an output or only losses), {@code backward}. The text is a model name: it reaches the
 * source only through {@link Namer}, that is {@link JavaText#identifier}.
 */
final class Topics {
  private final Graph g;
  /** For each node id: the variable whose gradient, among those the node leads to, comes first. */
  private final String[] gradientOf;
  /** For each node id: whether the node leads to an output. */
  private final boolean[] toOutput;
  private final Map<Node, String> updateOf = new java.util.IdentityHashMap<>();

  Topics(Plan p) {
    this.g = p.graph;
    int n = g.nodes().size();
    gradientOf = new String[n];
    toOutput = new boolean[n];
    int[] firstGradient = new int[n];
    java.util.Arrays.fill(firstGradient, Integer.MAX_VALUE);
    g.gradients().forEach((v, node) -> {
      if (node.id() < firstGradient[node.id()]) {
        firstGradient[node.id()] = node.id();
        gradientOf[node.id()] = v;
      }
    });
    g.outputs().values().forEach(o -> toOutput[o.id()] = true);
    g.updates().forEach((v, node) -> updateOf.putIfAbsent(node, v));
    for (int i = n - 1; i >= 0; i--) {
      Node node = g.nodes().get(i);
      for (Node in : node.inputs()) {
        if (firstGradient[node.id()] < firstGradient[in.id()]) {
          firstGradient[in.id()] = firstGradient[node.id()];
          gradientOf[in.id()] = gradientOf[node.id()];
        }
        toOutput[in.id()] |= toOutput[node.id()];
      }
    }
  }

  /** The topic of kernel {@code k}: that of its first root. */
  String of(Plan.Kernel k) {
    Node root = k.root();
    String name = root.name();
    if (name.startsWith("update/")) {
      String rest = scope(name.substring("update/".length()));
      String update = updateOf.get(root);
      return !rest.isEmpty() ? "update_" + rest : update != null ? "update_" + update : "update";
    }
    String update = updateOf.get(root);
    if (update != null) {
      return "update_" + update;
    }
    if (name.startsWith("grad/")) {
      String v = gradientOf[root.id()];
      String layer = v == null ? "" : scope(v);
      return layer.isEmpty() ? "backward" : layer + "_backward";
    }
    String scope = scope(name);
    if (scope.endsWith("/regularizer")) {
      return scope; // a variable's penalty: w_regularizer
    }
    if (!scope.isEmpty()) {
      return scope + "_forward";
    }
    return toOutput[root.id()] ? "forward" : "loss";
  }

  /** Everything before the last {@code /}, or empty. */
  private static String scope(String name) {
    int slash = name.lastIndexOf('/');
    return slash < 0 ? "" : name.substring(0, slash);
  }
}
