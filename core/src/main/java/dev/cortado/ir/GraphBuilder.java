package dev.cortado.ir;

import dev.cortado.op.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link Graph} node by node. Every node's shape is computed by its op's shape rule when
 * it is added, so a shape error surfaces at definition time and names the op, the shapes and the
 * variables and inputs involved. Not thread-safe; {@link #build()} verifies and freezes.
 */
public final class GraphBuilder {
  final String name;
  final DType dtype;
  final List<Node> nodes = new ArrayList<>();
  final Map<String, Node> inputs = new LinkedHashMap<>();
  final Map<String, VariableInfo> variables = new LinkedHashMap<>();
  final Map<String, Node> hypers = new LinkedHashMap<>();
  final Map<String, Node> outputs = new LinkedHashMap<>();
  final Map<String, Node> losses = new LinkedHashMap<>();
  final Map<String, Node> gradients = new LinkedHashMap<>();
  final Map<String, Node> updates = new LinkedHashMap<>();
  private String labelPrefix = "";

  /**
   * An empty graph.
   *
   * @param name the graph's name, the model's
   * @param dtype the element type of every node
   */
  public GraphBuilder(String name, DType dtype) {
    this.name = name;
    this.dtype = dtype;
  }

  /**
   * A builder holding everything {@code g} holds, to extend it (autodiff, optimizers).
   *
   * @param g the graph to extend
   * @return a new builder
   */
  public static GraphBuilder from(Graph g) {
    GraphBuilder b = new GraphBuilder(g.name(), g.dtype());
    b.nodes.addAll(g.nodes());
    b.inputs.putAll(g.inputs());
    b.variables.putAll(g.variables());
    b.hypers.putAll(g.hypers());
    b.outputs.putAll(g.outputs());
    b.losses.putAll(g.losses());
    b.gradients.putAll(g.gradients());
    b.updates.putAll(g.updates());
    return b;
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
   * The graph's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Sets the prefix of the labels of the nodes added next (such as {@code "fc1/"}); returns the old
   * one.
   *
   * @param prefix the new prefix, empty for none
   * @return the prefix it replaces
   */
  public String labelPrefix(String prefix) {
    String old = labelPrefix;
    labelPrefix = prefix;
    return old;
  }

  // ---- leaves and roles ----

  /**
   * A named input fed at every step.
   *
   * @param inputName the name, unique among inputs, variables and hyperparameters
   * @param shape the shape, batch first for a batch of rows
   * @return the input's node
   * @throws IllegalArgumentException if the name is taken
   */
  public Node input(String inputName, Shape shape) {
    requireFreeName(inputName, "input");
    shape.requireFits("input '" + inputName + "'");
    Node n = add(Op.INPUT, Attrs.shape(shape), List.of(), shape, inputName);
    inputs.put(inputName, n);
    return n;
  }

  /**
   * A persistent variable (parameter or optimizer state) with its starting value.
   *
   * @param varName the full name, unique among inputs, variables and hyperparameters
   * @param shape the batch-free shape
   * @param role a parameter or a piece of optimizer state
   * @param trainable whether the optimizer updates it
   * @param initial the starting values, row-major, or null for zeros
   * @return the variable's node
   * @throws IllegalArgumentException if the name is taken
   */
  public Node variable(String varName, Shape shape, VariableInfo.Role role, boolean trainable, double[] initial) {
    return addVariable(varName, shape, role, trainable, initial.clone(), null);
  }

  /**
   * A model parameter with its {@link Role} (null for none), as a layer declares it.
   *
   * @param varName the full name
   * @param shape the batch-free shape
   * @param trainable whether the optimizer updates it
   * @param initial the starting values, row-major, or null for zeros
   * @param purpose the role, or null
   * @return the parameter's node
   * @throws IllegalArgumentException if the name is taken
   */
  public Node parameter(String varName, Shape shape, boolean trainable, double[] initial, Role purpose) {
    return addVariable(varName, shape, VariableInfo.Role.PARAMETER, trainable, initial.clone(), purpose);
  }

  /**
   * The variable {@code like} of another graph, carried into this one (a rewrite): same name,
   * shape, roles and trainability, and the same starting values, shared rather than copied (a
   * variable's values are never written, and a model's are megabytes that every pass would
   * otherwise copy).
   *
   * @param like the other graph's variable
   * @return its node in this graph
   */
  public Node variable(VariableInfo like) {
    return addVariable(like.name(), like.shape(), like.role(), like.trainable(), like.initial(), like.purpose());
  }

  private Node addVariable(String varName, Shape shape, VariableInfo.Role role, boolean trainable, double[] initial,
      Role purpose) {
    requireFreeName(varName, "variable");
    if (role == VariableInfo.Role.PARAMETER) {
      requireUnreserved(varName);
    }
    shape.requireFits("variable '" + varName + "'");
    if (shape.hasBatch()) {
      throw new IllegalArgumentException("variable '" + varName + "' has shape " + shape
          + ": a variable's shape cannot contain BATCH");
    }
    Node n = new Node(nodes.size(), Op.VARIABLE, List.of(), shape, dtype, Attrs.shape(shape), varName);
    // VariableInfo checks the initial values' length: build it before the node joins the graph,
    // so a rejected variable leaves the builder as it was
    VariableInfo info = new VariableInfo(varName, n, role, trainable, initial, purpose);
    nodes.add(n);
    variables.put(varName, info);
    return n;
  }

  /**
   * A named run-time scalar with a default value (a learning-rate multiplier, say).
   *
   * @param hyperName the name, unique among inputs, variables and hyperparameters
   * @param defaultValue its value until set
   * @return the scalar's node
   * @throws IllegalArgumentException if the name is taken
   */
  public Node hyper(String hyperName, double defaultValue) {
    Node existing = hypers.get(hyperName);
    if (existing != null) {
      return existing;
    }
    requireFreeName(hyperName, "hyperparameter");
    Node n = add(Op.HYPER, Attrs.value(defaultValue), List.of(), Shape.SCALAR, hyperName);
    hypers.put(hyperName, n);
    return n;
  }

  /**
   * Names a parameter may not have: one that begins with {@link #RESERVED_PREFIX}, where a
   * checkpoint keeps optimizer state, or {@link #RESERVED_NAME}, the safetensors header's own
   * key. Reserving them when the variable is defined makes a checkpoint in which a parameter
   * and a piece of state share a name impossible to write.
   */
  public static final String RESERVED_PREFIX = "state/";
  /** See {@link #RESERVED_PREFIX}. */
  public static final String RESERVED_NAME = "__metadata__";

  private static void requireUnreserved(String varName) {
    if (varName.startsWith(RESERVED_PREFIX) || varName.equals(RESERVED_NAME)) {
      throw new IllegalArgumentException("variable '" + varName + "': names beginning with '"
          + RESERVED_PREFIX + "' and the name '" + RESERVED_NAME + "' are reserved for a"
          + " checkpoint's optimizer state and metadata; rename the variable or its scope");
    }
  }

  private void requireFreeName(String n, String kind) {
    if (n == null || n.isEmpty()) {
      throw new IllegalArgumentException("a " + kind + " needs a non-empty name");
    }
    if (inputs.containsKey(n) || variables.containsKey(n) || hypers.containsKey(n)) {
      throw new IllegalArgumentException("the name '" + n + "' of this " + kind
          + " is already taken by an input, variable or hyperparameter of graph '" + name + "'");
    }
  }

  /**
   * Names a node as an output of {@code predict}.
   *
   * @param outName the output's name
   * @param n the node
   * @throws IllegalArgumentException if the name is already an output
   */
  public void output(String outName, Node n) {
    if (outputs.containsKey(outName)) {
      throw new IllegalArgumentException("output '" + outName + "' is defined twice");
    }
    outputs.put(outName, n);
  }

  /**
   * Records a named scalar loss ({@link Graph#LOSS}, {@link Graph#DATA_LOSS} or a term).
   *
   * @param lossName the loss's name
   * @param n a scalar node
   * @throws IllegalArgumentException if the node is not a scalar or the name is taken
   */
  public void loss(String lossName, Node n) {
    if (!n.shape().isScalar()) {
      throw new IllegalArgumentException("loss '" + lossName + "' must be a scalar, got shape " + n.shape());
    }
    if (losses.containsKey(lossName)) {
      throw new IllegalArgumentException("loss '" + lossName + "' is defined twice in graph '" + name
          + "': a loss term is never silently replaced");
    }
    losses.put(lossName, n);
  }

  /**
   * Records the gradient of the total loss with respect to a trainable variable.
   *
   * @param varName the variable's full name
   * @param g the gradient, of the variable's shape
   */
  public void gradient(String varName, Node g) {
    gradients.put(varName, g);
  }

  /**
   * Records a variable's value after a training step.
   *
   * @param varName the variable's full name
   * @param newValue its value after the step
   * @throws IllegalArgumentException if there is no such variable or the shapes differ
   */
  public void update(String varName, Node newValue) {
    VariableInfo v = variables.get(varName);
    if (v == null) {
      throw new IllegalArgumentException("no variable '" + varName + "' to update");
    }
    if (!v.shape().equals(newValue.shape())) {
      throw new IllegalArgumentException("update of '" + varName + "' has shape " + newValue.shape()
          + ", the variable has " + v.shape());
    }
    updates.put(varName, newValue);
  }

  /**
   * The inputs so far, by name, in declaration order.
   *
   * @return the live map
   */
  public Map<String, Node> inputs() {
    return inputs;
  }

  /**
   * The variables so far, by full name, in declaration order.
   *
   * @return the live map
   */
  public Map<String, VariableInfo> variables() {
    return variables;
  }

  /**
   * The losses so far, by name.
   *
   * @return the live map
   */
  public Map<String, Node> losses() {
    return losses;
  }

  /**
   * The outputs so far, by name.
   *
   * @return the live map
   */
  public Map<String, Node> outputs() {
    return outputs;
  }

  /**
   * The gradients so far, by variable.
   *
   * @return the live map
   */
  public Map<String, Node> gradients() {
    return gradients;
  }

  /**
   * Every node so far, each after its inputs.
   *
   * @return the live list
   */
  public List<Node> nodes() {
    return nodes;
  }

  /**
   * The updates so far, by variable.
   *
   * @return the live map
   */
  public Map<String, Node> updates() {
    return updates;
  }

  // ---- ops ----

  /**
   * Adds {@code op(inputs)} with attributes {@code a}, its shape given by the op's rule. A shape
   * error names the op, the operands' shapes and the variables and inputs behind each operand.
   *
   * @param op the op
   * @param a its attributes ({@link Attrs#NONE} for none)
   * @param in its operands
   * @return the new node
   * @throws ShapeException if the op's shape rule rejects the operands
   */
  public Node apply(Op op, Attrs a, Node... in) {
    if (in.length != op.arity()) {
      throw new IllegalArgumentException(op.label() + " takes " + op.arity() + " inputs, got " + in.length);
    }
    Shape s;
    try {
      s = op.shape(List.of(in), a);
    } catch (IllegalArgumentException e) {
      StringBuilder msg = new StringBuilder(op.label()).append(": ").append(e.getMessage());
      for (int i = 0; i < in.length; i++) {
        msg.append(i == 0 ? "; operands: " : ", ").append(in[i].shape()).append(" from ")
            .append(describeSources(in[i]));
      }
      throw new ShapeException(msg.toString(), e);
    }
    if (s.fixedSize() > Shape.MAX_ELEMENTS) {
      StringBuilder what = new StringBuilder("the result of ").append(op.label());
      for (int i = 0; i < in.length; i++) {
        what.append(i == 0 ? " (operands " : ", ").append(in[i].shape()).append(" from ")
            .append(describeSources(in[i]));
      }
      try {
        s.requireFits(in.length == 0 ? what.toString() : what.append(')').toString());
      } catch (IllegalArgumentException e) {
        throw new ShapeException(e.getMessage(), e);
      }
    }
    return add(op, a, List.of(in), s, labelPrefix + op.label() + "_" + nodes.size());
  }

  private Node add(Op op, Attrs a, List<Node> in, Shape s, String label) {
    Node n = new Node(nodes.size(), op, in, s, dtype, a, label);
    nodes.add(n);
    return n;
  }

  /**
   * The names of the inputs and variables a node depends on (at most four), for messages.
   *
   * @param n the node
   * @return the names, comma-separated
   */
  public static String describeSources(Node n) {
    Set<String> names = new LinkedHashSet<>();
    collectSources(n, names, new java.util.HashSet<>());
    if (names.isEmpty()) {
      return "constants";
    }
    List<String> list = new ArrayList<>(names);
    String s = String.join(", ", list.subList(0, Math.min(4, list.size())));
    return list.size() > 4 ? s + ", ..." : s;
  }

  private static void collectSources(Node n, Set<String> out, Set<Node> seen) {
    if (!seen.add(n) || out.size() > 4) {
      return;
    }
    if (n.op() == Op.INPUT) {
      out.add("input '" + n.name() + "'");
    } else if (n.op() == Op.VARIABLE) {
      out.add("variable '" + n.name() + "'");
    }
    for (Node i : n.inputs()) {
      collectSources(i, out, seen);
    }
  }

  /**
   * A scalar constant.
   *
   * @param v the value
   * @return the node
   */
  public Node constant(double v) {
    return apply(Op.CONSTANT, Attrs.value(v));
  }

  /**
   * {@code a + b}, broadcast.
   *
   * @param a the augend
   * @param b the addend
   * @return the node
   */
  public Node add(Node a, Node b) {
    return apply(Op.ADD, Attrs.NONE, a, b);
  }

  /**
   * {@code a - b}, broadcast.
   *
   * @param a the minuend
   * @param b the subtrahend
   * @return the node
   */
  public Node sub(Node a, Node b) {
    return apply(Op.SUB, Attrs.NONE, a, b);
  }

  /**
   * {@code a·b} elementwise, broadcast.
   *
   * @param a a factor
   * @param b the other factor
   * @return the node
   */
  public Node mul(Node a, Node b) {
    return apply(Op.MUL, Attrs.NONE, a, b);
  }

  /**
   * {@code a·c} for a constant c.
   *
   * @param a the node
   * @param c the constant
   * @return the node
   */
  public Node mul(Node a, double c) {
    return mul(a, constant(c));
  }

  /**
   * {@code a / b} elementwise, broadcast.
   *
   * @param a the dividend
   * @param b the divisor
   * @return the node
   */
  public Node div(Node a, Node b) {
    return apply(Op.DIV, Attrs.NONE, a, b);
  }

  /**
   * {@code -a}.
   *
   * @param a the node
   * @return the node
   */
  public Node neg(Node a) {
    return apply(Op.NEG, Attrs.NONE, a);
  }

  /**
   * An elementwise op without attributes.
   *
   * @param op the op, such as {@code EXP}
   * @param a its operand
   * @return the node
   */
  public Node unary(Op op, Node a) {
    return apply(op, Attrs.NONE, a);
  }

  /**
   * The matrix product {@code op(a)·op(b)}, op the transpose where asked.
   *
   * @param a the left operand
   * @param b the right operand
   * @param transA whether {@code a} is transposed
   * @param transB whether {@code b} is transposed
   * @return the node
   */
  public Node matmul(Node a, Node b, boolean transA, boolean transB) {
    return apply(Op.MATMUL, Attrs.matmul(transA, transB), a, b);
  }

  /**
   * The same values in shape {@code s}; {@code a} itself when it already has it.
   *
   * @param a the node
   * @param s the shape, with as many elements
   * @return the node
   */
  public Node reshape(Node a, Shape s) {
    return a.shape().equals(s) ? a : apply(Op.RESHAPE, Attrs.shape(s), a);
  }

  /**
   * The sum of every element.
   *
   * @param a the node
   * @return a scalar node
   */
  public Node sum(Node a) {
    return apply(Op.SUM, Attrs.axis(Attrs.ALL), a);
  }

  /**
   * The sum over one axis, which is removed.
   *
   * @param a the node
   * @param axis the axis, -1 the last
   * @return the node
   */
  public Node sum(Node a, int axis) {
    return reduce(Op.SUM, a, axis);
  }

  /**
   * A reduction ({@code SUM}, {@code MEAN}, {@code MAX}) over {@code axis}; -1 is the last axis.
   *
   * @param op the reduction
   * @param a the node
   * @param axis the axis
   * @return the node, without {@code axis}
   */
  public Node reduce(Op op, Node a, int axis) {
    int ax;
    try {
      ax = dev.cortado.op.ShapeRules.axis(a.shape(), axis);
    } catch (IllegalArgumentException e) {
      throw new ShapeException(op.label() + ": " + e.getMessage() + "; operand from " + describeSources(a), e);
    }
    return apply(op, Attrs.axis(ax), a);
  }

  /**
   * {@code sum(a, axis)} with the axis kept as size 1, so it broadcasts back against {@code a}.
   *
   * @param a the node
   * @param axis the axis
   * @return the node, {@code axis} of size 1
   */
  public Node sumKeep(Node a, int axis) {
    return reshape(sum(a, axis), a.shape().keep(axis));
  }

  /**
   * The element count of {@code a} (axis {@link Attrs#ALL}) or of one axis, known when a step runs.
   *
   * @param a the node
   * @param axis the axis, or {@link Attrs#ALL}
   * @return a scalar node
   */
  public Node numel(Node a, int axis) {
    return apply(Op.NUMEL, Attrs.axis(dev.cortado.op.ShapeRules.axis(a.shape(), axis)), a);
  }

  /**
   * Sums {@code g} down to {@code s}, undoing numpy broadcasting; returns {@code g} when it already
   * fits.
   *
   * @param g the gradient
   * @param s the operand's shape
   * @return the node
   */
  public Node sumTo(Node g, Shape s) {
    return g.shape().equals(s) ? g : apply(Op.SUM_TO, Attrs.shape(s), g);
  }

  /**
   * Broadcasts {@code a} up to {@code s} by numpy's rules.
   *
   * @param a the node
   * @param s the shape
   * @return the node
   */
  public Node broadcastTo(Node a, Shape s) {
    return a.shape().equals(s) ? a : apply(Op.BROADCAST_TO, Attrs.shape(s), a);
  }

  /**
   * Verifies and freezes the graph.
   *
   * @return the graph
   * @throws IllegalStateException if the verifier finds a malformed graph
   */
  public Graph build() {
    Graph g = new Graph(this);
    Verifier.verify(g);
    return g;
  }
}
