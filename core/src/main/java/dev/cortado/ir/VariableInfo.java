package dev.cortado.ir;

/**
 * A persistent tensor of a graph: a model parameter (trainable or frozen) or a piece of optimizer
 * state (a moment, a step count). {@code initial} is its starting value, row-major. {@code purpose}
 * is the parameter's {@link dev.cortado.ir.Role} ({@code BIAS}, {@code NORMALIZATION},
 * {@code EMBEDDING}), or null for a kernel, optimizer state and any variable declared without one.
 */
public record VariableInfo(String name, Node node, Role role, boolean trainable, double[] initial,
    dev.cortado.ir.Role purpose) {
  /** What a variable is for. */
  public enum Role {
    /** A model parameter, declared with {@code variable(name)}. */
    PARAMETER,
    /** Optimizer state, created by the optimizer's graph builder. */
    STATE,
    /**
     * The gradient buffer of a trainable parameter, which the split step's halves hand over
     * through: written by the gradient half, read by the apply half, never saved in a checkpoint.
     */
    GRADIENT
  }

  /**
   * A variable without a {@link dev.cortado.ir.Role}.
   *
   * @param name the full name
   * @param node the variable's node
   * @param role a parameter, optimizer state or a gradient buffer
   * @param trainable whether the optimizer updates it
   * @param initial the starting value, row-major
   */
  public VariableInfo(String name, Node node, Role role, boolean trainable, double[] initial) {
    this(name, node, role, trainable, initial, null);
  }

  /**
   * Checks that {@code initial} has one value per element.
   *
   * @param name the full name
   * @param node the variable's node
   * @param role a parameter, optimizer state or a gradient buffer
   * @param trainable whether the optimizer updates it
   * @param initial the starting value, row-major
   * @param purpose the parameter's role, or null
   * @throws IllegalArgumentException if the lengths differ
   */
  public VariableInfo {
    if (initial.length != node.shape().size(1)) {
      throw new IllegalArgumentException(
          "variable '" + name + "' of shape " + node.shape() + " has " + initial.length
              + " initial values, expected " + node.shape().size(1));
    }
  }

  /**
   * A copy of the starting value.
   *
   * @return a new array
   */
  public double[] initialValue() {
    return initial.clone();
  }

  /**
   * The variable's shape, its node's.
   *
   * @return the shape
   */
  public Shape shape() {
    return node.shape();
  }
}
