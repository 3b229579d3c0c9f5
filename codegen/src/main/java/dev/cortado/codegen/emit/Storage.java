package dev.cortado.codegen.emit;

import dev.cortado.codegen.lower.Plan;
import dev.cortado.ir.Counters;
import dev.cortado.ir.Graph;
import dev.cortado.ir.Node;
import dev.cortado.op.Op;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields of a generated class and the buffer plan: one field per input, variable and
 * run-time scalar, named from the model; one array per buffer, each buffer reused by values of
 * the same length whose lifetimes do not overlap, within an entry point and across entry points
 * (which never run at the same time). A buffer that only ever holds one value is named after it
 * ({@code g_fc1_kernel} for a gradient, {@code next_w} for an update that is not done in place,
 * {@code fc1_relu} for an activation); one reused for values of different names gets a neutral
 * name ({@code buf1}, {@code buf2}, ...) and a comment listing what it holds, in order.
 */
final class Storage {
  /** Values of at least this many elements share buffers; smaller ones keep their own. */
  static final int SHARE_FROM = 256;


  /**
   * A buffer field; {@code count}: a {@code double[]} holding an exact count (see {@link Counters});
   * {@code holds}: the labels of the values it holds, in the order they are first put in it.
   */
  static final class Buffer {
    private String name;
    private final int length;
    private final String owner;
    private final boolean count;
    private final List<String> holds = new ArrayList<>();

    Buffer(int length, String owner, boolean count) {
      this.length = length;
      this.owner = owner;
      this.count = count;
      holds.add(owner);
    }

    String name() {
      if (name == null) {
        throw new IllegalStateException("buffers are named once every plan is in: call Storage.nameBuffers");
      }
      return name;
    }

    int length() {
      return length;
    }

    String owner() {
      return owner;
    }

    boolean count() {
      return count;
    }

    /** The labels of what it holds, in order, each once: more than one for a reused buffer. */
    List<String> holds() {
      return holds;
    }
  }

  final Namer namer = new Namer();
  final Map<String, String> inputFields = new LinkedHashMap<>();
  final Map<String, String> variableFields = new LinkedHashMap<>();
  final Map<String, String> hyperFields = new LinkedHashMap<>();
  final List<Buffer> buffers = new ArrayList<>();
  private final Map<Node, String> arrays = new IdentityHashMap<>();
  private final Map<Node, Buffer> bufferOf = new IdentityHashMap<>();
  private int neutral;
  /** The model's counters: kept in {@code double[]} fields whatever the dtype. */
  final Set<String> counters;
  /** The nodes, of every planned entry point, that hold an exact count. */
  private final Set<Node> counts = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

  Storage(Graph model) {
    counters = Counters.names(model);
    model.inputs().keySet().forEach(n -> inputFields.put(n, namer.name(n)));
    model.variables().keySet().forEach(n -> variableFields.put(n, namer.name(n)));
    model.hypers().keySet().forEach(n -> hyperFields.put(n, namer.name("hyper_" + n)));
  }

  /** Plans the buffers of one entry point; call once per plan, in any order. */
  void plan(Plan p) {
    boolean[] exact = Counters.exactNodes(p.graph, counters);
    for (Node n : p.graph.nodes()) {
      if (exact[n.id()]) {
        counts.add(n);
      }
    }
    for (Node n : p.graph.nodes()) {
      if (n.op() == Op.INPUT) {
        arrays.put(n, inputFields.get(n.name()));
      } else if (n.op() == Op.VARIABLE) {
        arrays.put(n, variableFields.get(n.name()));
      }
    }
    int[] last = p.lastReads();
    Map<Node, String> hints = hints(p.graph);
    List<Buffer> free = new ArrayList<>(buffers);
    Map<Node, Buffer> active = new LinkedHashMap<>();
    for (int k = 0; k < p.kernels.size(); k++) {
      final int now = k;
      active.entrySet().removeIf(e -> {
        if (last[e.getKey().id()] < now) {
          free.add(e.getValue());
          return true;
        }
        return false;
      });
      for (Node root : p.kernels.get(k).roots()) {
        if (!p.isInPlace(root)) {
          allocate(root, p.batch, hints, free, active);
        }
      }
    }
  }

