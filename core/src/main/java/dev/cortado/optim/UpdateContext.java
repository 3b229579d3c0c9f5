package dev.cortado.optim;

import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.Role;
import dev.cortado.ir.Shape;
import dev.cortado.ir.VariableInfo;
import java.util.Arrays;
import java.util.List;

/** What an {@link Optimizer} builds its updates from: the graph, each trainable parameter and its gradient. */
public final class UpdateContext {
  /**
   * A trainable parameter: its full name, its value node, the gradient of the total loss and its
   * {@link Role} (null for a kernel or a parameter declared without one).
   */
  public record Param(String name, Node value, Node gradient, Role role) {
    /** A parameter without a role. */
    public Param(String name, Node value, Node gradient) {
      this(name, value, gradient, null);
    }
  }

  private final GraphBuilder builder;
  private final List<Param> params;

  public UpdateContext(GraphBuilder builder, List<Param> params) {
    this.builder = builder;
    this.params = List.copyOf(params);
  }

  public GraphBuilder builder() {
    return builder;
  }

  /** The trainable parameters, in declaration order. Frozen variables are never here. */
  public List<Param> params() {
    return params;
  }

  /**
   * Creates optimizer state {@code "<param>/<slot>"} shaped like the parameter, filled with
   * {@code initial} (a momentum buffer, a moment estimate).
   */
  public Node slot(Param p, String slot, double initial) {
    Shape s = p.value().shape();
    double[] init = new double[s.size(1)];
    Arrays.fill(init, initial);
    return builder.variable(p.name() + "/" + slot, s, VariableInfo.Role.STATE, false, init);
  }

  /** Creates a scalar piece of optimizer state, such as the step count. */
  public Node scalarState(String name, double initial) {
    return builder.variable(name, Shape.SCALAR, VariableInfo.Role.STATE, false, new double[] {initial});
  }

  /** A named run-time scalar (for instance {@code "lr_multiplier"}, driven by a schedule). */
  public Node hyper(String name, double defaultValue) {
    return builder.hyper(name, defaultValue);
  }

  /** Records the value a variable (parameter or state) takes after the step. */
  public void update(String variable, Node newValue) {
    builder.update(variable, newValue);
  }
}
