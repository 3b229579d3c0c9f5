package dev.cortado.dsl;

import dev.cortado.ir.Node;
import dev.cortado.op.Op;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How {@code minimize(loss)} finds its regularization terms: a term the loss already contains
 * anywhere is not added again; every other term is added. The data loss is the sum of the
 * loss's top-level summands that are not terms (for {@code data + addN(terms)}, exactly
 * {@code data}), so {@code lastLosses()} can show each part.
 */
final class Losses {
  private Losses() {}

  /**
   * Throws unless {@code a} and {@code b} are non-null tensors of one model with the same shape,
   * naming the loss, both tensors and both shapes: a loss never broadcasts its operands.
   */
  static void requireSameShape(String loss, String aName, Tensor a, String bName, Tensor b) {
    java.util.Objects.requireNonNull(a, loss + ": " + aName);
    java.util.Objects.requireNonNull(b, loss + ": " + bName);
    if (a.model != b.model) {
      throw new IllegalArgumentException(loss + ": " + bName + " " + b + " (from "
          + dev.cortado.ir.GraphBuilder.describeSources(b.node()) + ") belongs to model '"
          + b.model.name() + "', " + aName + " " + a + " to model '" + a.model.name() + "'");
    }
    if (!a.shape().equals(b.shape())) {
      throw new IllegalArgumentException(loss + ": " + aName + " " + a + " and " + bName + " " + b
          + " must have the same shape; a loss does not broadcast (" + a.shape() + " against "
          + b.shape() + " would compare every element of one with every element of the other):"
          + " reshape one of them");
    }
  }

  /** The name of a variable's term in {@code lastLosses()}: {@code regularization/fc1/kernel}. */
  static String termName(String variable) {
    return "regularization/" + variable;
  }

  /** The loss to minimize, its data part, and the names of the terms minimize() added. */
  record Split(Tensor total, Tensor data, List<String> added) {}

  static Split split(ModelBuilder m, Tensor loss, Map<String, Tensor> terms) {
    Set<Node> termNodes = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (Tensor t : terms.values()) {
      termNodes.add(t.node());
    }
    Set<Node> contained = ancestors(loss.node());
    Tensor total = loss;
    List<String> added = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : terms.entrySet()) {
      if (!contained.contains(e.getValue().node())) {
        total = total.add(e.getValue());
        added.add(e.getKey());
      }
    }
    List<Node> dataParts = new ArrayList<>();
    summands(loss.node(), termNodes, dataParts);
    Tensor data;
    if (dataParts.isEmpty()) {
      data = m.constant(0.0);
    } else if (dataParts.size() == 1 && dataParts.get(0) == loss.node()) {
      data = loss;
    } else {
      data = m.wrap(dataParts.get(0));
      for (int i = 1; i < dataParts.size(); i++) {
        data = data.add(m.wrap(dataParts.get(i)));
      }
    }
    return new Split(total, data, List.copyOf(added));
  }

  /** The scalar summands of {@code n} that are not terms, splitting scalar additions. */
  private static void summands(Node n, Collection<Node> terms, List<Node> data) {
    if (terms.contains(n) || (n.op() == Op.CONSTANT && n.attrs().value() == 0)) {
      return;
    }
    if (n.op() == Op.ADD && n.input(0).shape().isScalar() && n.input(1).shape().isScalar()) {
      summands(n.input(0), terms, data);
      summands(n.input(1), terms, data);
    } else {
      data.add(n);
    }
  }

  private static Set<Node> ancestors(Node n) {
    Set<Node> seen = new HashSet<>();
    java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>();
    todo.add(n);
    while (!todo.isEmpty()) {
      Node x = todo.pop();
      if (seen.add(x)) {
        todo.addAll(x.inputs());
      }
    }
    return seen;
  }
}
