package dev.cortado.dsl;

import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.Shape;
import dev.cortado.optim.Optimizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The receiver of a model definition ({@code Model.define(name, m -> ...)}): inputs, variables in
 * scopes, collections, outputs and the loss to minimize. {@link ModelDefinition} exposes the same
 * methods to a subclass.
 */
public final class ModelBuilder {
  private static final ThreadLocal<ModelBuilder> CURRENT = new ThreadLocal<>();

  private final String name;
  private DType dtype = DType.F32;
  private long seed = 42;
  private GraphBuilder graph;
  private final Scopes scopes = new Scopes();
  private final VariableCollections store = new VariableCollections();
  /** The values that frozen variables (moving statistics) take after each training step. */
  private final Map<String, Tensor> stateUpdates = new LinkedHashMap<>();
  private final Map<String, Tensor> outputs = new LinkedHashMap<>();
  private Losses.Split loss;
  private Optimizer optimizer;
  private int dropouts;
  private boolean lockedDtype;

  ModelBuilder(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a model needs a non-empty name");
    }
    this.name = name;
  }

  /** A builder over an existing graph, so DSL ops (a constraint, say) can extend a training graph. */
  static ModelBuilder over(GraphBuilder g) {
    ModelBuilder m = new ModelBuilder(g.name());
    m.graph = g;
    return m;
  }

  /** The builder whose definition is running on this thread (for functions such as {@code addN()} of nothing). */
  static ModelBuilder current() {
    ModelBuilder b = CURRENT.get();
    if (b == null) {
      throw new IllegalStateException("no model is being defined on this thread: call this inside Model.define(...) "
          + "or a ModelDefinition's define()");
    }
    return b;
  }

  static ModelBuilder enter(ModelBuilder b) {
    ModelBuilder old = CURRENT.get();
    CURRENT.set(b);
    return old;
  }

  static void leave(ModelBuilder old) {
    if (old == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(old);
    }
  }

  // ---------------------------------------------------------------- settings

  /**
   * The element type of every tensor: {@code F32} (the default) or {@code F64}. Set it before
   * anything else.
   *
   * @param d {@code F32} or {@code F64}
   * @return this builder
   * @throws IllegalStateException if an input or variable already exists
   */
  public ModelBuilder dtype(DType d) {
    if (lockedDtype) {
      return this;
    }
    if (graph != null) {
      throw new IllegalStateException("model '" + name + "': dtype(" + d + ") must come before the first input or variable");
    }
    this.dtype = Objects.requireNonNull(d, "ModelBuilder.dtype: d");
    return this;
  }

  /**
   * The seed every initializer and dropout mask derives from (42 unless set). Set it before the
   * first variable.
   *
   * @param s the seed
   * @return this builder
   * @throws IllegalStateException if a variable already exists
   */
  public ModelBuilder seed(long s) {
    if (!store.variables().isEmpty()) {
      throw new IllegalStateException("model '" + name + "': seed(" + s + ") must come before the first variable");
    }
    this.seed = s;
    return this;
  }

  /**
   * Declares the optimizer this model trains with, for generated-source mode and {@link
   * Model#compile()}'s callers.
   *
   * @param o the optimizer, e.g. {@code adam(1e-3)}
   * @return this builder
   */
  public ModelBuilder optimizer(Optimizer o) {
    this.optimizer = Objects.requireNonNull(o, "ModelBuilder.optimizer: o");
    return this;
  }

  /** Fixes the dtype against the definition's own dtype(...) call (the F64 gradient check). */
  void lockDtype(DType d) {
    dtype(d);
    lockedDtype = true;
  }

  long seed() {
    return seed;
  }

  String name() {
    return name;
  }

  GraphBuilder graph() {
    if (graph == null) {
      graph = new GraphBuilder(name, dtype);
    }
    return graph;
  }

  Tensor wrap(Node n) {
    return new Tensor(this, n);
  }

  Tensor constant(double v) {
    return wrap(graph().constant(v));
  }

  // ---------------------------------------------------------------- inputs, variables, scopes

  /**
   * A named input fed at every step; {@code BATCH} marks the batch dimension.
   *
   * @param inputName the name {@code trainStep} and {@code predict} are fed under
   * @param dims the shape, {@code BATCH} first for a batch of rows, e.g. {@code (BATCH, 28, 28, 1)}
   * @return the input as a tensor
   */
  public Tensor input(String inputName, int... dims) {
    Objects.requireNonNull(inputName, "ModelBuilder.input: inputName");
    Objects.requireNonNull(dims, "ModelBuilder.input: dims");
    return wrap(graph().input(inputName, Shape.of(dims)));
  }

  /**
   * The variable {@code name} in the current scope ({@code fc1/name} inside {@code scope("fc1")}).
   * Asking again for an existing name is an error unless the scope was opened with
   * {@link #reuseScope}, which returns the existing variable instead.
   *
   * @param varName the name inside the current scope: non-empty, without {@code '/'}
   * @return the new variable (a scalar of zeros until its setters say otherwise), or the existing
   *     one inside a reuse scope
   * @throws IllegalArgumentException if the name is malformed, exists outside a reuse scope, or
   *     does not exist inside one
   */
  public Variable variable(String varName) {
    if (varName == null || varName.isEmpty() || varName.contains("/")) {
      throw new IllegalArgumentException("a variable name must be non-empty and contain no '/': got '" + varName
          + "' (use scope(...) for a prefix)");
    }
    String full = scopes.prefix() + varName;
    Variable existing = store.variables().get(full);
    if (scopes.reuse()) {
      if (existing == null) {
        throw new IllegalArgumentException("variable '" + full + "' does not exist, so it cannot be reused: create it "
            + "first in scope(\"" + scopes.path() + "\", ...), or open this scope with scope(...) instead of reuseScope(...)");
      }
      return existing;
    }
    if (existing != null) {
      throw new IllegalArgumentException("variable '" + full + "' already exists; to share it, open the scope with "
          + "reuseScope(\"" + scopes.path() + "\", ...) as TensorFlow's variable_scope(reuse=True), or pick another name");
    }
    Variable v = new Variable(this, full, scopes.getter());
    store.variables().put(full, v);
    return v;
  }

  /**
   * Runs {@code body} with names prefixed by {@code scopeName/}; reuse is inherited from the
   * enclosing scope.
   *
   * @param scopeName the prefix: non-empty, without {@code '/'}
   * @param body defines the scope's variables and ops
   */
  public void scope(String scopeName, Runnable body) {
    Objects.requireNonNull(scopeName, "ModelBuilder.scope: scopeName");
    Objects.requireNonNull(body, "ModelBuilder.scope: body");
    inScope(scopeName, scopes.reuse(), null, body);
  }

  /**
   * As {@link #scope(String, Runnable)}, returning what {@code body} builds: {@code Tensor h =
   * m.scoped("fc1", () -> ...)}.
   *
   * @param <T> what the body returns
   * @param scopeName the prefix: non-empty, without {@code '/'}
   * @param body defines the scope's variables and ops
   * @return what {@code body} returned
   */
  public <T> T scoped(String scopeName, java.util.function.Supplier<T> body) {
    Objects.requireNonNull(scopeName, "ModelBuilder.scoped: scopeName");
    Objects.requireNonNull(body, "ModelBuilder.scoped: body");
    java.util.List<T> result = new java.util.ArrayList<>(1);
    inScope(scopeName, scopes.reuse(), null, () -> result.add(body.get()));
    return result.get(0);
  }

  /**
   * As {@link #scope}, with variables that already exist returned instead of created.
   *
   * @param scopeName the prefix: non-empty, without {@code '/'}
   * @param body defines or reuses the scope's variables
   */
  public void reuseScope(String scopeName, Runnable body) {
    Objects.requireNonNull(scopeName, "ModelBuilder.reuseScope: scopeName");
    Objects.requireNonNull(body, "ModelBuilder.reuseScope: body");
    inScope(scopeName, true, null, body);
  }

  /**
   * As {@link #scope}, with a custom getter (TensorFlow's {@code custom_getter}): every variable
   * created inside is read through {@code getter}, for weight normalization, weight noise or a
   * moving average. Getters of nested scopes compose, the innermost applied last.
   *
   * @param scopeName the prefix: non-empty, without {@code '/'}
   * @param getter maps each variable to the tensor that ops inside the scope read instead
   * @param body defines the scope's variables and ops
   */
  public void scope(String scopeName, UnaryOperator<Tensor> getter, Runnable body) {
    Objects.requireNonNull(scopeName, "ModelBuilder.scope: scopeName");
    Objects.requireNonNull(body, "ModelBuilder.scope: body");
    inScope(scopeName, scopes.reuse(), Objects.requireNonNull(getter, "ModelBuilder.scope: getter"), body);
  }

  private void inScope(String scopeName, boolean reuse, UnaryOperator<Tensor> getter, Runnable body) {
    scopes.push(scopeName, reuse, getter);
    String oldLabel = graph().labelPrefix(scopes.prefix());
    try {
      body.run();
    } finally {
      scopes.pop();
      graph().labelPrefix(oldLabel);
    }
  }

  /** Called by a variable when it is created: collections and its regularization term. */
  void registerCreated(Variable v) {
    String termName = Losses.termName(v.name());
    if (v.regularizer() != null && store.regTerms().containsKey(termName)) {
      throw new IllegalArgumentException("variable '" + v.name() + "': its regularization term would be named '"
          + termName + "', which a term added with addToCollection(REGULARIZATION_LOSSES, ...) already has; "
          + "rename the variable or create it before adding the term");
    }
    Tensor term = v.regularizer() == null ? null : regularizationTerm(v);
    store.created(v, termName, term);
  }

  /** {@code regularizer(w)} under the label prefix {@code <w>/regularizer/}; throws (collecting nothing) unless it is a scalar. */
  private Tensor regularizationTerm(Variable v) {
    String old = graph().labelPrefix(v.name() + "/regularizer/");
    try {
      Tensor term = v.regularizer().apply(new Tensor(this, v.rawNode()));
      if (term == null || !term.shape().isScalar()) {
        throw new IllegalArgumentException("the regularizer " + v.regularizer() + " of variable '" + v.name()
            + "' returned " + (term == null ? "null" : "shape " + term.shape())
            + "; a regularizer must return a scalar (end it with .sum() or .mean())");
      }
      return term;
    } finally {
      graph().labelPrefix(old);
    }
  }

  private void createAll() {
    for (Variable v : store.variables().values()) {
      v.rawNode();
    }
  }

  /**
   * The tensors in a collection, in the order they were added: {@code REGULARIZATION_LOSSES}
   * (one scalar term per regularized variable), {@code TRAINABLE_VARIABLES},
   * {@code GLOBAL_VARIABLES} or a user-named one. Every declared variable is created first, so
   * its term is listed.
   *
   * @param collection the collection's name
   * @return an unmodifiable list, empty for a collection that has nothing
   */
  public List<Tensor> collection(String collection) {
    Objects.requireNonNull(collection, "ModelBuilder.collection: collection");
    createAll();
    return store.get(collection);
  }

  /**
   * Adds a tensor to a collection, as {@code tf.add_to_collection}; a scalar added to
   * {@code REGULARIZATION_LOSSES} becomes a term that {@link #minimize} includes.
   *
   * @param collection the collection's name
   * @param t the tensor to add
   * @throws IllegalArgumentException if a non-scalar is added to {@code REGULARIZATION_LOSSES}
   */
  public void addToCollection(String collection, Tensor t) {
    Objects.requireNonNull(collection, "ModelBuilder.addToCollection: collection");
    requireOwn("ModelBuilder.addToCollection", "t", t);
    if (Cortado.REGULARIZATION_LOSSES.equals(collection)) {
      if (!t.shape().isScalar()) {
        throw new IllegalArgumentException("a regularization term must be a scalar, got " + t);
      }
      store.userTerm(t);
    }
    store.add(collection, t);
  }

  // ---------------------------------------------------------------- layers, outputs, loss

  /**
   * A dense layer {@code x·kernel + bias} with {@code units} outputs; see {@link Dense}.
   *
   * @param layerName the scope of the layer's variables
   * @param x the input {@code [BATCH, ..., in]}
   * @param units the outputs per row, positive
   * @return {@code [BATCH, ..., units]}
   * @throws IllegalArgumentException if {@code units} is not positive or {@code x} has no fixed
   *     last axis
   */
  public Tensor dense(String layerName, Tensor x, int units) {
    return dense(layerName, x, units, d -> {});
  }

  /**
   * A dense layer configured by {@code options}, e.g. {@code d ->
   * d.activation(RELU).kernelRegularizer(l2(1e-4))}.
   *
   * @param layerName the scope of the layer's variables
   * @param x the input {@code [BATCH, ..., in]}
   * @param units the outputs per row, positive
   * @param options sets the layer's options
   * @return {@code [BATCH, ..., units]}
   * @throws IllegalArgumentException if {@code units} is not positive or {@code x} has no fixed
   *     last axis
   */
  public Tensor dense(String layerName, Tensor x, int units, java.util.function.Consumer<Dense> options) {
    Objects.requireNonNull(layerName, "ModelBuilder.dense: layerName");
    Objects.requireNonNull(x, "ModelBuilder.dense: x");
    Objects.requireNonNull(options, "ModelBuilder.dense: options");
    if (units <= 0) {
      throw new IllegalArgumentException("dense '" + layerName + "': units must be positive, got " + units);
    }
    Dense d = new Dense();
    options.accept(d);
    return d.build(this, layerName, x, units);
  }

  /**
   * A 2-D convolution of {@code [BATCH, H, W, C]} with {@code filters} output channels and a
   * {@code kernelSize × kernelSize} kernel; see {@link Conv}.
   *
   * @param layerName the scope of the layer's variables
   * @param x the image batch {@code [BATCH, H, W, C]}
   * @param filters the output channels, positive
   * @param kernelSize the kernel's height and width, positive
   * @return {@code [BATCH, H - kernelSize + 1, W - kernelSize + 1, filters]} (VALID, stride 1)
   * @throws IllegalArgumentException if a size is not positive, {@code x} is not an image batch or
   *     the kernel does not fit
   */
  public Tensor conv2d(String layerName, Tensor x, int filters, int kernelSize) {
    return conv2d(layerName, x, filters, kernelSize, c -> {});
  }

  /**
   * A 2-D convolution configured by {@code options}, e.g. {@code c ->
   * c.strides(2).padding(SAME).activation(RELU)}.
   *
   * @param layerName the scope of the layer's variables
   * @param x the image batch {@code [BATCH, H, W, C]}
   * @param filters the output channels, positive
   * @param kernelSize the kernel's height and width, positive
   * @param options sets the layer's options
   * @return {@code [BATCH, OH, OW, filters]}, {@code OH = ⌊(H + padding - kh)/sh⌋ + 1} (VALID: no
   *     padding; SAME: {@code OH = ⌈H/sh⌉})
   * @throws IllegalArgumentException if a size is not positive, {@code x} is not an image batch or
   *     the kernel does not fit
   */
  public Tensor conv2d(String layerName, Tensor x, int filters, int kernelSize, java.util.function.Consumer<Conv> options) {
    Conv c = new Conv();
    options.accept(c);
    return c.build2d(this, layerName, x, filters, kernelSize);
  }

  /**
   * A 1-D convolution of {@code [BATCH, T, C]} with a kernel of {@code kernelSize} steps; see
   * {@link Conv}.
   *
   * @param layerName the scope of the layer's variables
   * @param x the sequence batch {@code [BATCH, T, C]}
   * @param filters the output channels, positive
   * @param kernelSize the kernel's length in steps, positive
   * @return {@code [BATCH, T - kernelSize + 1, filters]} (VALID, stride 1)
   * @throws IllegalArgumentException if a size is not positive, {@code x} is not a sequence batch
   *     or the kernel does not fit
   */
  public Tensor conv1d(String layerName, Tensor x, int filters, int kernelSize) {
    return conv1d(layerName, x, filters, kernelSize, c -> {});
  }

  /**
   * A 1-D convolution configured by {@code options}.
   *
   * @param layerName the scope of the layer's variables
   * @param x the sequence batch {@code [BATCH, T, C]}
   * @param filters the output channels, positive
   * @param kernelSize the kernel's length in steps, positive
   * @param options sets the layer's options ({@code kernelSize(kh, kw)} and {@code strides(sh, sw)}
   *     are for conv2d)
   * @return {@code [BATCH, OT, filters]}, {@code OT} as for conv2d's width
   * @throws IllegalArgumentException if a size is not positive, {@code x} is not a sequence batch
   *     or the kernel does not fit
   */
  public Tensor conv1d(String layerName, Tensor x, int filters, int kernelSize, java.util.function.Consumer<Conv> options) {
    Conv c = new Conv();
    options.accept(c);
    return c.build1d(this, layerName, x, filters, kernelSize);
  }

  /**
   * An embedding of {@code ids} (a model input of whole numbers in {@code [0, vocab)}); see {@link
   * Embedding}.
   *
   * @param layerName the scope of the layer's table {@code <name>/embeddings [vocab, dim]}
   * @param ids the ids {@code [BATCH, ...]}, a model input
   * @param vocab the number of rows of the table, positive
   * @param dim the length of each vector, positive
   * @return {@code [BATCH, ..., dim]}
   */
  public Tensor embedding(String layerName, Tensor ids, int vocab, int dim) {
    return embedding(layerName, ids, vocab, dim, e -> {});
  }

  /**
   * An embedding configured by {@code options}, e.g. {@code e ->
   * e.embeddingsRegularizer(l2(1e-4))}.
   *
   * @param layerName the scope of the layer's table {@code <name>/embeddings [vocab, dim]}
   * @param ids the ids {@code [BATCH, ...]}, a model input
   * @param vocab the number of rows of the table, positive
   * @param dim the length of each vector, positive
   * @param options sets the layer's options
   * @return {@code [BATCH, ..., dim]}
   */
  public Tensor embedding(String layerName, Tensor ids, int vocab, int dim,
      java.util.function.Consumer<Embedding> options) {
    Embedding e = new Embedding();
    options.accept(e);
    return e.build(this, layerName, ids, vocab, dim);
  }

  /**
   * A layer normalization over the last axis with eps 1e-5; see {@link LayerNorm}.
   *
   * @param layerName the scope of the layer's {@code gamma} and {@code beta}
   * @param x the input {@code [BATCH, ..., features]}
   * @return a tensor of {@code x}'s shape
   */
  public Tensor layerNorm(String layerName, Tensor x) {
    return layerNorm(layerName, x, n -> {});
  }

  /**
   * A layer normalization configured by {@code options}, e.g. {@code n -> n.eps(1e-6)}.
   *
   * @param layerName the scope of the layer's {@code gamma} and {@code beta}
   * @param x the input {@code [BATCH, ..., features]}
   * @param options sets the layer's options
   * @return a tensor of {@code x}'s shape
   */
  public Tensor layerNorm(String layerName, Tensor x, java.util.function.Consumer<LayerNorm> options) {
    LayerNorm n = new LayerNorm();
    options.accept(n);
    return n.build(this, layerName, x);
  }

  /**
   * A batch normalization over every axis but the last, PyTorch's defaults; see {@link BatchNorm}.
   *
   * @param layerName the scope of the layer's variables
   * @param x the input {@code [BATCH, ..., channels]}
   * @return a tensor of {@code x}'s shape
   */
  public Tensor batchNorm(String layerName, Tensor x) {
    return batchNorm(layerName, x, n -> {});
  }

  /**
   * A batch normalization configured by {@code options}, e.g. {@code n -> n.momentum(0.01)}.
   *
   * @param layerName the scope of the layer's variables
   * @param x the input {@code [BATCH, ..., channels]}
   * @param options sets the layer's options
   * @return a tensor of {@code x}'s shape
   */
  public Tensor batchNorm(String layerName, Tensor x, java.util.function.Consumer<BatchNorm> options) {
    BatchNorm n = new BatchNorm();
    options.accept(n);
    return n.build(this, layerName, x);
  }

  /** Records the value the frozen variable {@code v} takes after every training step. */
  void stateUpdate(Variable v, Tensor value) {
    if (v.isTrainable() || stateUpdates.containsKey(v.name())) {
      throw new IllegalStateException("variable '" + v.name() + "' is trainable or already written by the step");
    }
    stateUpdates.put(v.name(), value);
  }

  /**
   * A GRU over {@code x [BATCH, steps, features]}, returning the last h {@code [BATCH, units]}; see
   * {@link RecurrentLayer}.
   *
   * @param layerName the scope of the layer's variables
   * @param x the sequence batch {@code [BATCH, steps, features]}
   * @param units the size of h, positive
   * @return the last h {@code [BATCH, units]}
   * @throws IllegalArgumentException if {@code units} is not positive or {@code x} is not a
   *     sequence batch
   */
  public Tensor gru(String layerName, Tensor x, int units) {
    return gru(layerName, x, units, g -> {});
  }

  /**
   * A GRU configured by {@code options}, e.g. {@code g ->
   * g.returnSequences(true).recurrentRegularizer(l2(1e-4))}.
   *
   * @param layerName the scope of the layer's variables
   * @param x the sequence batch {@code [BATCH, steps, features]}
   * @param units the size of h, positive
   * @param options sets the layer's options
   * @return the last h {@code [BATCH, units]}, or every h {@code [BATCH, steps, units]}
   * @throws IllegalArgumentException if {@code units} is not positive or {@code x} is not a
   *     sequence batch
   */
  public Tensor gru(String layerName, Tensor x, int units, java.util.function.Consumer<RecurrentLayer> options) {
    RecurrentLayer r = new RecurrentLayer();
    options.accept(r);
    return r.build(this, layerName, x, units, true);
  }

  /**
   * An LSTM over {@code x [BATCH, steps, features]}, returning the last h {@code [BATCH, units]};
   * see {@link RecurrentLayer}.
   *
   * @param layerName the scope of the layer's variables
   * @param x the sequence batch {@code [BATCH, steps, features]}
   * @param units the size of h and c, positive
   * @return the last h {@code [BATCH, units]}
   * @throws IllegalArgumentException if {@code units} is not positive or {@code x} is not a
   *     sequence batch
   */
  public Tensor lstm(String layerName, Tensor x, int units) {
    return lstm(layerName, x, units, l -> {});
  }

  /**
   * An LSTM configured by {@code options}, e.g. {@code l -> l.returnSequences(true)}.
   *
   * @param layerName the scope of the layer's variables
   * @param x the sequence batch {@code [BATCH, steps, features]}
   * @param units the size of h and c, positive
   * @param options sets the layer's options
   * @return the last h {@code [BATCH, units]}, or every h {@code [BATCH, steps, units]}
   * @throws IllegalArgumentException if {@code units} is not positive or {@code x} is not a
   *     sequence batch
   */
  public Tensor lstm(String layerName, Tensor x, int units, java.util.function.Consumer<RecurrentLayer> options) {
    RecurrentLayer r = new RecurrentLayer();
    options.accept(r);
    return r.build(this, layerName, x, units, false);
  }

  /** Inverted dropout: in training, each element is zeroed with probability {@code rate} and the rest scaled by 1/(1-rate). */
  Tensor dropout(Tensor x, double rate) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate + " for " + x);
    }
    long s = Initializers.seedFor(seed, "dropout/" + dropouts++);
    GraphBuilder g = graph();
    dev.cortado.ir.VariableInfo step = g.variables().get(Graph.GLOBAL_STEP);
    Node stepNode = step != null ? step.node()
        : g.variable(Graph.GLOBAL_STEP, Shape.SCALAR, dev.cortado.ir.VariableInfo.Role.STATE, false, new double[1]);
    Node mask = g.apply(dev.cortado.op.Op.DROPOUT_MASK, dev.cortado.ir.Attrs.dropout(rate, s), x.node(), stepNode);
    return x.mul(wrap(mask));
  }

  /**
   * Names a tensor as an output of {@code predict}.
   *
   * @param outputName the key of the output in {@code predict}'s map, unique in the model
   * @param t the tensor
   * @throws IllegalArgumentException if the name is already an output
   */
  public void output(String outputName, Tensor t) {
    Objects.requireNonNull(outputName, "ModelBuilder.output: outputName");
    requireOwn("ModelBuilder.output", "t", t);
    if (outputs.containsKey(outputName)) {
      throw new IllegalArgumentException("output '" + outputName + "' is defined twice in model '" + name + "'");
    }
    outputs.put(outputName, t);
  }

  /**
   * Sets the scalar loss to minimize. Every regularization term the loss does not already
   * contain is added to it, so a declared regularizer is never dropped and a loss that already
   * sums them (as {@code dataLoss.add(addN(collection(REGULARIZATION_LOSSES)))}) counts none twice.
   *
   * @param lossTensor a scalar
   * @throws IllegalArgumentException if the loss is not a scalar
   * @throws IllegalStateException if {@code minimize} was already called
   */
  public void minimize(Tensor lossTensor) {
    requireOwn("ModelBuilder.minimize", "lossTensor", lossTensor);
    if (loss != null) {
      throw new IllegalStateException("model '" + name + "': minimize(...) was already called");
    }
    if (!lossTensor.shape().isScalar()) {
      throw new IllegalArgumentException("minimize needs a scalar loss, got " + lossTensor
          + "; reduce it with .mean() or .sum()");
    }
    createAll();
    loss = Losses.split(this, lossTensor, store.regTerms());
  }

  /** Throws unless {@code t} is a tensor of this model, naming the call, the parameter and the tensor. */
  private void requireOwn(String call, String parameter, Tensor t) {
    Objects.requireNonNull(t, call + ": " + parameter);
    if (t.model != this) {
      throw new IllegalArgumentException(call + ": tensor " + t + " (from "
          + GraphBuilder.describeSources(t.node()) + ") belongs to model '" + t.model.name()
          + "', not to model '" + name + "' being defined");
    }
  }

  Model build(java.util.function.Consumer<ModelBuilder> definition) {
    createAll();
    GraphBuilder g = graph();
    outputs.forEach((k, t) -> g.output(k, t.node()));
    if (loss != null) {
      g.loss(Graph.LOSS, loss.total().node());
      g.loss(Graph.DATA_LOSS, loss.data().node());
    }
    store.regTerms().forEach((k, t) -> g.loss(k, t.node()));
    Map<String, Node> writes = new LinkedHashMap<>();
    stateUpdates.forEach((k, t) -> writes.put(k, t.node()));
    return new Model(name, g.build(), seed, new ArrayList<>(store.variables().values()), loss == null ? List.of() : loss.added(),
        optimizer, definition, writes);
  }
}
