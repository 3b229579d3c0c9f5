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

  /** The model's name; the class's simple name unless overridden. */
  protected String name() {
    return getClass().getSimpleName();
  }

  /** Runs {@link #define()} and returns the model. */
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

  protected final void dtype(DType d) {
    m().dtype(d);
  }

  protected final void seed(long s) {
    m().seed(s);
  }

  protected final void optimizer(Optimizer o) {
    m().optimizer(o);
  }

  protected final Tensor input(String name, int... dims) {
    return m().input(name, dims);
  }

  protected final Variable variable(String name) {
    return m().variable(name);
  }

  protected final void scope(String name, Runnable body) {
    m().scope(name, body);
  }

  protected final <T> T scoped(String name, java.util.function.Supplier<T> body) {
    return m().scoped(name, body);
  }

  protected final void reuseScope(String name, Runnable body) {
    m().reuseScope(name, body);
  }

  protected final void scope(String name, UnaryOperator<Tensor> getter, Runnable body) {
    m().scope(name, getter, body);
  }

  protected final List<Tensor> collection(String name) {
    return m().collection(name);
  }

  protected final void addToCollection(String name, Tensor t) {
    m().addToCollection(name, t);
  }

  protected final Tensor dense(String name, Tensor x, int units) {
    return m().dense(name, x, units);
  }

  protected final Tensor dense(String name, Tensor x, int units, Consumer<Dense> options) {
    return m().dense(name, x, units, options);
  }

  protected final Tensor conv2d(String name, Tensor x, int filters, int kernelSize) {
    return m().conv2d(name, x, filters, kernelSize);
  }

  protected final Tensor conv2d(String name, Tensor x, int filters, int kernelSize, Consumer<Conv> options) {
    return m().conv2d(name, x, filters, kernelSize, options);
  }

  protected final Tensor conv1d(String name, Tensor x, int filters, int kernelSize) {
    return m().conv1d(name, x, filters, kernelSize);
  }

  protected final Tensor conv1d(String name, Tensor x, int filters, int kernelSize, Consumer<Conv> options) {
    return m().conv1d(name, x, filters, kernelSize, options);
  }

  protected final Tensor embedding(String name, Tensor ids, int vocab, int dim) {
    return m().embedding(name, ids, vocab, dim);
  }

  protected final Tensor embedding(String name, Tensor ids, int vocab, int dim, Consumer<Embedding> options) {
    return m().embedding(name, ids, vocab, dim, options);
  }

  protected final Tensor layerNorm(String name, Tensor x) {
    return m().layerNorm(name, x);
  }

  protected final Tensor layerNorm(String name, Tensor x, Consumer<LayerNorm> options) {
    return m().layerNorm(name, x, options);
  }

  protected final Tensor batchNorm(String name, Tensor x) {
    return m().batchNorm(name, x);
  }

  protected final Tensor batchNorm(String name, Tensor x, Consumer<BatchNorm> options) {
    return m().batchNorm(name, x, options);
  }

  protected final Tensor gru(String name, Tensor x, int units) {
    return m().gru(name, x, units);
  }

  protected final Tensor gru(String name, Tensor x, int units, Consumer<RecurrentLayer> options) {
    return m().gru(name, x, units, options);
  }

  protected final Tensor lstm(String name, Tensor x, int units) {
    return m().lstm(name, x, units);
  }

  protected final Tensor lstm(String name, Tensor x, int units, Consumer<RecurrentLayer> options) {
    return m().lstm(name, x, units, options);
  }

  protected final void output(String name, Tensor t) {
    m().output(name, t);
  }

  protected final void minimize(Tensor loss) {
    m().minimize(loss);
  }
}
