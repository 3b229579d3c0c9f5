package dev.cortado.dsl;

import dev.cortado.ir.DType;
import dev.cortado.optim.Optimizer;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A model written as a class, for the build plugin and larger models: override {@link #define()}
 * and call the same methods as {@code Model.define}'s receiver, inherited here.
 *
 * <pre>{@code
 * public final class Regression extends ModelDefinition {
 *   @Override protected void define() {
 *     Tensor x = input("x", BATCH, 3);
 *     Variable w = variable("w").shape(3, 1).regularizer(l2(1e-4));
 *     ...
 *   }
 * }
 * Model model = new Regression().build();
 * }</pre>
 */
public abstract class ModelDefinition {
  private ModelBuilder m;

  /** Declares the model; runs once per {@link #build()}. */
  protected abstract void define();

  /**
   * The model's name; the class's simple name unless overridden.
   *
   * @return the name of the model and of its generated class
   */
  protected String name() {
    return getClass().getSimpleName();
  }

  /**
   * Runs {@link #define()} and returns the model.
   *
   * @return a new model, built from a fresh {@link #define()} run
   */
  public final Model build() {
    Consumer<ModelBuilder> body = b -> {
      ModelBuilder old = m;
      m = b;
      try {
        define();
      } finally {
        m = old;
      }
    };
    return Model.run(new ModelBuilder(name()), body, null);
  }

  private ModelBuilder m() {
    if (m == null) {
      throw new IllegalStateException("ModelDefinition methods can only be called from define(), during build()");
    }
    return m;
  }

  /**
   * The element type of every tensor, as {@link ModelBuilder#dtype(DType)}.
   *
   * @param d {@code F32} (the default) or {@code F64}
   */
  protected final void dtype(DType d) {
    m().dtype(d);
  }

  /**
   * The seed of every initializer and dropout mask, as {@link ModelBuilder#seed(long)}.
   *
   * @param s the seed (42 unless set)
   */
  protected final void seed(long s) {
    m().seed(s);
  }

  /**
   * The optimizer this model trains with, as {@link ModelBuilder#optimizer(Optimizer)}.
   *
   * @param o the optimizer
   */
  protected final void optimizer(Optimizer o) {
    m().optimizer(o);
  }

  /**
   * A named input, as {@link ModelBuilder#input(String, int...)}.
   *
   * @param name the name the input is fed under
   * @param dims the shape, {@code BATCH} first for a batch of rows
   * @return the input as a tensor
   */
  protected final Tensor input(String name, int... dims) {
    return m().input(name, dims);
  }

  /**
   * A variable in the current scope, as {@link ModelBuilder#variable(String)}.
   *
   * @param name the name inside the current scope
   * @return the variable
   */
  protected final Variable variable(String name) {
    return m().variable(name);
  }

  /**
   * Runs {@code body} in a scope, as {@link ModelBuilder#scope(String, Runnable)}.
   *
   * @param name the scope's prefix
   * @param body defines the scope's variables and ops
   */
  protected final void scope(String name, Runnable body) {
    m().scope(name, body);
  }

  /**
   * Runs {@code body} in a scope and returns its result, as {@link ModelBuilder#scoped(String,
   * java.util.function.Supplier)}.
   *
   * @param <T> what the body returns
   * @param name the scope's prefix
   * @param body defines the scope's variables and ops
   * @return what {@code body} returned
   */
  protected final <T> T scoped(String name, java.util.function.Supplier<T> body) {
    return m().scoped(name, body);
  }

  /**
   * Runs {@code body} in a scope that reuses existing variables, as {@link
   * ModelBuilder#reuseScope(String, Runnable)}.
   *
   * @param name the scope's prefix
   * @param body defines or reuses the scope's variables
   */
  protected final void reuseScope(String name, Runnable body) {
    m().reuseScope(name, body);
  }

  /**
   * Runs {@code body} in a scope with a custom getter, as {@link ModelBuilder#scope(String,
   * UnaryOperator, Runnable)}.
   *
   * @param name the scope's prefix
   * @param getter maps each variable to the tensor ops inside the scope read
   * @param body defines the scope's variables and ops
   */
  protected final void scope(String name, UnaryOperator<Tensor> getter, Runnable body) {
    m().scope(name, getter, body);
  }

  /**
   * A collection's tensors in order, as {@link ModelBuilder#collection(String)}.
   *
   * @param name the collection's name
   * @return an unmodifiable list
   */
  protected final List<Tensor> collection(String name) {
    return m().collection(name);
  }

  /**
   * Adds a tensor to a collection, as {@link ModelBuilder#addToCollection(String, Tensor)}.
   *
   * @param name the collection's name
   * @param t the tensor
   */
  protected final void addToCollection(String name, Tensor t) {
    m().addToCollection(name, t);
  }

  /**
   * A dense layer {@code x·kernel + bias}, as {@link ModelBuilder#dense(String, Tensor, int)}.
   *
   * @param name the scope of the layer's variables
   * @param x the input {@code [BATCH, ..., in]}
   * @param units the outputs per row
   * @return {@code [BATCH, ..., units]}
   */
  protected final Tensor dense(String name, Tensor x, int units) {
    return m().dense(name, x, units);
  }

  /**
   * A dense layer with options, as {@link ModelBuilder#dense(String, Tensor, int, Consumer)}.
   *
   * @param name the scope of the layer's variables
   * @param x the input {@code [BATCH, ..., in]}
   * @param units the outputs per row
   * @param options sets the layer's options
   * @return {@code [BATCH, ..., units]}
   */
  protected final Tensor dense(String name, Tensor x, int units, Consumer<Dense> options) {
    return m().dense(name, x, units, options);
  }

  /**
   * A 2-D convolution, as {@link ModelBuilder#conv2d(String, Tensor, int, int)}.
   *
   * @param name the scope of the layer's variables
   * @param x the image batch {@code [BATCH, H, W, C]}
   * @param filters the output channels
   * @param kernelSize the kernel's height and width
   * @return {@code [BATCH, OH, OW, filters]}
   */
  protected final Tensor conv2d(String name, Tensor x, int filters, int kernelSize) {
    return m().conv2d(name, x, filters, kernelSize);
  }

  /**
   * A 2-D convolution with options, as {@link ModelBuilder#conv2d(String, Tensor, int, int,
   * Consumer)}.
   *
   * @param name the scope of the layer's variables
   * @param x the image batch {@code [BATCH, H, W, C]}
   * @param filters the output channels
   * @param kernelSize the kernel's height and width
   * @param options sets the layer's options
   * @return {@code [BATCH, OH, OW, filters]}
   */
  protected final Tensor conv2d(String name, Tensor x, int filters, int kernelSize, Consumer<Conv> options) {
    return m().conv2d(name, x, filters, kernelSize, options);
  }

  /**
   * A 1-D convolution, as {@link ModelBuilder#conv1d(String, Tensor, int, int)}.
   *
   * @param name the scope of the layer's variables
   * @param x the sequence batch {@code [BATCH, T, C]}
   * @param filters the output channels
   * @param kernelSize the kernel's length in steps
   * @return {@code [BATCH, OT, filters]}
   */
  protected final Tensor conv1d(String name, Tensor x, int filters, int kernelSize) {
    return m().conv1d(name, x, filters, kernelSize);
  }

  /**
   * A 1-D convolution with options, as {@link ModelBuilder#conv1d(String, Tensor, int, int,
   * Consumer)}.
   *
   * @param name the scope of the layer's variables
   * @param x the sequence batch {@code [BATCH, T, C]}
   * @param filters the output channels
   * @param kernelSize the kernel's length in steps
   * @param options sets the layer's options
   * @return {@code [BATCH, OT, filters]}
   */
  protected final Tensor conv1d(String name, Tensor x, int filters, int kernelSize, Consumer<Conv> options) {
    return m().conv1d(name, x, filters, kernelSize, options);
  }

  /**
   * An embedding lookup, as {@link ModelBuilder#embedding(String, Tensor, int, int)}.
   *
   * @param name the scope of the layer's table
   * @param ids the ids {@code [BATCH, ...]}, a model input
   * @param vocab the number of rows of the table
   * @param dim the length of each vector
   * @return {@code [BATCH, ..., dim]}
   */
  protected final Tensor embedding(String name, Tensor ids, int vocab, int dim) {
    return m().embedding(name, ids, vocab, dim);
  }

  /**
   * An embedding lookup with options, as {@link ModelBuilder#embedding(String, Tensor, int, int,
   * Consumer)}.
   *
   * @param name the scope of the layer's table
   * @param ids the ids {@code [BATCH, ...]}, a model input
   * @param vocab the number of rows of the table
   * @param dim the length of each vector
   * @param options sets the layer's options
   * @return {@code [BATCH, ..., dim]}
   */
  protected final Tensor embedding(String name, Tensor ids, int vocab, int dim, Consumer<Embedding> options) {
    return m().embedding(name, ids, vocab, dim, options);
  }

  /**
   * A layer normalization over the last axis, as {@link ModelBuilder#layerNorm(String, Tensor)}.
   *
   * @param name the scope of the layer's variables
   * @param x the input {@code [BATCH, ..., features]}
   * @return a tensor of {@code x}'s shape
   */
  protected final Tensor layerNorm(String name, Tensor x) {
    return m().layerNorm(name, x);
  }

  /**
   * A layer normalization with options, as {@link ModelBuilder#layerNorm(String, Tensor,
   * Consumer)}.
   *
   * @param name the scope of the layer's variables
   * @param x the input {@code [BATCH, ..., features]}
   * @param options sets the layer's options
   * @return a tensor of {@code x}'s shape
   */
  protected final Tensor layerNorm(String name, Tensor x, Consumer<LayerNorm> options) {
    return m().layerNorm(name, x, options);
  }

  /**
   * A batch normalization, as {@link ModelBuilder#batchNorm(String, Tensor)}.
   *
   * @param name the scope of the layer's variables
   * @param x the input {@code [BATCH, ..., channels]}
   * @return a tensor of {@code x}'s shape
   */
  protected final Tensor batchNorm(String name, Tensor x) {
    return m().batchNorm(name, x);
  }

  /**
   * A batch normalization with options, as {@link ModelBuilder#batchNorm(String, Tensor,
   * Consumer)}.
   *
   * @param name the scope of the layer's variables
   * @param x the input {@code [BATCH, ..., channels]}
   * @param options sets the layer's options
   * @return a tensor of {@code x}'s shape
   */
  protected final Tensor batchNorm(String name, Tensor x, Consumer<BatchNorm> options) {
    return m().batchNorm(name, x, options);
  }

  /**
   * A GRU, as {@link ModelBuilder#gru(String, Tensor, int)}.
   *
   * @param name the scope of the layer's variables
   * @param x the sequence batch {@code [BATCH, steps, features]}
   * @param units the size of h
   * @return the last h {@code [BATCH, units]}
   */
  protected final Tensor gru(String name, Tensor x, int units) {
    return m().gru(name, x, units);
  }

  /**
   * A GRU with options, as {@link ModelBuilder#gru(String, Tensor, int, Consumer)}.
   *
   * @param name the scope of the layer's variables
   * @param x the sequence batch {@code [BATCH, steps, features]}
   * @param units the size of h
   * @param options sets the layer's options
   * @return the last h, or every h with {@code returnSequences(true)}
   */
  protected final Tensor gru(String name, Tensor x, int units, Consumer<RecurrentLayer> options) {
    return m().gru(name, x, units, options);
  }

  /**
   * An LSTM, as {@link ModelBuilder#lstm(String, Tensor, int)}.
   *
   * @param name the scope of the layer's variables
   * @param x the sequence batch {@code [BATCH, steps, features]}
   * @param units the size of h and c
   * @return the last h {@code [BATCH, units]}
   */
  protected final Tensor lstm(String name, Tensor x, int units) {
    return m().lstm(name, x, units);
  }

  /**
   * An LSTM with options, as {@link ModelBuilder#lstm(String, Tensor, int, Consumer)}.
   *
   * @param name the scope of the layer's variables
   * @param x the sequence batch {@code [BATCH, steps, features]}
   * @param units the size of h and c
   * @param options sets the layer's options
   * @return the last h, or every h with {@code returnSequences(true)}
   */
  protected final Tensor lstm(String name, Tensor x, int units, Consumer<RecurrentLayer> options) {
    return m().lstm(name, x, units, options);
  }

  /**
   * Names a tensor as an output of {@code predict}, as {@link ModelBuilder#output(String, Tensor)}.
   *
   * @param name the output's key, unique in the model
   * @param t the tensor
   */
  protected final void output(String name, Tensor t) {
    m().output(name, t);
  }

  /**
   * Sets the scalar loss, adding every regularization term it lacks, as {@link
   * ModelBuilder#minimize(Tensor)}.
   *
   * @param loss a scalar
   */
  protected final void minimize(Tensor loss) {
    m().minimize(loss);
  }
}
