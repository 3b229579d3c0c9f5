package dev.cortado.codegen.lower;

import dev.cortado.codegen.pass.Passes.Entry;
import dev.cortado.ir.Graph;
import dev.cortado.ir.Node;
import dev.cortado.op.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lowering decisions for one entry point's graph at one batch size: which nodes are computed
 * inline inside their consumer's loop (elementwise chains fused), which matmul is carried by the
 * elementwise root that consumes it (bias and activation riding on the matmul), the kernels in
 * order, and where every materialised value lives (an input, a variable written in place, an
 * alias of another value, or a reusable buffer). Pure data; {@code codegen/emit} turns it into Java.
 */
public final class Plan {
  /** An elementwise chain longer than this is cut, so a loop body stays small. */
  static final int MAX_INLINE_TREE = 40;

  /** What a kernel computes, by the op of its root. */
  public enum Kind {
    /** An elementwise loop over the root's elements (possibly carrying a matmul, with fused roots). */
    MAP,
    /** A matrix product on its own, through the {@code MatmulKernel}. */
    MATMUL,
    /** A sum, mean or max over axes, or a sum down to a broadcast shape. */
    REDUCE,
    /** Softmax or log-softmax along the last axis. */
    SOFTMAX,
    /** Softmax cross-entropy of logits against targets. */
    XENT,
    /** The mask with 1 at the first maximum along an axis (or overall), 0 elsewhere. */
    ARGMAX,
    /** The transpose of a 2-D tensor. */
    TRANSPOSE,
    /** Convolution patches, their adjoint, an axis permutation, or max pooling and its gradient: strided windows. */
    WINDOW,
    /** A whole GRU or LSTM layer over its sequence, forward or backward, or a copy of rows of a 2-D tensor. */
    RECURRENT,
    /** A gather, scatter-add, slice, pad or batched matmul: index-driven loops over the sequence. */
    SEQUENCE
  }

  /**
   * One kernel: computes {@code root} (and, for MAP with a carried matmul, that matmul first);
   * a MAP kernel may also compute {@code fused} roots of the same size in the same loop.
   *
   * @param kind what the kernel computes
   * @param root the first value it stores
   * @param carried the matmul a MAP kernel computes first and reads (null: none)
   * @param fused the further roots a MAP kernel computes in the same loop, in order
   */
  public record Kernel(Kind kind, Node root, Node carried, List<Node> fused) {
    Kernel(Kind kind, Node root, Node carried) {
      this(kind, root, carried, List.of());
    }

    /**
     * Every value this kernel stores, in the order it computes them.
     *
     * @return {@code root}, then the fused roots
     */
    public List<Node> roots() {
      List<Node> r = new ArrayList<>();
      r.add(root);
      r.addAll(fused);
      return r;
    }

    Kernel with(Node more) {
      List<Node> f = new ArrayList<>(fused);
      f.add(more);
      return new Kernel(kind, root, carried, List.copyOf(f));
    }
  }

  /**
   * A copy at the end of a training step: variable {@code variable} takes the value of {@code from}.
   *
   * @param variable the variable's name
   * @param from the update whose buffer holds the new value
   */
  public record Copy(String variable, Node from) {}

  /** The optimized entry graph this plan is for. */
  public final Graph graph;
  /** The entry point. */
  public final Entry entry;
  /** The batch size every shape is resolved at. */
  public final int batch;
  final boolean[] inline;
  final Node[] carriedBy;
  final boolean[] absorbed;
  /** The kernels in the order they run. */
  public final List<Kernel> kernels = new ArrayList<>();
  /** For each node id: the node whose storage holds its value (itself, an alias target, a variable). */
  final Node[] home;
  /** Updates written in place: update node id -> variable name. */
  final Map<Integer, String> inPlace = new LinkedHashMap<>();
  /** The copies into variables after the last kernel, for updates not written in place. */
  public final List<Copy> copies = new ArrayList<>();
  final int[] uses;

  Plan(Graph graph, Entry entry, int batch) {
    this.graph = graph;
    this.entry = entry;
    this.batch = batch;
    int n = graph.nodes().size();
    inline = new boolean[n];
    carriedBy = new Node[n];
    absorbed = new boolean[n];
    home = new Node[n];
    uses = new int[n];
  }

