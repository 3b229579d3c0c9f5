package dev.cortado.ir;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a graph's invariants and names the offending node: nodes in topological order with ids
 * equal to their index (so the graph is acyclic), every input an earlier node of the same graph,
 * one dtype throughout, each node's shape what its op's rule gives, unique names, and roles that
 * point at nodes of this graph with the right shapes.
 */
public final class Verifier {
  private Verifier() {}

  /**
   * Checks a graph's structure: ids in order, unique names, one dtype, operands before their users,
   * shapes as the rules give.
   *
   * @param g the graph
   * @throws IllegalStateException naming the node at fault
   */
  public static void verify(Graph g) {
    List<Node> nodes = g.nodes();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      if (n.id() != i) {
        throw new IllegalStateException("node " + n + " has id " + n.id() + " at position " + i);
      }
      if (!names.add(n.name())) {
        throw new IllegalStateException("node " + n + ": the name '" + n.name() + "' is used twice");
      }
      if (n.dtype() != g.dtype()) {
        throw new IllegalStateException("node " + n + " is " + n.dtype() + " in a " + g.dtype() + " graph");
      }
      for (Node in : n.inputs()) {
        if (in.id() >= i || nodes.get(in.id()) != in) {
          throw new IllegalStateException("node " + n + " reads %" + in.id()
              + ", which is not an earlier node of this graph (a cycle or a node of another graph)");
        }
      }
      if (n.inputs().size() != n.op().arity()) {
        throw new IllegalStateException("node " + n + " has " + n.inputs().size() + " inputs, "
            + n.op() + " takes " + n.op().arity());
      }
      Shape expected = n.op().shape(n.inputs(), n.attrs());
      if (!expected.equals(n.shape())) {
        throw new IllegalStateException("node " + n + " has shape " + n.shape() + ", its op gives " + expected);
      }
    }
    checkRole(g, "output", g.outputs());
    checkRole(g, "loss", g.losses());
    checkRole(g, "gradient", g.gradients());
    checkRole(g, "update", g.updates());
    checkRole(g, "input", g.inputs());
    for (VariableInfo v : g.variables().values()) {
      checkRole(g, "variable", Map.of(v.name(), v.node()));
    }
    for (Map.Entry<String, Node> e : g.gradients().entrySet()) {
      VariableInfo v = g.variables().get(e.getKey());
      if (v == null || !v.shape().equals(e.getValue().shape())) {
        throw new IllegalStateException("gradient of '" + e.getKey() + "' has shape "
            + e.getValue().shape() + " but the variable " + (v == null ? "does not exist" : "has " + v.shape()));
      }
    }
  }

  private static void checkRole(Graph g, String role, Map<String, Node> m) {
    for (Map.Entry<String, Node> e : m.entrySet()) {
      Node n = e.getValue();
      if (n.id() >= g.nodes().size() || g.nodes().get(n.id()) != n) {
        throw new IllegalStateException(role + " '" + e.getKey() + "' points at " + n
            + ", which is not a node of graph '" + g.name() + "'");
      }
    }
  }
}
