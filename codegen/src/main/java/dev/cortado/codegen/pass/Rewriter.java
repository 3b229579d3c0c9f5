package dev.cortado.codegen.pass;

import dev.cortado.ir.Graph;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.VariableInfo;
import dev.cortado.op.Op;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Rebuilds a graph node by node in a fresh {@link GraphBuilder}, so every rewritten graph is
 * verified again by {@code build()}. Leaves (inputs, variables, hyperparameters) are always kept,
 * in order, since they are the model's interface; other nodes are kept only when a kept role
 * reaches them. A {@link Rule} may return a replacement built in the new builder.
 */
final class Rewriter {
  private Rewriter() {}

  /** Builds the replacement of {@code old}, whose inputs are already rewritten; null keeps a copy. */
  @FunctionalInterface
  interface Rule {
    Node rewrite(GraphBuilder b, Node old, List<Node> in);
  }

  /** Rewrites {@code g} with {@code rule}, keeping every role. */
  static Graph rewrite(Graph g, Rule rule) {
    return rewrite(g, rule, true, true, true);
  }

  /** Rewrites {@code g}, keeping only the chosen roles (gradients go with updates). */
  static Graph rewrite(Graph g, Rule rule, boolean outputs, boolean losses, boolean updates) {
    boolean[] live = new boolean[g.nodes().size()];
    ArrayDeque<Node> todo = new ArrayDeque<>();
    if (outputs) {
      todo.addAll(g.outputs().values());
    }
    if (losses) {
      todo.addAll(g.losses().values());
    }
    if (updates) {
      todo.addAll(g.updates().values());
    }
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      if (!live[n.id()]) {
        live[n.id()] = true;
        todo.addAll(n.inputs());
      }
    }
    GraphBuilder b = new GraphBuilder(g.name(), g.dtype());
    Node[] map = new Node[live.length];
    for (Node n : g.nodes()) {
      if (isLeaf(n.op())) {
        map[n.id()] = copyLeaf(g, b, n);
      } else if (live[n.id()]) {
        List<Node> in = n.inputs().stream().map(x -> map[x.id()]).toList();
        String old = b.labelPrefix(scope(n.name()));
        Node r = rule.rewrite(b, n, in);
        map[n.id()] = r != null ? r : b.apply(n.op(), n.attrs(), in.toArray(new Node[0]));
        b.labelPrefix(old);
      }
    }
    if (outputs) {
      g.outputs().forEach((k, n) -> b.output(k, map[n.id()]));
    }
    if (losses) {
      g.losses().forEach((k, n) -> b.loss(k, map[n.id()]));
    }
    if (updates) {
      roles(g.updates(), map, b::update);
      roles(g.gradients(), map, b::gradient);
    }
    return b.build();
  }

  private static void roles(Map<String, Node> role, Node[] map, BiConsumer<String, Node> put) {
    role.forEach((k, n) -> {
      if (map[n.id()] != null) {
        put.accept(k, map[n.id()]);
      }
    });
  }

  static boolean isLeaf(Op op) {
    return op == Op.INPUT || op == Op.VARIABLE || op == Op.HYPER;
  }

  private static Node copyLeaf(Graph g, GraphBuilder b, Node n) {
    return switch (n.op()) {
      case INPUT -> b.input(n.name(), n.shape());
      case HYPER -> b.hyper(n.name(), n.attrs().value());
      default -> {
        yield b.variable(g.variables().get(n.name()));
      }
    };
  }

  /** The scope of a node label ({@code "fc1/"} of {@code "fc1/matmul_3"}), kept through rewrites. */
  static String scope(String label) {
    int slash = label.lastIndexOf('/');
    return slash < 0 ? "" : label.substring(0, slash + 1);
  }

  /** Every node that reads each node, by id. */
  static int[] useCounts(Graph g, Collection<Node> roots) {
    int[] uses = new int[g.nodes().size()];
    for (Node n : g.nodes()) {
      for (Node in : n.inputs()) {
        uses[in.id()]++;
      }
    }
    for (Node r : roots) {
      uses[r.id()]++;
    }
    return uses;
  }
}
