package dev.cortado.dsl;

import java.util.Objects;

/**
 * The options every layer with a kernel shares (dense, convolution, recurrent), named as Keras
 * names them; each setter returns the layer's own options type, so calls chain.
 *
 * @param <T> the options type of the layer
 */
abstract class LayerOptions<T extends LayerOptions<T>> {
  Initializer kernelInitializer = Initializers.glorotUniform();
  /** The bias initializer the user set, or null for the layer's default. */
  Initializer biasInitializer;
  Regularizer kernelRegularizer;
  Regularizer biasRegularizer;
  Constraint kernelConstraint;
  boolean trainable = true;

  LayerOptions() {}

  abstract T self();

  /**
   * How the kernel starts (default {@code glorotUniform()}, Keras's default; PyTorch's layers
   * default to {@code kaiming_uniform_(a=√5)}, which is {@code uniform(-1/√fanIn, 1/√fanIn)}).
   *
   * @param i the kernel's initializer
   * @return these options
   */
  public T kernelInitializer(Initializer i) {
    this.kernelInitializer = Objects.requireNonNull(i, nullMessage("kernelInitializer: i"));
    return self();
  }

  /**
   * How the bias starts (default {@code zeros()}; an LSTM's default also sets its forget block to one,
   * see {@link RecurrentLayer#unitForgetBias}).
   *
   * @param i the bias's initializer
   * @return these options
   */
  public T biasInitializer(Initializer i) {
    this.biasInitializer = Objects.requireNonNull(i, nullMessage("biasInitializer: i"));
    return self();
  }

  /**
   * A penalty on the kernel, added to {@code REGULARIZATION_LOSSES} (none by default).
   *
   * @param r the regularizer, e.g. {@code l2(1e-4)}
   * @return these options
   */
  public T kernelRegularizer(Regularizer r) {
    this.kernelRegularizer = Objects.requireNonNull(r, nullMessage("kernelRegularizer: r"));
    return self();
  }

  /**
   * A penalty on the bias, added to {@code REGULARIZATION_LOSSES} (none by default).
   *
   * @param r the regularizer
   * @return these options
   */
  public T biasRegularizer(Regularizer r) {
    this.biasRegularizer = Objects.requireNonNull(r, nullMessage("biasRegularizer: r"));
    return self();
  }

  /**
   * A constraint applied to the kernel after each update (none by default), such as {@code maxNorm(3)}.
   *
   * @param c the constraint
   * @return these options
   */
  public T kernelConstraint(Constraint c) {
    this.kernelConstraint = Objects.requireNonNull(c, nullMessage("kernelConstraint: c"));
    return self();
  }

  /**
   * False freezes the layer's variables: no gradient, no decay, no update.
   *
   * @param t whether the optimizer trains the layer's variables (default true)
   * @return these options
   */
  public T trainable(boolean t) {
    this.trainable = t;
    return self();
  }

  /** The message of a null argument: {@code Dense.activation: a}. */
  final String nullMessage(String what) {
    return getClass().getSimpleName() + "." + what;
  }

  /** Creates {@code kernel} in the current scope with the kernel's options. */
  Variable kernel(ModelBuilder m, int... shape) {
    Variable kernel = m.variable("kernel").shape(shape).initializer(kernelInitializer).trainable(trainable);
    return constrain(kernel, kernelRegularizer, kernelConstraint);
  }

  static Variable constrain(Variable v, Regularizer r, Constraint c) {
    if (r != null) {
      v.regularizer(r);
    }
    if (c != null) {
      v.constraint(c);
    }
    return v;
  }
}