  /**
   * Builds the plan: fusion, kernels in schedule order, in-place updates and aliases.
   *
   * @param g the optimized entry graph
   * @param entry its entry point
   * @param batch the batch size
   * @return the plan
   */
  public static Plan of(Graph g, Entry entry, int batch) {
    Plan p = new Plan(g, entry, batch);
    List<Node>[] consumers = p.consumers();
    boolean[] root = p.roots();
    boolean[] needsStorage = new boolean[consumers.length];
    for (Node x : g.nodes()) {
      for (Node in : x.inputs()) {
        if (!readsInline(x.op())) {
          needsStorage[in.id()] = true;
        }
      }
    }
    for (Node x : g.nodes()) {
      int id = x.id();
      if (p.uses[id] == 0 && !root[id]) {
        continue;
      }
      if (x.op() == Op.CONSTANT || x.op() == Op.HYPER) {
        p.inline[id] = !(needsStorage[id] || (root[id] && p.entry != Entry.EVALUATE && !isLossOnly(p, x)));
      } else if (fusable(x.op()) && !root[id] && !needsStorage[id] && p.uses[id] == 1) {
        Node c = consumers[id].get(0);
        boolean sameShape = x.shape().equals(c.shape());
        boolean scalar = x.shape().size(batch) == 1 && x.op() != Op.DROPOUT_MASK;
        p.inline[id] = isReduction(c.op()) || (fusable(c.op()) && (sameShape || scalar));
      }
    }
    p.capTrees();
    p.absorbMatmuls(consumers, root);
    p.schedule(root);
    List<Kernel> reordered = LoopFusion.fuse(p, LoopFusion.scalarsEarly(p, p.kernels));
    p.kernels.clear();
    p.kernels.addAll(reordered);
    p.assignHomes();
    return p;
  }

  private static boolean isLossOnly(Plan p, Node x) {
    return !p.graph.outputs().containsValue(x) && !p.graph.updates().containsValue(x);
  }

  /** Ops computed element by element, so they can be inlined into a loop. */
  static boolean fusable(Op op) {
    return op.isElementwise() || op == Op.DROPOUT_MASK || op == Op.BROADCAST_TO;
  }

  static boolean isReduction(Op op) {
    return op == Op.SUM || op == Op.MEAN || op == Op.MAX || op == Op.SUM_TO;
  }

  /** Consumers that read their operands through an inline expression rather than an array. */
  private static boolean readsInline(Op op) {
    return fusable(op) || isReduction(op) || op == Op.NUMEL;
  }

  @SuppressWarnings("unchecked")
  private List<Node>[] consumers() {
    List<Node>[] c = new List[graph.nodes().size()];
    for (int i = 0; i < c.length; i++) {
      c[i] = new ArrayList<>();
    }
    boolean[] live = new boolean[c.length];
    for (Node r : rootNodes()) {
      live[r.id()] = true;
    }
    for (int i = c.length - 1; i >= 0; i--) {
      if (live[i]) {
        for (Node in : graph.nodes().get(i).inputs()) {
          live[in.id()] = true;
          c[in.id()].add(graph.nodes().get(i));
          uses[in.id()]++;
        }
      }
    }
    return c;
  }

  /** The values this entry returns: outputs, or losses (and updates when training). */
  List<Node> rootNodes() {
    List<Node> r = new ArrayList<>();
    if (entry == Entry.PREDICT) {
      r.addAll(graph.outputs().values());
    } else {
      r.addAll(graph.losses().values());
    }
    if (entry.trains()) {
      r.addAll(graph.updates().values());
    }
    return r;
  }

  private boolean[] roots() {
    boolean[] root = new boolean[graph.nodes().size()];
    for (Node r : rootNodes()) {
      root[r.id()] = true;
    }
    return root;
  }

  /** Cuts elementwise trees larger than {@link #MAX_INLINE_TREE} by materialising their operands. */
  private void capTrees() {
    int[] size = new int[inline.length];
    for (Node x : graph.nodes()) {
      size[x.id()] = 1;
      for (Node in : x.inputs()) {
        size[x.id()] += inline[in.id()] ? size[in.id()] : 0;
      }
      if (size[x.id()] > MAX_INLINE_TREE) {
        for (Node in : x.inputs()) {
          if (inline[in.id()] && in.op() != Op.CONSTANT && in.op() != Op.HYPER) {
            inline[in.id()] = false;
          }
        }
        size[x.id()] = 1 + x.inputs().size();
      }
    }
  }

