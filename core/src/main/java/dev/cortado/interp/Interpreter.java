package dev.cortado.interp;

import dev.cortado.ir.Counters;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.ir.Node;
import dev.cortado.ir.VariableInfo;
import dev.cortado.op.EvalContext;
import dev.cortado.op.NDArray;
import dev.cortado.op.Op;
import dev.cortado.runtime.Conversions;
import dev.cortado.runtime.Executable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference interpreter: runs a graph node by node with the ops' own evaluation, in double
 * precision, rounding every result to float for F32 models except the exact counts of {@link
 * Counters} (an op that reads a count computes from the exact value and rounds its result). Slow and obviously right; the
 * compiled path is checked against it. A step computes every new value before assigning any, so
 * a step that fails leaves the state as it was.
 *
 * <p>Threads: the variables, run-time scalars and last losses form one immutable {@link
 * Snapshot}, published through a volatile field. A prediction or evaluation reads the field once
 * and runs on that snapshot without any lock, so any number run side by side, each on the values
 * between two steps. Steps and writes hold {@link #writes} and publish a new snapshot: concurrent
 * steps run one after the other.
 */
public final class Interpreter implements Executable {
  /** Every value a call reads, never changed once published: arrays are replaced, not written. */
  private record Snapshot(Map<String, double[]> values, Map<String, Double> hypers, Map<String, Double> lastLosses) {
    Snapshot with(Map<String, double[]> values, Map<String, Double> hypers, Map<String, Double> lastLosses) {
      return new Snapshot(values == null ? this.values : values, hypers == null ? this.hypers : hypers,
          lastLosses == null ? this.lastLosses : lastLosses);
    }
  }

  private final Graph graph;
  private final java.util.Set<String> counters;
  /** By node id: the node holds an exact count, never rounded to float. */
  private final boolean[] exact;
  private volatile Snapshot current;
  /** Held by steps and writes, which publish a new {@link #current}: one at a time. */
  private final java.util.concurrent.locks.ReentrantLock writes = new java.util.concurrent.locks.ReentrantLock();

  /**
   * An interpreter of {@code graph} whose variables start at their initial values.
   *
   * @param graph the graph to run
   */
  public Interpreter(Graph graph) {
    this.graph = graph;
    this.counters = Counters.names(graph);
    this.exact = Counters.exactNodes(graph, counters);
    Map<String, double[]> values = new LinkedHashMap<>();
    Map<String, Double> hypers = new LinkedHashMap<>();
    for (VariableInfo v : graph.variables().values()) {
      values.put(v.name(), counters.contains(v.name()) ? v.initialValue() : round(v.initialValue()));
    }
    graph.hypers().forEach((k, n) -> hypers.put(k, n.attrs().value()));
    current = new Snapshot(values, hypers, Map.of());
  }

  /**
   * The graph this interpreter runs.
   *
   * @return the graph
   */
  public Graph graph() {
    return graph;
  }

  /**
   * Evaluates the given nodes for these inputs; {@code training} turns dropout on.
   *
   * @param inputs the inputs by name, flat row-major
   * @param targets the nodes to evaluate
   * @param training whether dropout is on
   * @return the targets' values, in order
   */
  public List<NDArray> run(Map<String, double[]> inputs, List<Node> targets, boolean training) {
    return run(current, inputs, targets, training);
  }

  private List<NDArray> run(Snapshot snap, Map<String, double[]> inputs, List<Node> targets, boolean training) {
    return run(snap, inputs, targets, training, Map.of());
  }

  /** As {@link #run(Snapshot, Map, List, boolean)}, taking the values of the nodes in {@code given} as they are. */
  private List<NDArray> run(Snapshot snap, Map<String, double[]> inputs, List<Node> targets, boolean training,
      Map<Node, NDArray> given) {
    return run(snap, inputs, targets, training, given, 0);
  }

  /** As above, for a chunk whose first row is global row {@code firstRow} (see {@link EvalContext#firstRow()}). */
  private List<NDArray> run(Snapshot snap, Map<String, double[]> inputs, List<Node> targets, boolean training,
      Map<Node, NDArray> given, long firstRow) {
    NDArray[] memo = new NDArray[graph.nodes().size()];
    boolean[] want = new boolean[memo.length];
    int max = -1;
    java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>(targets);
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      if (!want[n.id()]) {
        want[n.id()] = true;
        max = Math.max(max, n.id());
        if (given.containsKey(n)) {
          memo[n.id()] = given.get(n);
        } else {
          todo.addAll(n.inputs());
        }
      }
    }
    java.util.Set<String> needed = Feed.inputsNeeded(graph, want);
    int batch = needed.isEmpty() && inputs.isEmpty() ? 1 : Feed.batchSize(graph, inputs, needed, want);
    EvalContext ctx = new Ctx(snap, inputs, batch, training, firstRow);
    for (int i = 0; i <= max; i++) {
      if (!want[i] || memo[i] != null) {
        continue;
      }
      Node n = graph.nodes().get(i);
      List<NDArray> args = new ArrayList<>(n.inputs().size());
      for (Node in : n.inputs()) {
        args.add(memo[in.id()]);
      }
      NDArray out = n.op().eval(args, n.attrs(), ctx, n);
      if (graph.dtype() == DType.F32 && !exact[i]) {
        roundInPlace(out.data());   // arrays an op may return unchanged (inputs, variables) are float-exact already
      }
      memo[i] = out;
    }
    List<NDArray> out = new ArrayList<>();
    for (Node t : targets) {
      out.add(memo[t.id()]);
    }
    return out;
  }

  private final class Ctx implements EvalContext {
    private final Snapshot snap;
    private final Map<String, double[]> inputs;
    private final int batch;
    private final boolean training;
    private final long firstRow;

    Ctx(Snapshot snap, Map<String, double[]> inputs, int batch, boolean training, long firstRow) {
      this.snap = snap;
      this.inputs = inputs;
      this.batch = batch;
      this.training = training;
      this.firstRow = firstRow;
    }

    @Override
    public NDArray leaf(Node n) {
      return switch (n.op()) {
        case INPUT -> new NDArray(n.shape().resolve(batch), round(inputs.get(n.name())));
        case VARIABLE -> new NDArray(n.shape().dims(), snap.values().get(n.name()));
        case HYPER -> NDArray.scalar(graph.dtype().round(snap.hypers().get(n.name())));
        default -> throw new IllegalStateException("not a leaf: " + n);
      };
    }

    @Override
    public boolean training() {
      return training;
    }

    @Override
    public int batch() {
      return batch;
    }

    @Override
    public long firstRow() {
      return firstRow;
    }
  }

  /** {@code v} itself for F64; a copy rounded to float for F32. */
  private double[] round(double[] v) {
    if (graph.dtype() == DType.F64) {
      return v;
    }
    double[] r = v.clone();
    roundInPlace(r);
    return r;
  }

  private static void roundInPlace(double[] v) {
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) v[i];
    }
  }

  @Override
  public double trainStep(Map<String, double[]> inputs) {
    if (graph.updates().isEmpty()) {
      throw new IllegalStateException("model '" + graph.name()
          + "' was built for inference only: pass an optimizer to interpret(...) or compile(...) to train it");
    }
    List<Node> targets = new ArrayList<>(graph.losses().values());
    targets.addAll(graph.updates().values());
    writes.lock();
    try {
      Snapshot snap = current;
      List<NDArray> results = run(snap, inputs, targets, true);
      Map<String, Double> losses = new LinkedHashMap<>();
      int i = 0;
      for (String k : graph.losses().keySet()) {
        losses.put(k, results.get(i++).get(0));
      }
      Map<String, double[]> values = new LinkedHashMap<>(snap.values());
      for (String k : graph.updates().keySet()) {
        values.put(k, results.get(i++).data().clone());
      }
      current = snap.with(values, null, java.util.Collections.unmodifiableMap(losses));
      return losses.get(Graph.LOSS);
    } finally {
      writes.unlock();
    }
  }

  // ------------------------------------------------------------------ the split step

  @Override
  public dev.cortado.runtime.Gradients newGradients() {
    requireSplit();
    List<String> names = new ArrayList<>(graph.gradients().keySet());
    List<Integer> sizes = new ArrayList<>();
    for (String n : names) {
      sizes.add(graph.variables().get(n).shape().size(1));
    }
    return new dev.cortado.runtime.Gradients(names, sizes);
  }

  @Override
  public double accumulateGradients(Map<String, double[]> inputs, double weight, dev.cortado.runtime.Gradients into) {
    return accumulateGradients(inputs, weight, into, 0);
  }

  @Override
  public double accumulateGradients(Map<String, double[]> inputs, double weight, dev.cortado.runtime.Gradients into,
      long firstRow) {
    requireSplit();
    requireOwn(into, weight);
    if (firstRow < 0) {
      throw new IllegalArgumentException("the first row of a chunk must be 0 or more, got " + firstRow);
    }
    List<Node> targets = new ArrayList<>(graph.losses().values());
    targets.addAll(graph.gradients().values());
    List<String> written = new ArrayList<>();
    graph.updates().forEach((name, u) -> {
      if (dev.cortado.ir.StepSplit.writtenByGradientHalf(graph, name)) {
        written.add(name);
        targets.add(u);
      }
    });
    writes.lock();
    try {
      Snapshot snap = current;
      List<NDArray> results = run(snap, inputs, targets, true, Map.of(), firstRow);
      Map<String, Double> losses = new LinkedHashMap<>();
      int i = 0;
      for (String k : graph.losses().keySet()) {
        losses.put(k, results.get(i++).get(0));
      }
      for (String p : graph.gradients().keySet()) {
        double[] g = results.get(i++).data();
        double[] sum = into.get(p);
        for (int j = 0; j < sum.length; j++) {
          sum[j] += weight * g[j];
        }
      }
      Map<String, double[]> values = new LinkedHashMap<>(snap.values());
      for (String k : written) {
        values.put(k, results.get(i++).data().clone());
      }
      into.addRows(rows(inputs));
      current = snap.with(values, null, java.util.Collections.unmodifiableMap(losses));
      return losses.get(Graph.LOSS);
    } finally {
      writes.unlock();
    }
  }

  /** The batch size of a step's inputs (they were checked by the step). */
  private long rows(Map<String, double[]> inputs) {
    for (Map.Entry<String, Node> e : graph.inputs().entrySet()) {
      double[] v = inputs.get(e.getKey());
      if (v != null && e.getValue().shape().hasBatch()) {
        return v.length / e.getValue().shape().size(1);
      }
    }
    return 1;
  }

  @Override
  public void applyGradients(dev.cortado.runtime.Gradients gradients) {
    requireSplit();
    requireOwn(gradients, 1);
    Map<Node, NDArray> given = new java.util.HashMap<>();
    for (Map.Entry<String, Node> e : graph.gradients().entrySet()) {
      double[] g = gradients.get(e.getKey());
      for (int j = 0; j < g.length; j++) {
        if (!Double.isFinite(g[j])) {
          throw new IllegalArgumentException("gradient of '" + e.getKey() + "' at index " + j + " is " + g[j]
              + ": it must be finite; nothing was updated");
        }
      }
      given.put(e.getValue(), new NDArray(e.getValue().shape().dims(), round(g.clone())));
    }
    List<Node> targets = new ArrayList<>();
    List<String> names = new ArrayList<>();
    graph.updates().forEach((name, u) -> {
      if (!dev.cortado.ir.StepSplit.writtenByGradientHalf(graph, name)) {
        names.add(name);
        targets.add(u);
      }
    });
    writes.lock();
    try {
      Snapshot snap = current;
      List<NDArray> results = run(snap, Map.of(), targets, true, given);
      Map<String, double[]> values = new LinkedHashMap<>(snap.values());
      for (int i = 0; i < names.size(); i++) {
        values.put(names.get(i), results.get(i).data().clone());
      }
      current = snap.with(values, null, null);
    } finally {
      writes.unlock();
    }
  }

  private void requireSplit() {
    if (graph.updates().isEmpty()) {
      throw new IllegalStateException("model '" + graph.name()
          + "' was built for inference only: pass an optimizer to interpret(...) or compile(...) to train it");
    }
    if (graph.gradients().isEmpty()) {
      throw new IllegalStateException("model '" + graph.name() + "' has no trainable parameter to take gradients of");
    }
  }

  private void requireOwn(dev.cortado.runtime.Gradients g, double weight) {
    java.util.Objects.requireNonNull(g, "gradients");
    List<String> own = new ArrayList<>(graph.gradients().keySet());
    if (!g.names().equals(own)) {
      throw new IllegalArgumentException("gradients for " + g.names() + " are not those of model '" + graph.name()
          + "', whose trainable parameters are " + own);
    }
    for (String p : own) {
      int n = graph.variables().get(p).shape().size(1);
      if (g.get(p).length != n) {
        throw new IllegalArgumentException("gradient of '" + p + "' has " + g.get(p).length + " values, expected " + n);
      }
    }
    if (!Double.isFinite(weight)) {
      throw new IllegalArgumentException("weight " + weight + " of a gradient accumulation must be finite");
    }
  }

  @Override
  public double trainStepFloats(Map<String, float[]> inputs) {
    return trainStep(toDoubles(inputs));
  }

  @Override
  public Map<String, double[]> predict(Map<String, double[]> inputs) {
    List<NDArray> r = run(inputs, new ArrayList<>(graph.outputs().values()), false);
    Map<String, double[]> out = new LinkedHashMap<>();
    int i = 0;
    for (String k : graph.outputs().keySet()) {
      out.put(k, r.get(i++).data().clone());
    }
    return out;
  }

  @Override
  public Map<String, float[]> predictFloats(Map<String, float[]> inputs) {
    Map<String, float[]> out = new LinkedHashMap<>();
    predict(toDoubles(inputs)).forEach((k, v) -> out.put(k, Conversions.toFloats(v, v.length)));
    return out;
  }

  @Override
  public Map<String, Double> evaluate(Map<String, double[]> inputs) {
    if (graph.losses().isEmpty()) {
      throw new IllegalStateException("model '" + graph.name() + "' has no loss to evaluate: call minimize(loss)");
    }
    List<NDArray> r = run(inputs, new ArrayList<>(graph.losses().values()), false);
    Map<String, Double> out = new LinkedHashMap<>();
    int i = 0;
    for (String k : graph.losses().keySet()) {
      out.put(k, r.get(i++).get(0));
    }
    return out;
  }

  private static Map<String, double[]> toDoubles(Map<String, float[]> in) {
    Map<String, double[]> d = new LinkedHashMap<>();
    in.forEach((k, v) -> d.put(k, Conversions.toDoubles(v, v.length)));
    return d;
  }

  @Override
  public Map<String, Double> lastLosses() {
    return current.lastLosses();
  }

  @Override
  public List<String> parameterNames() {
    return names(VariableInfo.Role.PARAMETER);
  }

  @Override
  public List<String> stateNames() {
    return names(VariableInfo.Role.STATE);
  }

  private List<String> names(VariableInfo.Role role) {
    List<String> out = new ArrayList<>();
    for (VariableInfo v : graph.variables().values()) {
      if (v.role() == role) {
        out.add(v.name());
      }
    }
    return out;
  }

  @Override
  public int[] parameterShape(String name) {
    return info(name, null).shape().dims();
  }

  @Override
  public double[] parameter(String name) {
    return current.values().get(info(name, VariableInfo.Role.PARAMETER).name()).clone();
  }

  @Override
  public void setParameter(String name, double[] v) {
    set(info(name, VariableInfo.Role.PARAMETER), v);
  }

  @Override
  public double[] state(String name) {
    return current.values().get(info(name, VariableInfo.Role.STATE).name()).clone();
  }

  @Override
  public void setState(String name, double[] v) {
    set(info(name, VariableInfo.Role.STATE), v);
  }

  private void set(VariableInfo info, double[] v) {
    int n = info.shape().size(1);
    if (v == null || v.length != n) {
      throw new IllegalArgumentException("'" + info.name() + "' of shape " + info.shape() + " takes " + n
          + " values, got " + (v == null ? "null" : v.length));
    }
    if (counters.contains(info.name()) && !(v[0] == Math.rint(v[0]) && Math.abs(v[0]) <= 0x1p53)) {
      throw new IllegalArgumentException("'" + info.name() + "' counts steps: it takes a whole number of at most 2^53, got "
          + v[0]);
    }
    double[] r = counters.contains(info.name()) ? v.clone() : round(v.clone());
    writes.lock();
    try {
      Map<String, double[]> values = new LinkedHashMap<>(current.values());
      values.put(info.name(), r);
      current = current.with(values, null, null);
    } finally {
      writes.unlock();
    }
  }

  private VariableInfo info(String name, VariableInfo.Role role) {
    VariableInfo v = graph.variables().get(name);
    if (v == null || (role != null && v.role() != role)) {
      Collection<String> known = role == VariableInfo.Role.STATE ? stateNames() : parameterNames();
      throw new IllegalArgumentException("no " + (role == VariableInfo.Role.STATE ? "optimizer state" : "variable")
          + " named '" + name + "' in model '" + graph.name() + "'; known: " + known);
    }
    return v;
  }

  @Override
  public List<String> hyperparameterNames() {
    return new ArrayList<>(current.hypers().keySet());
  }

  @Override
  public double hyperparameter(String name) {
    Map<String, Double> hypers = current.hypers();
    Double v = hypers.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no hyperparameter '" + name + "'; known: " + hypers.keySet());
    }
    return v;
  }

  @Override
  public void setHyperparameter(String name, double value) {
    hyperparameter(name);
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("hyperparameter '" + name + "' of model '" + graph.name()
          + "' cannot be " + value + ": it must be finite");
    }
    writes.lock();
    try {
      Map<String, Double> hypers = new LinkedHashMap<>(current.hypers());
      hypers.put(name, value);
      current = current.with(null, hypers, null);
    } finally {
      writes.unlock();
    }
  }
}
