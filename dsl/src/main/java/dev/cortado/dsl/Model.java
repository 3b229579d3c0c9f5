package dev.cortado.dsl;

import dev.cortado.codegen.Codegen;
import dev.cortado.interp.Interpreter;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.optim.Optimizer;
import dev.cortado.optim.TrainingGraph;
import dev.cortado.runtime.Executable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A defined model: its IR and its variables. Immutable; run it with {@link #interpret} (the
 * reference interpreter) or {@link #compile} (generated Java), which share one interface.
 */
public final class Model {
  private static final System.Logger LOG = System.getLogger(Model.class.getName());
  private final String name;
  private final Graph graph;
  private final long seed;
  private final List<Variable> variables;
  private final List<String> addedTerms;
  private final Optimizer declaredOptimizer;
  private final Consumer<ModelBuilder> definition;
  private final Map<String, dev.cortado.ir.Node> stateUpdates;

  Model(String name, Graph graph, long seed, List<Variable> variables, List<String> addedTerms,
      Optimizer declaredOptimizer, Consumer<ModelBuilder> definition, Map<String, dev.cortado.ir.Node> stateUpdates) {
    this.stateUpdates = Map.copyOf(stateUpdates);
    this.name = name;
    this.graph = graph;
    this.seed = seed;
    this.variables = List.copyOf(variables);
    this.addedTerms = addedTerms;
    this.declaredOptimizer = declaredOptimizer;
    this.definition = definition;
  }

  /**
   * Defines a model inline; the lambda's argument is the receiver: {@code Model.define("m", m ->
   * {...})}.
   *
   * @param name the model's name, non-empty
   * @param body defines the inputs, variables, outputs and loss on the builder it is given
   * @return the model
   * @throws IllegalArgumentException if the name is empty or the body defines something malformed
   *     (a shape error names the op, the shapes and the variables)
   */
  public static Model define(String name, Consumer<ModelBuilder> body) {
    Objects.requireNonNull(name, "Model.define: name");
    Objects.requireNonNull(body, "Model.define: body");
    return run(new ModelBuilder(name), body, null);
  }

  static Model run(ModelBuilder b, Consumer<ModelBuilder> body, DType forced) {
    ModelBuilder old = ModelBuilder.enter(b);
    try {
      if (forced != null) {
        b.lockDtype(forced);
      }
      body.accept(b);
      return b.build(body);
    } finally {
      ModelBuilder.leave(old);
    }
  }

  /**
   * The model's name.
   *
   * @return the name given to {@link #define} or {@link ModelDefinition#name()}
   */
  public String name() {
    return name;
  }

  /**
   * The IR: inputs, variables, outputs and losses. {@code toString()} prints it.
   *
   * @return the graph
   */
  public Graph graph() {
    return graph;
  }

  /**
   * The element type of every tensor.
   *
   * @return {@code F32} or {@code F64}
   */
  public DType dtype() {
    return graph.dtype();
  }

  /**
   * The seed of the initializers and dropout masks.
   *
   * @return the seed (42 unless set)
   */
  public long seed() {
    return seed;
  }

  /**
   * The optimizer the definition declared with {@code optimizer(...)}, if any.
   *
   * @return the optimizer, or null if none was declared
   */
  public Optimizer declaredOptimizer() {
    return declaredOptimizer;
  }

  /**
   * Every variable in declaration order, with its configuration.
   *
   * @return an unmodifiable list
   */
  public List<VariableSummary> variables() {
    List<VariableSummary> out = new ArrayList<>();
    for (Variable v : variables) {
      out.add(new VariableSummary(v.name(), v.dims(), v.initializer().toString(),
          v.regularizer() == null ? null : v.regularizer().toString(), v.isTrainable(),
          v.constraint() == null ? null : v.constraint().toString(), v.role()));
    }
    return out;
  }

  /**
   * The trainable variables, as TensorFlow's {@code tf.trainable_variables()}.
   *
   * @return an unmodifiable list, in declaration order
   */
  public List<VariableSummary> trainableVariables() {
    return variables().stream().filter(VariableSummary::trainable).toList();
  }

  /**
   * The trainable variables' current values in {@code exe}, by full name in declaration order
   * (TensorFlow's {@code sess.run(tf.trainable_variables())}): copies, row-major.
   *
   * @param exe an executable of this model
   * @return a new map, full name to values
   */
  public Map<String, double[]> trainableVariables(Executable exe) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (VariableSummary v : trainableVariables()) {
      out.put(v.name(), exe.parameter(v.name()));
    }
    return out;
  }

  /**
   * The regularization terms that {@code minimize(loss)} added because the loss did not contain
   * them.
   *
   * @return the terms' names, empty when the loss already summed every term
   */
  public List<String> addedRegularizationTerms() {
    return addedTerms;
  }

  /**
   * A Keras-style table of the variables: name, shape, parameters, initializer, regularizer,
   * trainable.
   *
   * @return the table, one line per variable and a total
   */
  public String summary() {
    return Summary.of(this);
  }

  /**
   * The training-step graph for an optimizer: forward, gradients, updates and constraints.
   * Frozen variables get no gradient, decay or update; one that carries a regularizer is
   * reported with a one-line warning, since its term is a constant of the loss.
   *
   * @param optimizer the optimizer
   * @return a new graph
   */
  public Graph trainingGraph(Optimizer optimizer) {
    Objects.requireNonNull(optimizer, "Model.trainingGraph: optimizer");
    Map<String, TrainingGraph.Projection> projections = new LinkedHashMap<>();
    for (Variable v : variables) {
      Constraint c = v.constraint();
      if (c != null && v.isTrainable()) {
        projections.put(v.name(), (b, updated) -> Constraints.project(b, c, v.name(), updated));
      }
      if (!v.isTrainable() && v.regularizer() != null) {
        LOG.log(System.Logger.Level.WARNING, "model '" + name + "': variable '" + v.name()
            + "' is frozen but has the regularizer " + v.regularizer() + "; its term can never change");
      }
    }
    return TrainingGraph.build(graph, optimizer, projections, stateUpdates);
  }

  /**
   * The reference interpreter for inference only: {@code predict} and {@code evaluate}.
   *
   * @return a new executable
   */
  public Executable interpret() {
    return new Interpreter(graph);
  }

  /**
   * The reference interpreter training with {@code optimizer}.
   *
   * @param optimizer the optimizer
   * @return a new executable
   */
  public Executable interpret(Optimizer optimizer) {
    Objects.requireNonNull(optimizer, "Model.interpret: optimizer");
    return new Interpreter(trainingGraph(optimizer));
  }

  /**
   * Generated, compiled Java for inference only.
   *
   * @return a new executable
   */
  public Executable compile() {
    return Compilation.compile(this, null, 0);
  }

  /**
   * Generated, compiled Java for a training step with {@code optimizer}.
   *
   * @param optimizer the optimizer
   * @return a new executable; its variables start from the initializers
   */
  public Executable compile(Optimizer optimizer) {
    return Compilation.compile(this, Objects.requireNonNull(optimizer, "Model.compile: optimizer"), 0);
  }

  /**
   * As {@link #compile(Optimizer)}, each step split over {@code threads} threads (the caller and
   * {@code threads - 1} daemon workers; PyTorch's {@code torch.set_num_threads}). Large matrix
   * products are cut by result rows (batch rows for the forward product and the input gradient,
   * weight rows for the weight gradient) and large parameter updates by index range; every value
   * is computed by one thread in the same order as with one thread, so losses and parameters are
   * bit-identical to {@code compile(optimizer)}. Small kernels, and models too small to gain,
   * stay on the calling thread, and each split part runs on the caller alone while that has been
   * faster (other processes keeping the cores busy). Workers idle for about a second end by
   * themselves; {@link Executable#close()} ends them at once. {@code -Dcortado.threads=N} sets the
   * default for {@link #compile(Optimizer)}.
   *
   * @param optimizer the optimizer
   * @param threads the threads per step
   * @return a new executable
   * @throws IllegalArgumentException if {@code threads} is not between 1 and 64
   */
  public Executable compile(Optimizer optimizer, int threads) {
    Codegen.Options.requireThreads(threads);
    return Compilation.compile(this, Objects.requireNonNull(optimizer, "Model.compile: optimizer"), threads);
  }

  /**
   * The Java source that {@link #compile} compiles, for the optimizer the definition declared
   * (or inference only); the Maven plugin writes exactly this.
   *
   * @param packageName the package of the class, a qualified Java name (empty for the unnamed package)
   * @param className the simple name of the class, a Java identifier
   * @return the source of one compilation unit
   * @throws IllegalArgumentException if a name is not a valid Java name
   */
  public String generateSource(String packageName, String className) {
    Objects.requireNonNull(packageName, "Model.generateSource: packageName");
    Objects.requireNonNull(className, "Model.generateSource: className");
    return Compilation.source(this, declaredOptimizer, packageName, className);
  }

  /**
   * As {@link #generateSource(String, String)} for the given optimizer ({@code null}: inference
   * only).
   *
   * @param packageName the package of the class, a qualified Java name (empty for the unnamed package)
   * @param className the simple name of the class, a Java identifier
   * @param optimizer the optimizer, or null for inference only
   * @return the source of one compilation unit
   * @throws IllegalArgumentException if a name is not a valid Java name
   */
  public String generateSource(String packageName, String className, Optimizer optimizer) {
    Objects.requireNonNull(packageName, "Model.generateSource: packageName");
    Objects.requireNonNull(className, "Model.generateSource: className");
    return Compilation.source(this, optimizer, packageName, className);
  }

  /**
   * As {@link #generateSource(String, String, Optimizer)} for one batch size. The class is
   * specialised to its batch size (literal loop bounds); without one, {@code generateSource}
   * uses {@code Codegen.DEFAULT_BATCH} (32). The class starts with every variable at zero: set
   * the initial values with {@code setParameter} or {@code Checkpoint.load}.
   *
   * @param packageName the package of the class, a qualified Java name (empty for the unnamed package)
   * @param className the simple name of the class, a Java identifier
   * @param optimizer the optimizer, or null for inference only
   * @param batchSize the batch size the class is specialised to, positive
   * @return the source of one compilation unit
   * @throws IllegalArgumentException if a name is not a valid Java name or {@code batchSize} is not
   *     positive
   */
  public String generateSource(String packageName, String className, Optimizer optimizer, int batchSize) {
    Objects.requireNonNull(packageName, "Model.generateSource: packageName");
    Objects.requireNonNull(className, "Model.generateSource: className");
    return Compilation.source(this, optimizer, packageName, className, batchSize);
  }

  /**
   * Checks every trainable variable's gradient against central differences in double precision
   * (the model rebuilt as F64) on one batch, as a user-facing sanity check of custom
   * regularizers, getters and losses.
   *
   * @param batch every input by name, flat row-major
   * @return the largest differences, per variable
   */
  public GradientCheck checkGradients(Map<String, double[]> batch) {
    Objects.requireNonNull(batch, "Model.checkGradients: batch");
    Model f64 = definition == null || dtype() == DType.F64 ? this
        : run(new ModelBuilder(name), definition, DType.F64);
    return GradientCheck.run(f64, batch);
  }

  @Override
  public String toString() {
    return "Model '" + name + "' (" + dtype() + ", " + variables.size() + " variables)";
  }
}