  private void allocate(Node root, int batch, Map<Node, String> hints, List<Buffer> free, Map<Node, Buffer> active) {
    int length = root.shape().size(batch);
    Buffer b = null;
    String owner = hints.getOrDefault(root, label(root));
    for (int i = 0; i < free.size() && b == null; i++) {
      Buffer f = free.get(i);
      // small values keep a buffer of their own (shared only with the same value in another entry
      // point), so the code reads well; large ones share whatever buffer of their length is free
      if (f.length() == length && f.count() == isCount(root) && (length >= SHARE_FROM || f.owner().equals(owner))) {
        b = free.remove(i); // by index: a record's first equals links a method-handle chain, ~10 ms cold
      }
    }
    if (b == null) {
      b = new Buffer(length, owner, isCount(root));
      buffers.add(b);
    } else if (!b.holds.contains(owner)) {
      b.holds.add(owner);
    }
    active.put(root, b);
    bufferOf.put(root, b);
  }

  /**
   * Names the buffers once every plan is in: after what it holds when that is one value, else
   * {@code buf<k>}. Call after the last {@link #plan} and before the first {@link #array}.
   */
  void nameBuffers() {
    for (Buffer b : buffers) {
      if (b.name == null) {
        b.name = b.holds.size() == 1 ? namer.name(b.owner) : namer.name("buf" + ++neutral);
      }
    }
    bufferOf.forEach((n, b) -> arrays.put(n, b.name));
  }

  private static Map<Node, String> hints(Graph g) {
    Map<Node, String> h = new IdentityHashMap<>();
    g.updates().forEach((v, n) -> h.putIfAbsent(n, "next_" + v));
    g.gradients().forEach((v, n) -> h.putIfAbsent(n, "g_" + v));
    g.outputs().forEach((k, n) -> h.putIfAbsent(n, k));
    g.losses().forEach((k, n) -> h.putIfAbsent(n, k));
    return h;
  }

  /** A node's label without its numeric suffix: {@code fc1/matmul_12} gives {@code fc1/matmul}. */
  private static String label(Node n) {
    return withoutNumber(n.name());
  }

  /**
   * {@code name} without a trailing {@code _} and digits ({@code fc1/matmul_12} gives {@code fc1/matmul}),
   * checked by hand: a regular expression ran in a cold JVM's interpreter for every node.
   */
  static String withoutNumber(String name) {
    int end = name.length();
    while (end > 0 && name.charAt(end - 1) >= '0' && name.charAt(end - 1) <= '9') {
      end--;
    }
    return end < name.length() && end > 0 && name.charAt(end - 1) == '_' ? name.substring(0, end - 1) : name;
  }

  /** A named constant of the class: a {@code private static final} field with a comment saying what it is. */
  record Constant(String name, com.github.javaparser.ast.type.Type type,
      com.github.javaparser.ast.expr.Expression value, String comment) {}

  /** The class's named constants, by the key they were asked for with. */
  final Map<String, Constant> constants = new LinkedHashMap<>();

  /**
   * The name of a constant field holding {@code value}, declared once per {@code key}: a number
   * whose meaning its digits do not show ({@code 2^126}, a dropout seed) reads better by name, and
   * javac inlines it, so the bytecode is the same as with the literal. {@code label} goes through
   * the {@link Namer}; {@code comment} (null: none) must be safe in a comment ({@link JavaText#literal} for model text).
   */
  com.github.javaparser.ast.expr.Expression constant(String key, String label,
      com.github.javaparser.ast.type.Type type, com.github.javaparser.ast.expr.Expression value, String comment) {
    Constant c = constants.computeIfAbsent(key, k -> new Constant(namer.name(label), type, value, comment));
    return new com.github.javaparser.ast.expr.NameExpr(c.name());
  }

  /** The array field holding the value of storage owner {@code home}. */
  String array(Node home) {
    String a = arrays.get(home);
    if (a == null) {
      throw new IllegalStateException("no storage planned for " + home);
    }
    return a;
  }

  /**
   * True when every value put in {@code patches}' buffer, in every entry point, is a
   * {@link Op#PATCHES} of the same image shape and window: each run then writes the same cells,
   * so the padding cells stay as the array was allocated, zero, and need no fill before a run.
   */
  boolean holdsOnlyPatchesLike(Node patches) {
    Buffer b = bufferOf.get(patches);
    if (b == null || patches.op() != Op.PATCHES) {
      return false;
    }
    for (Map.Entry<Node, Buffer> e : bufferOf.entrySet()) {
      Node m = e.getKey();
      if (e.getValue() == b && (m.op() != Op.PATCHES || !java.util.Arrays.equals(m.attrs().ints(), patches.attrs().ints())
          || !m.input(0).shape().equals(patches.input(0).shape()))) {
        return false;
      }
    }
    return true;
  }

  /** True if {@code n} holds an exact count: its array is a {@code double[]}, even in an F32 model. */
  boolean isCount(Node n) {
    return counts.contains(n);
  }

  String hyper(Node h) {
    return hyperFields.get(h.name());
  }
}
