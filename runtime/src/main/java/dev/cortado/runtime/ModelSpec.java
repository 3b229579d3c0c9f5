package dev.cortado.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a compiled model looks like from outside, independent of any batch size: its inputs (shapes
 * with {@code -1} for the batch dimension), variables (parameters and optimizer state, each with a
 * batch-free shape), run-time scalars with their defaults, outputs, loss names in order, and which
 * inputs each entry point (train, predict, evaluate) reads. Immutable; generated classes build one
 * with {@link #builder} from literals, and {@link CompiledModel} validates every call against it.
 */
public final class ModelSpec {
  /** The batch dimension in a shape. */
  public static final int BATCH = -1;

  final String name;
  final String description;
  final boolean f32;
  final Map<String, int[]> inputs;
  /** The inputs read as ids of an embedding, with the rows of its table. */
  final Map<String, Integer> ids;
  final Map<String, int[]> variables;
  final List<String> parameterNames;
  final List<String> stateNames;
  /** The gradient buffers of the split step ({@link #gradientBuffer}), in parameter order. */
  final List<String> gradientNames;
  /** The scalar state variables that count steps, kept in a {@code double[]} whatever the dtype. */
  final java.util.Set<String> counters;
  final Map<String, Double> hypers;
  final Map<String, int[]> outputs;
  final List<String> losses;
  final List<String> trainInputs;
  final List<String> predictInputs;
  final List<String> evaluateInputs;
  final boolean trains;
  /** The largest batch size at which every tensor of a step fits in a Java array, and that tensor. */
  final int maxBatch;
  final String largest;
  /** The position of each variable and each hyperparameter in the generated class's arrays. */
  final Map<String, Integer> variableIndex;
  final Map<String, Integer> hyperIndex;

  private ModelSpec(Builder b) {
    name = b.name;
    description = b.description;
    f32 = b.f32;
    inputs = Collections.unmodifiableMap(new LinkedHashMap<>(b.inputs));
    ids = Collections.unmodifiableMap(new LinkedHashMap<>(b.ids));
    variables = Collections.unmodifiableMap(new LinkedHashMap<>(b.variables));
    parameterNames = List.copyOf(b.parameterNames);
    stateNames = List.copyOf(b.stateNames);
    gradientNames = List.copyOf(b.gradientNames);
    counters = java.util.Set.copyOf(b.counters);
    hypers = Collections.unmodifiableMap(new LinkedHashMap<>(b.hypers));
    outputs = Collections.unmodifiableMap(new LinkedHashMap<>(b.outputs));
    losses = List.copyOf(b.losses);
    trainInputs = List.copyOf(b.trainInputs);
    predictInputs = List.copyOf(b.predictInputs);
    evaluateInputs = List.copyOf(b.evaluateInputs);
    trains = b.trains;
    maxBatch = b.maxBatch;
    largest = b.largest;
    variableIndex = positions(variables.keySet());
    hyperIndex = positions(hypers.keySet());
  }

  private static Map<String, Integer> positions(java.util.Set<String> names) {
    Map<String, Integer> m = new java.util.HashMap<>();
    for (String n : names) {
      m.put(n, m.size());
    }
    return Collections.unmodifiableMap(m);
  }

  /**
   * A builder for model {@code name}; {@code description} names the optimizer (or "inference").
   *
   * @param name the model's name
   * @param description the optimizer's description, or "inference"
   * @param f32 true for float arrays, false for double
   * @return a new builder
   */
  public static Builder builder(String name, String description, boolean f32) {
    return new Builder(name, description, f32);
  }

  /**
   * The model's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The optimizer's description, or "inference".
   *
   * @return the description
   */
  public String description() {
    return description;
  }

  /**
   * Whether the model's arrays are {@code float[]} (else {@code double[]}).
   *
   * @return true for an F32 model
   */
  public boolean isF32() {
    return f32;
  }

  /**
   * Input names in declaration order.
   *
   * @return a new list
   */
  public List<String> inputNames() {
    return new ArrayList<>(inputs.keySet());
  }

  /**
   * Variable names (parameters, then state, as declared) with their shapes.
   *
   * @return an unmodifiable map; its order is the variables' index order
   */
  public Map<String, int[]> variableShapes() {
    return variables;
  }

  /**
   * The run-time scalars with their starting values, in index order.
   *
   * @return an unmodifiable map
   */
  public Map<String, Double> hyperDefaults() {
    return hypers;
  }

  /**
   * The losses a step reports ({@code "loss"}, {@code "data_loss"} and the terms), in the order of
   * a losses array.
   *
   * @return an unmodifiable list
   */
  public List<String> lossNames() {
    return losses;
  }

  /**
   * The outputs, in declaration order.
   *
   * @return a new list
   */
  public List<String> outputNames() {
    return new ArrayList<>(outputs.keySet());
  }

  /**
   * The inputs read as ids of an embedding, each with its table's row count (ids lie in {@code [0,
   * rows)}).
   *
   * @return an unmodifiable map, input name to rows
   */
  public Map<String, Integer> idInputs() {
    return ids;
  }

  /**
   * Input shapes ({@code -1} = batch) by name, in declaration order.
   *
   * @return an unmodifiable map
   */
  public Map<String, int[]> inputShapes() {
    return inputs;
  }

  /**
   * The model's variables (trainable and frozen), in declaration order.
   *
   * @return an unmodifiable list
   */
  public List<String> parameterNames() {
    return parameterNames;
  }

  /**
   * The optimizer's state tensors, in declaration order.
   *
   * @return an unmodifiable list
   */
  public List<String> stateNames() {
    return stateNames;
  }

  /**
   * The prefix of a gradient buffer's name: {@code "state/gradient/fc1/kernel"} holds the gradient
   * of {@code fc1/kernel} between the two halves of a split step. A parameter's name cannot begin
   * with {@code "state/"}, so no buffer shares a name with a parameter.
   */
  public static final String GRADIENT_PREFIX = "state/gradient/";

  /**
   * The name of the gradient buffer of trainable parameter {@code parameter}.
   *
   * @param parameter the parameter's full name
   * @return the buffer's name
   */
  public static String gradientBuffer(String parameter) {
    return GRADIENT_PREFIX + parameter;
  }

  /**
   * The trainable parameters that have gradient buffers (every trainable parameter of a model
   * built for training, in declaration order); empty for inference.
   *
   * @return an unmodifiable list
   */
  public List<String> trainableNames() {
    List<String> out = new ArrayList<>(gradientNames.size());
    for (String g : gradientNames) {
      out.add(g.substring(GRADIENT_PREFIX.length()));
    }
    return out;
  }

  /**
   * Whether this model's class has the split step's entry points (it has gradient buffers).
   *
   * @return true when the split step's entry points exist
   */
  public boolean splits() {
    return !gradientNames.isEmpty();
  }

  /**
   * True for a state variable that counts steps: exact to 2^53 in a {@code double[]}, in F32 models
   * too.
   *
   * @param name a state variable's name
   * @return whether it is a step counter
   */
  public boolean isCounter(String name) {
    return counters.contains(name);
  }

  /**
   * Output shapes ({@code -1} = batch) by name, in declaration order.
   *
   * @return an unmodifiable map
   */
  public Map<String, int[]> outputShapes() {
    return outputs;
  }

  /**
   * The largest batch size a step may have (see {@link Builder#maxBatch}).
   *
   * @return the limit, {@link Integer#MAX_VALUE} for none
   */
  public int maxBatch() {
    return maxBatch;
  }

  /**
   * The inputs a training step reads.
   *
   * @return an unmodifiable list
   */
  public List<String> trainInputs() {
    return trainInputs;
  }

  /**
   * The inputs {@code predict} reads.
   *
   * @return an unmodifiable list
   */
  public List<String> predictInputs() {
    return predictInputs;
  }

  /**
   * The inputs {@code evaluate} reads.
   *
   * @return an unmodifiable list
   */
  public List<String> evaluateInputs() {
    return evaluateInputs;
  }

  /**
   * True when the model has a training step (an optimizer was given).
   *
   * @return whether a training step exists
   */
  public boolean trains() {
    return trains;
  }

  /**
   * The element count of {@code shape} at batch size {@code batch}.
   *
   * @param shape the dimensions, {@code -1} for the batch
   * @param batch the batch size
   * @return the product
   */
  public static int size(int[] shape, int batch) {
    long n = 1;
    for (int d : shape) {
      n *= d == BATCH ? batch : d;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("shape " + text(shape) + " at batch " + batch + " is too large");
    }
    return (int) n;
  }

  /**
   * A shape as the IR prints it: {@code [BATCH, 3]}.
   *
   * @param shape the dimensions, {@code -1} for the batch
   * @return the text
   */
  public static String text(int[] shape) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(shape[i] == BATCH ? "BATCH" : Integer.toString(shape[i]));
    }
    return sb.append(']').toString();
  }

  /** Collects a spec; {@link #build()} checks that every name is used once. */
  public static final class Builder {
    private final String name;
    private final String description;
    private final boolean f32;
    private final Map<String, int[]> inputs = new LinkedHashMap<>();
    private final Map<String, Integer> ids = new LinkedHashMap<>();
    private final Map<String, int[]> variables = new LinkedHashMap<>();
    private final List<String> parameterNames = new ArrayList<>();
    private final List<String> stateNames = new ArrayList<>();
    private final List<String> gradientNames = new ArrayList<>();
    private final java.util.Set<String> counters = new java.util.HashSet<>();
    private final Map<String, Double> hypers = new LinkedHashMap<>();
    private final Map<String, int[]> outputs = new LinkedHashMap<>();
    private final List<String> losses = new ArrayList<>();
    private List<String> trainInputs = List.of();
    private List<String> predictInputs = List.of();
    private List<String> evaluateInputs = List.of();
    private boolean trains;
    private int maxBatch = Integer.MAX_VALUE;
    private String largest;

    private Builder(String name, String description, boolean f32) {
      this.name = name;
      this.description = description;
      this.f32 = f32;
    }

    /**
     * An input; {@code -1} in the shape is the batch dimension.
     *
     * @param n the input's name
     * @param shape the dimensions
     * @return this builder
     * @throws IllegalArgumentException if the input is declared twice
     */
    public Builder input(String n, int... shape) {
      put(inputs, n, shape.clone(), "input");
      return this;
    }

    /**
     * Declares input {@code n} as ids of an embedding table of {@code rows} rows.
     *
     * @param n a declared input
     * @param rows the table's rows
     * @return this builder
     * @throws IllegalArgumentException if {@code rows} is below 1 or the ids are declared twice
     */
    public Builder ids(String n, int rows) {
      if (rows < 1 || ids.put(n, rows) != null) {
        throw new IllegalArgumentException("ids input '" + n + "' is declared twice or with " + rows + " rows");
      }
      return this;
    }

    /**
     * A model parameter (trainable or frozen).
     *
     * @param n the variable's full name
     * @param shape the dimensions
     * @return this builder
     * @throws IllegalArgumentException if the name is declared twice
     */
    public Builder parameter(String n, int... shape) {
      put(variables, n, shape.clone(), "variable");
      parameterNames.add(n);
      return this;
    }

    /**
     * A piece of optimizer state.
     *
     * @param n the state's name, {@code "<parameter>/<slot>"}
     * @param shape the dimensions
     * @return this builder
     * @throws IllegalArgumentException if the name is declared twice
     */
    public Builder state(String n, int... shape) {
      put(variables, n, shape.clone(), "variable");
      stateNames.add(n);
      return this;
    }

    /**
     * The gradient buffer {@code n} ({@link #gradientBuffer}) of a trainable parameter.
     *
     * @param n the buffer's name
     * @param shape the parameter's dimensions
     * @return this builder
     * @throws IllegalArgumentException if the name is declared twice
     */
    public Builder gradient(String n, int... shape) {
      if (!n.startsWith(GRADIENT_PREFIX)) {
        throw new IllegalArgumentException("gradient buffer '" + n + "' must be named " + GRADIENT_PREFIX + "<parameter>");
      }
      put(variables, n, shape.clone(), "variable");
      gradientNames.add(n);
      return this;
    }

    /**
     * A scalar piece of state counting steps ({@code optimizer/step}): a whole number kept in
     * double.
     *
     * @param n the counter's name
     * @return this builder
     * @throws IllegalArgumentException if the name is declared twice
     */
    public Builder counter(String n) {
      state(n);
      counters.add(n);
      return this;
    }

    /**
     * A run-time scalar a step reads, such as {@code "lr_multiplier"}.
     *
     * @param n the scalar's name
     * @param defaultValue its starting value
     * @return this builder
     * @throws IllegalArgumentException if the name is declared twice
     */
    public Builder hyper(String n, double defaultValue) {
      if (hypers.put(n, defaultValue) != null) {
        throw new IllegalArgumentException("hyperparameter '" + n + "' is declared twice");
      }
      return this;
    }

    /**
     * An output of {@code predict}.
     *
     * @param n the output's name
     * @param shape the dimensions, {@code -1} for the batch
     * @return this builder
     * @throws IllegalArgumentException if the output is declared twice
     */
    public Builder output(String n, int... shape) {
      put(outputs, n, shape.clone(), "output");
      return this;
    }

    /**
     * Appends losses, in the order a step reports them.
     *
     * @param names the losses' names
     * @return this builder
     */
    public Builder losses(String... names) {
      losses.addAll(Arrays.asList(names));
      return this;
    }

    /**
     * The inputs a training step reads; declaring them makes the model trainable.
     *
     * @param needed the inputs' names
     * @return this builder
     */
    public Builder train(String... needed) {
      trainInputs = List.of(needed);
      trains = true;
      return this;
    }

    /**
     * The inputs {@code predict} reads.
     *
     * @param needed the inputs' names
     * @return this builder
     */
    public Builder predict(String... needed) {
      predictInputs = List.of(needed);
      return this;
    }

    /**
     * The inputs {@code evaluate} reads.
     *
     * @param needed the inputs' names
     * @return this builder
     */
    public Builder evaluate(String... needed) {
      evaluateInputs = List.of(needed);
      return this;
    }

    /**
     * The largest batch size declared so far ({@link Integer#MAX_VALUE}: unlimited).
     *
     * @return the limit
     */
    public int maxBatch() {
      return maxBatch;
    }

    /**
     * The largest batch size a step may have: above it {@code largest} (named for the message)
     * would not fit in a Java array. Unlimited unless declared.
     *
     * @param max the largest batch size
     * @param largest the tensor that limits it
     * @return this builder
     */
    public Builder maxBatch(int max, String largest) {
      this.maxBatch = max;
      this.largest = largest;
      return this;
    }

    private static void put(Map<String, int[]> m, String n, int[] shape, String kind) {
      if (m.put(n, shape) != null) {
        throw new IllegalArgumentException(kind + " '" + n + "' is declared twice");
      }
    }

    /**
     * Checks the declarations against each other and makes the spec.
     *
     * @return the spec
     * @throws IllegalArgumentException naming an id or needed input that is not declared
     */
    public ModelSpec build() {
      for (String n : ids.keySet()) {
        if (!inputs.containsKey(n)) {
          throw new IllegalArgumentException("ids of undeclared input '" + n + "'");
        }
      }
      for (List<String> needed : List.of(trainInputs, predictInputs, evaluateInputs)) {
        for (String n : needed) {
          if (!inputs.containsKey(n)) {
            throw new IllegalArgumentException("entry point reads undeclared input '" + n + "'");
          }
        }
      }
      return new ModelSpec(this);
    }
  }
}
