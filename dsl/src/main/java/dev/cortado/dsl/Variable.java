package dev.cortado.dsl;

import dev.cortado.ir.Node;
import dev.cortado.ir.Shape;
import dev.cortado.ir.Role;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A model parameter, as TensorFlow's {@code tf.get_variable}: a {@link Tensor} whose fluent
 * setters configure it until it is first used. It is created (initialized, registered in its
 * collections, and its regularizer's term put into {@code REGULARIZATION_LOSSES}) when an op
 * first reads it, when a collection is listed, or when the model is built. A setter called after
 * that must repeat the value already set, as a reuse scope does, or it throws.
 */
public final class Variable extends Tensor {
  private final String fullName;
  private int[] dims;
  private Initializer initializer = Initializers.glorotUniform();
  private Regularizer regularizer;
  private boolean trainable = true;
  private final List<String> collections = new ArrayList<>();
  private Constraint constraint;
  private Role role;
  private final UnaryOperator<Tensor> getter;
  private Node raw;
  private Node read;
  /** Why creating this variable failed (its regularizer threw, say); every later read rethrows it. */
  private RuntimeException failure;

  Variable(ModelBuilder model, String fullName, UnaryOperator<Tensor> getter) {
    super(model, null);
    this.fullName = fullName;
    this.getter = getter;
  }

  /**
   * The full name, with its scopes: {@code fc1/kernel}.
   *
   * @return the full name
   */
  public String name() {
    return fullName;
  }

  /**
   * Sets the batch-free shape; required before use.
   *
   * @param dims the dimensions, without {@code BATCH}; none for a scalar
   * @return this variable
   * @throws IllegalArgumentException if a dimension is {@code BATCH} or not positive, or the
   *     variable exists with another shape
   */
  public Variable shape(int... dims) {
    Objects.requireNonNull(dims, "Variable.shape: dims");
    if (dims.length > 0) {
      Shape.of(dims).requireFits("variable '" + fullName + "'");
    }
    for (int d : dims) {
      if (d == Shape.BATCH) {
        throw new IllegalArgumentException("variable '" + fullName + "': a variable's shape cannot contain BATCH");
      }
    }
    if (raw != null) {
      if (!Arrays.equals(this.dims, dims)) {
        throw new IllegalArgumentException("variable '" + fullName + "' already exists with shape "
            + Arrays.toString(this.dims) + "; it cannot be asked for again with shape " + Arrays.toString(dims));
      }
      return this;
    }
    this.dims = dims.clone();
    return this;
  }

  /**
   * Sets how the variable is filled; glorotUniform by default, as in TensorFlow.
   *
   * @param init the initializer
   * @return this variable
   * @throws IllegalStateException if the variable was created with another initializer
   */
  public Variable initializer(Initializer init) {
    this.initializer = checkSettable("initializer", this.initializer, Objects.requireNonNull(init, "Variable.initializer: init"));
    return this;
  }

  /**
   * Adds {@code regularizer(w)} to {@code REGULARIZATION_LOSSES} when the variable is created.
   *
   * @param r the regularizer, which must give a scalar
   * @return this variable
   * @throws IllegalStateException if the variable was created with another regularizer
   */
  public Variable regularizer(Regularizer r) {
    this.regularizer = checkSettable("regularizer", this.regularizer, Objects.requireNonNull(r, "Variable.regularizer: r"));
    return this;
  }

  /**
   * False freezes the variable: no gradient, no decay and no update code at all.
   *
   * @param t whether the optimizer updates the variable (default true)
   * @return this variable
   * @throws IllegalStateException if the variable was created the other way
   */
  public Variable trainable(boolean t) {
    this.trainable = checkSettable("trainable", this.trainable, t);
    return this;
  }

  /**
   * Adds the variable to user-named collections (besides GLOBAL_VARIABLES and TRAINABLE_VARIABLES).
   *
   * @param names the collections
   * @return this variable
   * @throws IllegalStateException if the variable was already created
   */
  public Variable collections(String... names) {
    if (raw != null) {
      throw alreadyCreated("collections");
    }
    collections.addAll(Arrays.asList(names));
    return this;
  }

  /**
   * A projection applied after every update, as Keras's kernel_constraint.
   *
   * @param c the constraint
   * @return this variable
   * @throws IllegalStateException if the variable was created with another constraint
   */
  public Variable constraint(Constraint c) {
    this.constraint = checkSettable("constraint", this.constraint, Objects.requireNonNull(c, "Variable.constraint: c"));
    return this;
  }

  /**
   * What the variable is for ({@link Role#BIAS}, {@link Role#NORMALIZATION},
   * {@link Role#EMBEDDING}), so that an optimizer's {@code excludeFromWeightDecay(Role...)} can
   * pick it; layers set it on the variables they make, and a kernel has none.
   *
   * @param r the role
   * @return this variable
   */
  public Variable role(Role r) {
    this.role = checkSettable("role", this.role, Objects.requireNonNull(r, "role"));
    return this;
  }

  /**
   * The variable's role, or null for none.
   *
   * @return the role
   */
  public Role role() {
    return role;
  }

  private <T> T checkSettable(String what, T current, T wanted) {
    if (raw != null && !Objects.equals(current, wanted)) {
      throw alreadyCreated(what + " (it has " + current + ", asked for " + wanted + ")");
    }
    return wanted;
  }

  private IllegalStateException alreadyCreated(String what) {
    return new IllegalStateException("variable '" + fullName + "' was already created by its first use, so its "
        + what + " can no longer change: set it where the variable is declared, before any op reads it");
  }

  /**
   * How the variable is filled.
   *
   * @return the initializer
   */
  public Initializer initializer() {
    return initializer;
  }

  /**
   * The penalty the variable adds to {@code REGULARIZATION_LOSSES}.
   *
   * @return the regularizer, or null for none
   */
  public Regularizer regularizer() {
    return regularizer;
  }

  /**
   * Whether the optimizer updates the variable.
   *
   * @return false for a frozen variable
   */
  public boolean isTrainable() {
    return trainable;
  }

  /**
   * The projection applied after every update.
   *
   * @return the constraint, or null for none
   */
  public Constraint constraint() {
    return constraint;
  }

  List<String> userCollections() {
    return collections;
  }

  int[] dims() {
    return dims == null ? null : dims.clone();
  }

  boolean created() {
    return raw != null;
  }

  /** The variable's own node, creating it on first call. */
  Node rawNode() {
    if (failure != null) {
      throw new IllegalStateException("variable '" + fullName + "' could not be created (" + failure.getMessage()
          + "), so the model cannot use it", failure);
    }
    if (raw == null) {
      if (dims == null) {
        throw new IllegalStateException("variable '" + fullName + "' has no shape: declare it as variable(\""
            + fullName.substring(fullName.lastIndexOf('/') + 1) + "\").shape(...)");
      }
      double[] init;
      try {
        init = initializer.initialize(dims.clone(), Initializers.rngFor(model.seed(), fullName));
      } catch (IllegalArgumentException e) {
        // an initializer knows the shape, not whose it is
        throw new IllegalArgumentException("variable '" + fullName + "': " + e.getMessage(), e);
      }
      raw = model.graph().parameter(fullName, Shape.of(dims), trainable, init, role);
      try {
        model.registerCreated(this);
      } catch (RuntimeException e) {
        // e.g. its regularizer threw: every later read fails too, so a caller that catches this
        // cannot go on to build a model that uses the variable without its regularization term
        failure = e;
        throw e;
      }
    }
    return raw;
  }

  /** The node ops read: the variable, or what its scope's custom getter made of it. */
  @Override
  public Node node() {
    if (read == null) {
      Node r = rawNode();
      read = getter == null ? r : getter.apply(new Tensor(model, r)).node();
    }
    return read;
  }

  @Override
  public String toString() {
    return "variable '" + fullName + "' " + (dims == null ? "(no shape yet)" : Arrays.toString(dims));
  }
}
