package dev.cortado.autodiff;

import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.ShapeException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reverse-mode differentiation over the IR, producing IR. Walks the nodes between the wanted
 * variables and the loss in reverse topological order, asks each op's VJP for the gradients of
 * the inputs that lead back to a wanted variable, and sums gradients where a value is used more
 * than once. Nodes that do not lead to a wanted variable (inputs, frozen variables, constants)
 * get no gradient nodes at all.
 */
public final class Autodiff {
  private Autodiff() {}

  /**
   * Adds to {@code b} the gradient of the scalar {@code loss} with respect to each of {@code wrt}
   * and returns them, keyed by node, in the order given. A variable the loss does not depend on
   * gets a zero gradient of its shape.
   *
   * @param b the builder the gradient nodes are added to
   * @param loss a scalar node
   * @param wrt the nodes to differentiate with respect to
   * @return each node of {@code wrt} with its gradient node, of the same shape
   */
  public static Map<Node, Node> gradients(GraphBuilder b, Node loss, List<Node> wrt) {
    if (!loss.shape().isScalar()) {
      throw new ShapeException("the loss must be a scalar, got shape " + loss.shape()
          + " from " + GraphBuilder.describeSources(loss), null);
    }
    int n = loss.id() + 1;
    List<Node> nodes = b.nodes();
    boolean[] leadsToWrt = new boolean[n];
    for (Node w : wrt) {
      if (w.id() < n) {
        leadsToWrt[w.id()] = true;
      }
    }
    for (int i = 0; i < n; i++) {
      for (Node in : nodes.get(i).inputs()) {
        if (leadsToWrt[in.id()]) {
          leadsToWrt[i] = true;
        }
      }
    }
    Node[] grad = new Node[n];
    String old = b.labelPrefix("grad/");
    try {
      if (leadsToWrt[loss.id()]) {
        grad[loss.id()] = b.constant(1.0);
      }
      for (int i = n - 1; i >= 0; i--) {
        Node y = nodes.get(i);
        Node g = grad[i];
        if (g == null || y.inputs().isEmpty()) {
          continue;
        }
        boolean[] need = new boolean[y.inputs().size()];
        boolean any = false;
        for (int k = 0; k < need.length; k++) {
          need[k] = leadsToWrt[y.input(k).id()];
          any |= need[k];
        }
        if (!any) {
          continue;
        }
        if (!g.shape().equals(y.shape())) {
          g = b.broadcastTo(g, y.shape());
        }
        List<Node> gs = y.op().gradients(b, y, g, need);
        for (int k = 0; k < need.length; k++) {
          Node gk = gs.get(k);
          if (!need[k] || gk == null) {
            continue;
          }
          int id = y.input(k).id();
          grad[id] = grad[id] == null ? gk : b.add(grad[id], gk);
        }
      }
      Map<Node, Node> out = new LinkedHashMap<>();
      for (Node w : wrt) {
        Node g = w.id() < n ? grad[w.id()] : null;
        if (g == null) {
          g = b.broadcastTo(b.constant(0.0), w.shape());
        }
        out.put(w, g);
      }
      return out;
    } finally {
      b.labelPrefix(old);
    }
  }
}