  /** The non-inline node whose kernel computes {@code x}. */
  Node kernelRoot(Node x, List<Node>[] consumers) {
    Node r = x;
    while (inline[r.id()] && !consumers[r.id()].isEmpty()) {
      r = consumers[r.id()].get(0);
    }
    return r;
  }

  private void absorbMatmuls(List<Node>[] consumers, boolean[] root) {
    for (Node m : graph.nodes()) {
      if (m.op() != Op.MATMUL || uses[m.id()] != 1 || root[m.id()]) {
        continue;
      }
      Node c = consumers[m.id()].get(0);
      if (!fusable(c.op()) || !c.shape().equals(m.shape())) {
        continue;
      }
      Node r = kernelRoot(c, consumers);
      if (fusable(r.op()) && r.shape().equals(m.shape()) && carriedBy[r.id()] == null
          && !graph.updates().containsValue(r) && readsAsMatrix(r, m)) {
        carriedBy[r.id()] = m;
        absorbed[m.id()] = true;
      }
    }
  }

  /**
   * True when the epilogue of a matmul of rank above 2 can read every stored operand of the chain
   * rooted at {@code r} at a (row, column) of the product's matrix view: each is the product's
   * size (read at row·n + column) or at most a row (a bias, read at the column). Always true for a
   * 2-D product.
   */
  private boolean readsAsMatrix(Node r, Node m) {
    if (m.shape().rank() <= 2) {
      return true;
    }
    int size = m.shape().size(batch);
    java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>(r.inputs());
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      if (n == m || n.op() == Op.CONSTANT || n.op() == Op.HYPER) {
        continue;
      }
      if (inline[n.id()]) {
        todo.addAll(n.inputs());
      } else if (n.shape().size(batch) != size && n.shape().rank() > 1) {
        return false;
      }
    }
    return true;
  }

  private void schedule(boolean[] root) {
    for (Node x : graph.nodes()) {
      int id = x.id();
      boolean live = uses[id] > 0 || root[id];
      if (!live || inline[id] || absorbed[id] || isLeafOrAlias(x)) {
        continue;
      }
      kernels.add(new Kernel(kindOf(x.op()), x, carriedBy[id]));
    }
  }

  static boolean isLeafOrAlias(Node x) {
    return x.op() == Op.INPUT || x.op() == Op.VARIABLE || x.op() == Op.RESHAPE;
  }

  private static Kind kindOf(Op op) {
    return switch (op) {
      case MATMUL -> Kind.MATMUL;
      case SUM, MEAN, MAX, SUM_TO -> Kind.REDUCE;
      case SOFTMAX, LOG_SOFTMAX -> Kind.SOFTMAX;
      case SOFTMAX_CROSS_ENTROPY -> Kind.XENT;
      case ARGMAX_MASK -> Kind.ARGMAX;
      case TRANSPOSE -> Kind.TRANSPOSE;
      case PATCHES, PATCHES_ADJOINT, PERMUTE, MAX_POOL, MAX_POOL_GRAD -> Kind.WINDOW;
      case GRU, LSTM, GRU_GRAD, LSTM_GRAD, RNN_ROWS -> Kind.RECURRENT;
      case GATHER, SCATTER_ADD, SLICE, PAD, BATCH_MATMUL -> Kind.SEQUENCE;
      default -> Kind.MAP;
    };
  }

  /**
   * Decides where each value lives. An update is written straight into its variable when it is
   * an elementwise kernel that reads the variable only at its own index and nothing reads the old
   * value afterwards; otherwise it goes to a buffer copied into the variable after every kernel.
   */
  private void assignHomes() {
    for (Node x : graph.nodes()) {
      home[x.id()] = x.op() == Op.RESHAPE ? home[x.input(0).id()] : x;
    }
    int[] pos = new int[home.length];
    Arrays.fill(pos, -1);
    int[] group = new int[home.length];
    for (int k = 0; k < kernels.size(); k++) {
      List<Node> roots = kernels.get(k).roots();
      for (int g = 0; g < roots.size(); g++) {
        pos[roots.get(g).id()] = k;
        group[roots.get(g).id()] = g;
      }
    }
    int[] lastRead = lastReads();
    Map<Node, Integer> updateCount = new LinkedHashMap<>();
    graph.updates().values().forEach(u -> updateCount.merge(u, 1, Integer::sum));
    List<Node> rootList = rootNodes();
    if (entry.trains()) {
      graph.updates().forEach((var, u) -> {
        Node v = graph.variables().get(var).node();
        int k = pos[u.id()];
        boolean ok = k >= 0 && kernels.get(k).kind() == Kind.MAP && kernels.get(k).carried() == null
            && updateCount.get(u) == 1 && lastRead[v.id()] <= k && readsOnlyAtOwnIndex(u, v)
            && rootList.stream().noneMatch(r -> r != u && home[r.id()] == v)
            && !readLaterInLoop(kernels.get(k), group[u.id()], v);
        if (ok) {
          inPlace.put(u.id(), var);
          home[u.id()] = v;
        }
      });
      graph.updates().forEach((var, u) -> {
        if (!var.equals(inPlace.get(u.id()))) {
          copies.add(new Copy(var, home[u.id()]));
        }
      });
    }
  }

  /** True when a root computed after position {@code g} of fused kernel {@code k} reads variable {@code v}. */
  private boolean readLaterInLoop(Kernel k, int g, Node v) {
    List<Node> roots = k.roots();
    for (int i = g + 1; i < roots.size(); i++) {
      if (LoopFusion.reads(this, roots.get(i)).contains(v)) {
        return true;
      }
    }
    return false;
  }

  /**
   * For each storage owner, the last kernel that reads it (Integer.MAX_VALUE when read at the end).
   *
   * @return by node id: the index in {@link #kernels} of the last reader, -1 when none reads it
   */
  public int[] lastReads() {
    int[] last = new int[home.length];
    Arrays.fill(last, -1);
    for (int k = 0; k < kernels.size(); k++) {
      Kernel kn = kernels.get(k);
      for (Node r : kn.roots()) {
        markReads(r, k, last, true);
      }
      if (kn.carried() != null) {
        markReads(kn.carried(), k, last, true);
      }
    }
    for (Node r : rootNodes()) {
      last[home[r.id()].id()] = Integer.MAX_VALUE;
    }
    return last;
  }

  private void markReads(Node x, int k, int[] last, boolean top) {
    if (!top && (inline[x.id()] || absorbed[x.id()])) {
      for (Node in : x.inputs()) {
        markReads(in, k, last, false);
      }
      return;
    }
    if (!top) {
      int h = home[x.id()].id();
      last[h] = Math.max(last[h], k);
      return;
    }
    for (Node in : x.inputs()) {
      markReads(in, k, last, false);
    }
  }

  /** True when the kernel of {@code u} reads variable {@code v}'s array only through {@code v} itself. */
  private boolean readsOnlyAtOwnIndex(Node u, Node v) {
    return readsOk(u, v, true);
  }

  private boolean readsOk(Node x, Node v, boolean top) {
    if (!top && !inline[x.id()]) {
      return home[x.id()] != v || x == v;
    }
    for (Node in : x.inputs()) {
      if (!readsOk(in, v, false)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The values this entry returns (outputs, or losses and updates).
   *
   * @return the root nodes
   */
  public List<Node> rootNodesView() {
    return rootNodes();
  }

  /**
   * True when {@code x} has no storage: its expression is computed inside its consumer's loop.
   *
   * @param x a node of {@link #graph}
   * @return whether it is inline
   */
  public boolean isInline(Node x) {
    return inline[x.id()];
  }

  /**
   * The node whose storage holds {@code x}'s value.
   *
   * @param x a node of {@link #graph}
   * @return {@code x} itself, the value it aliases, or the variable it is written into
   */
  public Node home(Node x) {
    return home[x.id()];
  }

  /**
   * True when {@code update} is written straight into its variable rather than into a buffer
   * copied at the end.
   *
   * @param update an update root
   * @return whether it is written in place
   */
  public boolean isInPlace(Node update) {
    return inPlace.containsKey(update.id());
  }

  /** A short description for the dump: one kernel a line. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("plan ").append(entry).append(" batch ").append(batch).append('\n');
    for (Kernel k : kernels) {
      sb.append("  ").append(k.kind()).append(' ').append(String.join(", ", k.roots().stream().map(Node::name).toList()));
      if (k.carried() != null) {
        sb.append(" carrying ").append(k.carried().name());
      }
      for (Node r : k.roots()) {
        if (inPlace.containsKey(r.id())) {
          sb.append(" (").append(r.name()).append(" in place of ").append(inPlace.get(r.id())).append(')');
        }
      }
      sb.append('\n');
    }
    copies.forEach(c -> sb.append("  copy ").append(c.from().name()).append(" -> ").append(c.variable()).append('\n'));
    return sb.toString();
  }
}
