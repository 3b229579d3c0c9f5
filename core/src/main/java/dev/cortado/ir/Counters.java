package dev.cortado.ir;

import dev.cortado.op.Op;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The integer counters a step graph keeps: scalar state variables that each step advances by a
 * whole constant ({@code optimizer/step}, {@code global_step}, any such counter a layer adds).
 * A counter holds an exact integer up to 2^53 whatever the model's dtype (a float counts only to
 * 2^24): the interpreter and generated code keep it, and each value computed from it by adding a
 * whole constant, in double. Any other op that reads a count computes from the exact value and
 * rounds its result to the model's dtype, as it rounds every result; a dropout mask draws with
 * the exact count.
 */
public final class Counters {
  private Counters() {}

  /**
   * The names of the counters among {@code g}'s variables, in declaration order.
   *
   * @param g the graph
   * @return the names, in declaration order
   */
  public static Set<String> names(Graph g) {
    Set<String> out = new LinkedHashSet<>();
    g.updates().forEach((name, update) -> {
      VariableInfo v = g.variables().get(name);
      if (v != null && v.role() == VariableInfo.Role.STATE && v.shape().isScalar() && isWholeNumbers(v.initial())
          && update.op() == Op.ADD && advances(update, v.node())) {
        out.add(name);
      }
    });
    return out;
  }

  /**
   * Which nodes of {@code g} (by id) hold an exact count: the variables named in {@code counters},
   * and a whole constant added to such a node.
   *
   * @param g the graph
   * @param counters the counters' names
   * @return one flag per node id
   */
  public static boolean[] exactNodes(Graph g, Set<String> counters) {
    boolean[] exact = new boolean[g.nodes().size()];
    if (counters.isEmpty()) {
      return exact;
    }
    for (Node n : g.nodes()) {
      if (n.op() == Op.VARIABLE) {
        exact[n.id()] = counters.contains(n.name());
      } else if (n.op() == Op.ADD) {
        Node a = n.input(0);
        Node b = n.input(1);
        exact[n.id()] = (exact[a.id()] && isWholeConstant(b)) || (exact[b.id()] && isWholeConstant(a));
      }
    }
    return exact;
  }

  /** {@code update} is {@code v + c} or {@code c + v} for a whole constant c. */
  private static boolean advances(Node update, Node v) {
    Node a = update.input(0);
    Node b = update.input(1);
    return (a.id() == v.id() && isWholeConstant(b)) || (b.id() == v.id() && isWholeConstant(a));
  }

  private static boolean isWholeConstant(Node n) {
    return n.op() == Op.CONSTANT && n.shape().isScalar() && isWhole(n.attrs().value());
  }

  private static boolean isWholeNumbers(double[] values) {
    for (double v : values) {
      if (!isWhole(v)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isWhole(double v) {
    return v == Math.rint(v) && Math.abs(v) <= 0x1p53;
  }
}
