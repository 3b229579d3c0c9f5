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
    /**
     * A parameter without a role.
     *
     * @param name the full name
     * @param value the value node
     * @param gradient the gradient node
     */
    public Param(String name, Node value, Node gradient) {
      this(name, value, gradient, null);
    }
  }

  private final GraphBuilder builder;
  private final List<Param> params;

  /**
   * A context over a graph being built.
   *
   * @param builder the builder of the training graph
   * @param params the trainable parameters, in declaration order
   */
  public UpdateContext(GraphBuilder builder, List<Param> params) {
    this.builder = builder;
    this.params = List.copyOf(params);
  }

  /**
   * The builder the updates are added to.
   *
   * @return the builder
   */
  public GraphBuilder builder() {
    return builder;
  }

  /**
   * The trainable parameters, in declaration order. Frozen variables are never here.
   *
   * @return an unmodifiable list
   */
  public List<Param> params() {
    return params;
  }

  /**
   * Creates optimizer state {@code "<param>/<slot>"} shaped like the parameter, filled with
   * {@code initial} (a momentum buffer, a moment estimate).
   *
   * @param p the parameter
   * @param slot the slot's name
   * @param initial the starting value of every element
   * @return the state's value before the step
   */
  public Node slot(Param p, String slot, double initial) {
    Shape s = p.value().shape();
    double[] init = new double[s.size(1)];
    Arrays.fill(init, initial);
    return builder.variable(p.name() + "/" + slot, s, VariableInfo.Role.STATE, false, init);
  }

  /**
   * Creates a scalar piece of optimizer state, such as the step count.
   *
   * @param name the state's name
   * @param initial its starting value
   * @return its value before the step
   */
  public Node scalarState(String name, double initial) {
    return builder.variable(name, Shape.SCALAR, VariableInfo.Role.STATE, false, new double[] {initial});
  }

  /**
   * A named run-time scalar (for instance {@code "lr_multiplier"}, driven by a schedule).
   *
   * @param name the scalar's name
   * @param defaultValue its value until set
   * @return the scalar node
   */
  public Node hyper(String name, double defaultValue) {
    return builder.hyper(name, defaultValue);
  }

  /**
   * Records the value a variable (parameter or state) takes after the step.
   *
   * @param variable the variable's full name
   * @param newValue its value after the step
   */
  public void update(String variable, Node newValue) {
    builder.update(variable, newValue);
  }
}
