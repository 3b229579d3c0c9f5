package dev.cortado.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable, typed, shaped dataflow graph: nodes in topological order plus the roles some of
 * them play. A model's forward graph has inputs, variables, outputs and losses; a training graph
 * adds the gradient of every trainable variable and the update of every variable the optimizer
 * changes. Made by {@link GraphBuilder#build()}, which verifies it.
 */
public final class Graph {
  /** The key of the total loss in {@link #losses()}. */
  public static final String LOSS = "loss";
  /** The key of the data loss (the loss without regularization terms) in {@link #losses()}. */
  public static final String DATA_LOSS = "data_loss";
  /**
   * The scalar state counting training steps (TensorFlow's {@code global_step}); created by the
   * first dropout, so checkpoints carry it and a restored model draws the same masks.
   */
  public static final String GLOBAL_STEP = "global_step";

  private final String name;
  private final DType dtype;
  private final List<Node> nodes;
  private final Map<String, Node> inputs;
  private final Map<String, VariableInfo> variables;
  private final Map<String, Node> hypers;
  private final Map<String, Node> outputs;
  private final Map<String, Node> losses;
  private final Map<String, Node> gradients;
  private final Map<String, Node> updates;
  /** See {@link #idInputs()}: found once, since the interpreter checks them on every call. */
  private final Map<String, Integer> idInputs;

  Graph(GraphBuilder b) {
    this.name = b.name;
    this.dtype = b.dtype;
    this.nodes = List.copyOf(b.nodes);
    this.idInputs = findIdInputs(nodes);
    this.inputs = frozen(b.inputs);
    this.variables = frozen(b.variables);
    this.hypers = frozen(b.hypers);
    this.outputs = frozen(b.outputs);
    this.losses = frozen(b.losses);
    this.gradients = frozen(b.gradients);
    this.updates = frozen(b.updates);
  }

  private static <V> Map<String, V> frozen(Map<String, V> m) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }

  /**
   * The graph's name, the model's.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The inputs read as ids by a table lookup ({@code GATHER} straight from the input), each with
   * the row count of the smallest table it indexes: every value fed there must be a whole number
   * in {@code [0, rows)}, which callers check before a step runs.
   *
   * @return an unmodifiable map, input name to rows
   */
  public Map<String, Integer> idInputs() {
    return idInputs;
  }

  private static Map<String, Integer> findIdInputs(List<Node> nodes) {
    Map<String, Integer> ids = new LinkedHashMap<>();
    for (Node n : nodes) {
      // a graph is built before it is verified, so a GATHER may still lack its operands here
      if (n.op() == dev.cortado.op.Op.GATHER && n.inputs().size() == 2 && n.input(0).op() == dev.cortado.op.Op.INPUT) {
        ids.merge(n.input(0).name(), n.input(1).shape().dim(0), Math::min);
      }
    }
    return Collections.unmodifiableMap(ids);
  }

  /**
   * The element type of every node.
   *
   * @return the dtype
   */
  public DType dtype() {
    return dtype;
  }

  /**
   * Every node, in topological order; {@code nodes().get(i).id() == i}.
   *
   * @return an unmodifiable list
   */
  public List<Node> nodes() {
    return nodes;
  }

  /**
   * The inputs by name, in declaration order.
   *
   * @return an unmodifiable map
   */
  public Map<String, Node> inputs() {
    return inputs;
  }

  /**
   * Parameters and optimizer state by full name, in declaration order.
   *
   * @return an unmodifiable map
   */
  public Map<String, VariableInfo> variables() {
    return variables;
  }

  /**
   * Run-time scalars (such as a learning-rate multiplier) by name; each node's value is its
   * default.
   *
   * @return an unmodifiable map
   */
  public Map<String, Node> hypers() {
    return hypers;
  }

  /**
   * The outputs of {@code predict} by name, in declaration order.
   *
   * @return an unmodifiable map
   */
  public Map<String, Node> outputs() {
    return outputs;
  }

  /**
   * {@link #LOSS}, {@link #DATA_LOSS} and one scalar per regularization term, in order.
   *
   * @return an unmodifiable map
   */
  public Map<String, Node> losses() {
    return losses;
  }

  /**
   * The gradient of the total loss for each trainable parameter, by the parameter's name.
   *
   * @return an unmodifiable map, empty for a forward graph
   */
  public Map<String, Node> gradients() {
    return gradients;
  }

  /**
   * The new value of each variable after one training step, by the variable's name.
   *
   * @return an unmodifiable map, empty for a forward graph
   */
  public Map<String, Node> updates() {
    return updates;
  }

  /** The IR as text: one node a line with its shape, then the roles. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("graph ").append(name).append(" (").append(dtype).append(")\n");
    for (Node n : nodes) {
      sb.append("  ").append(n).append('\n');
    }
    appendRole(sb, "outputs", outputs);
    appendRole(sb, "losses", losses);
    appendRole(sb, "gradients", gradients);
    appendRole(sb, "updates", updates);
    return sb.toString();
  }

  private static void appendRole(StringBuilder sb, String title, Map<String, Node> role) {
    if (role.isEmpty()) {
      return;
    }
    sb.append(title).append(":\n");
    role.forEach((k, v) -> sb.append("  ").append(k).append(" = %").append(v.id()).append('\n'));
  }
}
