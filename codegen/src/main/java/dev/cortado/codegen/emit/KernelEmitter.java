package dev.cortado.codegen.emit;

import static com.github.javaparser.ast.expr.BinaryExpr.Operator.DIVIDE;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.GREATER;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.MINUS;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.MULTIPLY;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.PLUS;

import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.IfStmt;
import com.github.javaparser.ast.stmt.Statement;
import dev.cortado.codegen.lower.Plan;
import dev.cortado.ir.Attrs;
import dev.cortado.ir.Node;
import dev.cortado.op.Op;
import java.util.List;
import java.util.Map;

/**
 * Emits one planned kernel as a block of statements. Loops have literal bounds; a value of the
 * iterated shape is read at the bare loop index when every operand allows it; tensors of at most
 * {@link #UNROLL} elements (and reductions of at most {@link #UNROLL_REDUCE}) are unrolled into
 * scalar statements. Reductions, softmax and cross-entropy sum in double in the interpreter's
 * order, so they match it exactly in both dtypes.
 */
final class KernelEmitter {
  static final int UNROLL = 4;
  static final int UNROLL_REDUCE = 8;

  private final Exprs x;
  private final Plan plan;
  private final MatmulKernel matmul;
  private final MatmulKernel.Scratch scratch;
  private final boolean f32;
  /** A softmax already written by the cross-entropy kernel before it ({@link #softmaxAfter}). */
  private Node softmaxDone;

  /** The least work of a kernel {@link #split} cuts for threads. */
  private final long splitFrom;

  KernelEmitter(Exprs exprs, MatmulKernel matmul, MatmulKernel.Scratch scratch, long splitFrom) {
    this.splitFrom = splitFrom;
    this.x = exprs;
    this.plan = exprs.plan();
    this.matmul = matmul;
    this.scratch = scratch;
    this.f32 = exprs.f32();
  }

  BlockStmt emit(Plan.Kernel k) {
    BlockStmt b = new BlockStmt();
    Exprs.Body body = new Exprs.Body(b, new int[1]);
    switch (k.kind()) {
      case MAP -> {
        if (k.carried() != null) {
          carriedMatmul(k.carried(), k.root(), k.fused(), body);
        } else {
          map(k.roots(), body);
        }
      }
      case MATMUL -> carriedMatmul(k.root(), k.root(), List.of(), body);
      case REDUCE -> reduce(k.root(), body);
      case SOFTMAX -> {
        if (k.root().equals(softmaxDone)) {
          b.addOrphanComment(new com.github.javaparser.ast.comments.LineComment(" written by the cross-entropy above"));
        } else {
          softmax(k.root(), body);
        }
      }
      case XENT -> crossEntropy(k.root(), softmaxAfter(k), body);
      case ARGMAX -> argmax(k.root(), body);
      case TRANSPOSE -> transpose(k.root(), body);
      default -> throw new IllegalStateException(k.toString());
    }
    return b;
  }

  private int[] dims(Node n) {
    return n.shape().resolve(plan.batch);
  }

  private String out(Node root) {
    return x.storage().array(plan.home(root));
  }

  /** True when every array the inline tree of {@code root} reads is root-sized or a scalar. */
  private boolean flatOk(Node root, int size, boolean top) {
    if (!top && (root.op() == Op.CONSTANT || root.op() == Op.HYPER)) {
      return true;
    }
    if (!top && !plan.isInline(root)) {
      int s = Iter.size(dims(root));
      return s == size || s == 1;
    }
    for (Node in : root.inputs()) {
      if (!flatOk(in, size, false)) {
        return false;
      }
    }
    return true;
  }

  /** One loop computing each root in turn (fused roots all have the first one's size). */
  private void map(List<Node> roots, Exprs.Body body) {
    int[] d = dims(roots.get(0));
    int size = Iter.size(d);
    boolean flat = roots.stream().allMatch(r -> flatOk(r, size, true));
    int[] it = flat ? new int[] {size} : d;
    boolean unroll = size <= UNROLL;
    Map<Node, Expression> scalars = unroll ? Map.of() : hoistScalars(roots, body);
    Loops.nest(body.block, it, Loops.range(0, it.length), new Lin[it.length], unroll, "i", (blk, idx) -> {
      Iter at = new Iter(it, idx, flat);
      for (Node root : roots) {
        Expression v = x.compute(root, at, body.in(blk), scalars);
        blk.addStatement(J.assign(J.at(out(root), at.flatIndex().toExpr()), v));
      }
    });
  }

  /**
   * Loads every stored scalar the loop reads into a local before it: a store into an array of the
   * same type inside the loop would otherwise force a reload of {@code s[0]} on every iteration
   * and keep C2 from vectorising the loop.
   */
  private Map<Node, Expression> hoistScalars(List<Node> roots, Exprs.Body body) {
    Map<Node, Expression> out = new java.util.LinkedHashMap<>();
    for (Node r : roots) {
      collectScalars(r, true, out, body);
    }
    return out;
  }

  private void collectScalars(Node n, boolean top, Map<Node, Expression> out, Exprs.Body body) {
    if (!top && (n.op() == Op.CONSTANT || n.op() == Op.HYPER || out.containsKey(n))) {
      return;
    }
    if (!top && !plan.isInline(n)) {
      if (Iter.size(dims(n)) == 1) {
        String local = body.fresh("s");
        body.block.addStatement(J.declare(J.type(f32), local, x.read(n, new Iter(new int[0], new Lin[0], false))));
        out.put(n, J.name(local));
      }
      return;
    }
    for (Node in : n.inputs()) {
      collectScalars(in, false, out, body);
    }
  }

  /**
   * The stored [m,n] operands (other than the product itself) of the chain carried on a matmul's
   * result, read at (i, j): the row form of a kernel copies row i of each before its epilogue loop.
   */
  private List<Node> rowOperands(Node root, Node m, int[] o) {
    java.util.LinkedHashSet<Node> out = new java.util.LinkedHashSet<>();
    java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>(List.of(root));
    java.util.Set<Node> seen = new java.util.HashSet<>();
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      if (n == m || !seen.add(n) || n.op() == Op.CONSTANT || n.op() == Op.HYPER) {
        continue;
      }
      if (n != root && !plan.isInline(n)) {
        if (java.util.Arrays.equals(dims(n), o)) {
          out.add(n);
        }
        continue;
      }
      todo.addAll(n.inputs());
    }
    return List.copyOf(out);
  }

  private void carriedMatmul(Node m, Node root, List<Node> fused, Exprs.Body body) {
    matmul.emit(call(m, root, fused, body), body.block);
  }

  /** The matmul {@code m} as a kernel call, the elementwise {@code root} and {@code fused} in its epilogue. */
  private MatmulKernel.Call call(Node m, Node root, List<Node> fused, Exprs.Body body) {
    int[] a = dims(m.input(0));
    boolean ta = m.attrs().transA();
    int[] o = dims(m);
    int k = ta ? a[0] : a[1];
    List<Node> rowOperands = rowOperands(root, m, o);
    MatmulKernel.Epilogue epi = new MatmulKernel.Epilogue() {
      private final Map<Node, Expression> copies = new java.util.HashMap<>();

      @Override
      public void beforeRow(Lin i, MatmulKernel.Scratch own, BlockStmt where) {
        if (rowOperands.isEmpty()) {
          return;
        }
        String rows = own.rows("operand", rowOperands.size(), o[1]);
        for (int q = 0; q < rowOperands.size(); q++) {
          String row = body.fresh("op");
          where.addStatement(J.declare(new com.github.javaparser.ast.type.ArrayType(J.type(f32)), row,
              J.at(rows, J.intLit(q))));
          where.addStatement(J.call(J.call("System", "arraycopy", J.name(x.storage().array(plan.home(rowOperands.get(q)))),
              i.times(o[1]).toExpr(), J.name(row), J.intLit(0), J.intLit(o[1]))));
          copies.put(rowOperands.get(q), J.at(row, J.name("j")));
        }
      }

      private Map<Node, Expression> with(Node n, Expression v) {
        Map<Node, Expression> m2 = new java.util.HashMap<>(copies);
        m2.put(n, v);
        return m2;
      }

      @Override
      public Expression apply(Expression acc, Lin i, Lin j, BlockStmt where) {
        if (root == m) {
          return acc;
        }
        Iter at = new Iter(o, new Lin[] {i, j}, false);
        return x.compute(root, at, body.in(where), with(m, acc));
      }

      @Override
      public boolean isIdentity() {
        return root == m;
      }

      @Override
      public void after(Lin i, Lin j, BlockStmt where) {
        Iter at = new Iter(o, new Lin[] {i, j}, false);
        for (Node f : fused) {
          where.addStatement(J.assign(J.at(out(f), at.flatIndex().toExpr()), x.compute(f, at, body.in(where), Map.of())));
        }
      }

      @Override
      public List<String> fusedArrays() {
        return fused.stream().map(f -> out(f)).toList();
      }

      @Override
      public Expression fused(int k, Expression stored, Lin i, Lin j, BlockStmt where) {
        Iter at = new Iter(o, new Lin[] {i, j}, false);
        return x.compute(fused.get(k), at, body.in(where), with(root, stored));
      }
    };
    String sa = x.storage().array(plan.home(m.input(0)));
    String sb = x.storage().array(plan.home(m.input(1)));
    return new MatmulKernel.Call(sa, sb, out(root), o[0], o[1], k, ta, m.attrs().transB(), f32, epi,
        body::fresh, scratch);
  }

  /** Units of work of an element of an elementwise kernel (a multiply-add is one). */
  static final int ELEMENT_WORK = 8;
  /** Units of work of an element of a matmul's operand copy. */
  static final int COPY_WORK = 16;

  /**
   * One loop of a kernel split over threads: iterations {@code [0, extent)}, each thread's range
   * starting at a multiple of {@code align}; a phase that is not {@code parallel} runs whole on
   * the calling thread. Phases run one after the other with a barrier between parallel ones.
   */
  record Phase(int extent, int align, boolean parallel, PhaseBody body, int rowLength, java.util.Set<String> writes) {
    Phase(int extent, int align, boolean parallel, PhaseBody body) {
      this(extent, align, parallel, body, 0, java.util.Set.of());
    }
  }

  /** Emits a phase's loop over {@code [from, to)}, taking working arrays private to the thread from {@code own}. */
  interface PhaseBody {
    void emit(Expression from, Expression to, MatmulKernel.Scratch own, BlockStmt into);
  }

  /**
   * The kernel cut into phases for threads, or null when it runs whole on the calling thread:
   * matmuls of at least {@code splitFrom} multiply-adds that the kernel can split (by result
   * rows: batch rows for {@code X·W} and {@code dY·Wᵀ}, weight rows for {@code Xᵀ·dY}, never the
   * summed dimension; the operand copy too when it has {@code splitFrom} units of work, else on
   * the calling thread), and flat elementwise kernels (parameter updates) with as much work
   * ({@link #ELEMENT_WORK} an element). Each element is computed by one thread in the one-thread
   * order.
   */
  List<Phase> split(Plan.Kernel k) {
    return switch (k.kind()) {
      case MAP -> k.carried() != null ? splitMatmul(k.carried(), k.root(), k.fused()) : splitMap(k.roots());
      case MATMUL -> splitMatmul(k.root(), k.root(), List.of());
      default -> null;
    };
  }

  private List<Phase> splitMatmul(Node m, Node root, List<Node> fused) {
    MatmulKernel.Call c = call(m, root, fused, new Exprs.Body(new BlockStmt(), new int[1]));
    if ((long) c.m() * c.n() * c.k() < splitFrom) {
      return null;
    }
    MatmulKernel.Split s = matmul.split(c);
    if (s == null || s.rows() < 2 * s.align()) {
      return null;
    }
    List<Phase> phases = new java.util.ArrayList<>();
    if (s.copyRows() > 0) {
      phases.add(new Phase(s.copyRows(), 1, (long) s.copyRows() * s.copyLength() * COPY_WORK >= splitFrom,
          (from, to, own, into) -> s.copy(from, to, into)));
    }
    phases.add(new Phase(s.rows(), s.align(), true, s::rows, c.n(), java.util.Set.of()));
    return phases;
  }

  private List<Phase> splitMap(List<Node> roots) {
    int size = Iter.size(dims(roots.get(0)));
    // as map(): tensors of at most UNROLL elements are unrolled, larger ones hoist stored scalars
    if (size <= UNROLL || (long) size * ELEMENT_WORK < splitFrom || !roots.stream().allMatch(r -> flatOk(r, size, true))) {
      return null;
    }
    java.util.Set<String> writes = new java.util.HashSet<>();
    roots.forEach(r -> writes.add(out(r)));
    return List.of(new Phase(size, 1, true, (from, to, own, into) -> {
      Exprs.Body body = new Exprs.Body(into, new int[1]);
      Map<Node, Expression> scalars = hoistScalars(roots, body);
      BlockStmt blk = new BlockStmt();
      Iter at = new Iter(new int[] {size}, new Lin[] {Lin.var("i0")}, true);
      for (Node root : roots) {
        blk.addStatement(J.assign(J.at(out(root), at.flatIndex().toExpr()), x.compute(root, at, body.in(blk), scalars)));
      }
      into.addStatement(J.loop("i0", from, to, 1, blk));
    }, 0, writes));
  }

  /**
   * The result rows of a matmul and the elementwise kernel right after it as one phase, chunk by
   * chunk: rows {@code [lo, hi)}, then elements {@code [lo·n, hi·n)} of the elementwise kernel (a
   * weight gradient's rows, then the update of those rows while they are in cache, with one
   * barrier fewer); null unless {@code map} is a flat elementwise phase over exactly the
   * matmul's result and writes no array the matmul's code names (which another thread's rows
   * could still be reading). Every element is computed as before, by one thread.
   */
  Phase fuse(Phase rows, Phase map) {
    if (rows.rowLength() == 0 || !rows.parallel() || map.writes().isEmpty() || !map.parallel()
        || (long) rows.extent() * rows.rowLength() != map.extent()) {
      return null;
    }
    BlockStmt probe = new BlockStmt();
    rows.body().emit(J.name("lo"), J.name("hi"), scratch, probe);
    boolean named = probe.findAll(com.github.javaparser.ast.expr.NameExpr.class).stream()
        .anyMatch(n -> map.writes().contains(n.getNameAsString()));
    if (named) {
      return null;
    }
    long n = rows.rowLength();
    return new Phase(rows.extent(), rows.align(), true, (from, to, own, into) -> {
      rows.body().emit(from, to, own, into);
      map.body().emit(J.bin(MULTIPLY, from.clone(), J.intLit(n)), J.bin(MULTIPLY, to.clone(), J.intLit(n)), own, into);
    });
  }

  private void reduce(Node r, Exprs.Body body) {
    Node in = r.input(0);
    int[] d = dims(in);
    int[] od = dims(r);
    boolean[] reduced = new boolean[d.length];
    if (r.op() == Op.SUM_TO) {
      for (int i = d.length - 1, k = od.length - 1; i >= 0; i--, k--) {
        reduced[i] = (k < 0 || od[k] == 1) && d[i] != 1;
      }
    } else {
      for (int i = 0; i < d.length; i++) {
        reduced[i] = r.attrs().axis() == Attrs.ALL || r.attrs().axis() == i;
      }
    }
    int total = Iter.size(d);
    int count = 1;
    int keptCount = 0;
    for (int i = 0; i < d.length; i++) {
      count *= reduced[i] ? d[i] : 1;
      keptCount += reduced[i] ? 0 : 1;
    }
    if (r.op() != Op.MAX && leadingReduced(reduced) && count > 1 && total / count >= COLUMN_SUMS_FROM
        && flatOk(r, total, true)) {
      columnSums(r, in, total / count, count, body);
      return;
    }
    boolean flat = keptCount == 0 && flatOk(r, total, true);
    int[] it = flat ? new int[] {total} : d;
    int[] kept = new int[flat ? 0 : keptCount];
    int[] red = new int[flat ? 1 : d.length - keptCount];
    for (int i = 0, a = 0, b = 0; i < it.length; i++) {
      if (flat || reduced[i]) {
        red[b++] = i;
      } else {
        kept[a++] = i;
      }
    }
    boolean max = r.op() == Op.MAX;
    int keptSize = total / count;
    final int n = count;
    Loops.nest(body.block, it, kept, zeros(it.length), keptSize <= UNROLL, "i", (blk, idx) -> {
      String acc = body.fresh("acc");
      blk.addStatement(J.declare(J.doubleType(), acc, max ? J.field("Double", "NEGATIVE_INFINITY") : J.dlit(0)));
      Loops.nest(blk, it, red, idx, n <= UNROLL_REDUCE, "j", (inner, idx2) -> {
        Expression v = x.value(in, new Iter(it, idx2, flat), body.in(inner), Map.of());
        Expression next = max ? J.call("Math", "max", J.name(acc), v) : J.bin(PLUS, J.name(acc), v);
        inner.addStatement(J.assign(J.name(acc), next));
      });
      Expression result = r.op() == Op.MEAN ? J.bin(DIVIDE, J.name(acc), J.dlit(n)) : J.name(acc);
      Lin o = Lin.ZERO;
      long stride = 1;
      for (int q = kept.length - 1; q >= 0; q--) {
        o = o.plus(idx[kept[q]].times(stride));
        stride *= it[kept[q]];
      }
      blk.addStatement(J.assign(J.at(out(r), o.toExpr()), x.lib(result)));
    });
  }

  /** Kept rows at least this long are summed a row at a time ({@link #columnSums}). */
  static final int COLUMN_SUMS_FROM = 16;

  /** True when the reduced axes come first and at least one axis is kept after them. */
  private static boolean leadingReduced(boolean[] reduced) {
    int lead = 0;
    while (lead < reduced.length && reduced[lead]) {
      lead++;
    }
    for (int i = lead; i < reduced.length; i++) {
      if (reduced[i]) {
        return false;
      }
    }
    return lead > 0 && lead < reduced.length;
  }

  /**
   * Sums over leading axes (a bias gradient: {@code [batch, n]} to {@code [n]}) a row at a time
   * into a row of double accumulators, {@code acc[i0] = acc[i0] + in[j0*n + i0]}: every element
   * still sums in double in the interpreter's order, but the loop runs along rows and C2
   * vectorises it (5 against 15 us for 64x256 here, where a strided sum per column did not).
   */
  private void columnSums(Node r, Node in, int n, int rows, Exprs.Body body) {
    String acc = scratch.doubles(n);
    BlockStmt zero = new BlockStmt();
    zero.addStatement(J.assign(J.at(acc, J.name("i0")), J.dlit(0)));
    body.block.addStatement(J.loop("i0", 0, n, zero));
    BlockStmt add = new BlockStmt();
    Iter at = new Iter(new int[] {rows * n}, new Lin[] {Lin.var("j0").times(n).plus(Lin.var("i0"))}, true);
    Expression v = x.value(in, at, body.in(add), Map.of());
    add.addStatement(J.assign(J.at(acc, J.name("i0")), J.bin(PLUS, J.at(acc, J.name("i0")), v)));
    BlockStmt row = new BlockStmt();
    row.addStatement(J.loop("i0", 0, n, add));
    body.block.addStatement(J.loop("j0", 0, rows, row));
    BlockStmt store = new BlockStmt();
    Expression sum = J.at(acc, J.name("i0"));
    Expression result = r.op() == Op.MEAN ? J.bin(DIVIDE, sum, J.dlit(rows)) : sum;
    store.addStatement(J.assign(J.at(out(r), J.name("i0")), x.lib(result)));
    body.block.addStatement(J.loop("i0", 0, n, store));
  }

  private static Lin[] zeros(int n) {
    Lin[] z = new Lin[n];
    java.util.Arrays.fill(z, Lin.ZERO);
    return z;
  }

  /**
   * Per row of the last axis: the maximum, then Σ e^(x-max), as the interpreter computes them;
   * with {@code keep} (a double scratch row) each e^(x-max) is also kept, so softmax calls exp
   * once per element.
   */
  private Lin rowStats(String in, int n, Lin row, BlockStmt blk, String max, String sum, String keep) {
    Lin j = n == 1 ? Lin.ZERO : Lin.var("j");
    Lin at = row.times(n).plus(j);
    blk.addStatement(J.declare(J.doubleType(), max, J.field("Double", "NEGATIVE_INFINITY")));
    blk.addStatement(overLast(n, J.assign(J.name(max), J.call("Math", "max", J.name(max), J.at(in, at.toExpr())))));
    blk.addStatement(J.declare(J.doubleType(), sum, J.dlit(0)));
    Expression e = J.call("Math", "exp", J.bin(MINUS, J.at(in, at.toExpr()), J.name(max)));
    if (keep == null) {
      blk.addStatement(overLast(n, J.assign(J.name(sum), J.bin(PLUS, J.name(sum), e))));
    } else {
      BlockStmt both = new BlockStmt();
      both.addStatement(J.assign(J.at(keep, j.toExpr()), e));
      both.addStatement(J.assign(J.name(sum), J.bin(PLUS, J.name(sum), J.at(keep, j.toExpr()))));
      blk.addStatement(n == 1 ? both : J.loop("j", 0, n, both));
    }
    return at;
  }

  private static Statement overLast(int n, Statement s) {
    return n == 1 ? s : J.loop("j", 0, n, new BlockStmt(new com.github.javaparser.ast.NodeList<>(s)));
  }

  private int lastDim(Node n) {
    int[] d = dims(n);
    return d.length == 0 ? 1 : d[d.length - 1];
  }

  private void softmax(Node r, Exprs.Body body) {
    Node in = r.input(0);
    String src = x.storage().array(plan.home(in));
    int n = lastDim(in);
    int rows = Iter.size(dims(in)) / n;
    Lin row = rows == 1 ? Lin.ZERO : Lin.var("r");
    BlockStmt blk = new BlockStmt();
    boolean log = r.op() == Op.LOG_SOFTMAX;
    String keep = log ? null : scratch.doubles(n);
    Lin at = rowStats(src, n, row, blk, "max", "sum", keep);
    Expression z = J.bin(MINUS, J.at(src, at.toExpr()), J.name("max"));
    Expression v;
    if (log) {
      blk.addStatement(J.declare(J.doubleType(), "lse", J.call("Math", "log", J.name("sum"))));
      v = J.bin(MINUS, z, J.name("lse"));
    } else {
      v = J.bin(DIVIDE, J.at(keep, (n == 1 ? Lin.ZERO : Lin.var("j")).toExpr()), J.name("sum"));
    }
    blk.addStatement(overLast(n, J.assign(J.at(out(r), at.toExpr()), x.lib(v))));
    body.block.addStatement(rows == 1 ? blk : J.loop("r", 0, rows, blk));
  }

  /**
   * The softmax of the same logits when it is the very next kernel (the cross-entropy's gradient
   * needs it): the cross-entropy kernel then writes it too, from the exponentials it computes
   * anyway, and the softmax kernel emits nothing. Each row's softmax is written after the row's
   * logits and labels are read, so its buffer may be either of theirs.
   */
  private Node softmaxAfter(Plan.Kernel xent) {
    int at = plan.kernels.indexOf(xent);
    if (at < 0 || at + 1 >= plan.kernels.size()) {
      return null;
    }
    Plan.Kernel next = plan.kernels.get(at + 1);
    Node z = xent.root().input(0);
    boolean same = next.kind() == Plan.Kind.SOFTMAX && next.root().op() == Op.SOFTMAX
        && next.root().input(0).equals(z);
    return same ? next.root() : null;
  }

  private void crossEntropy(Node r, Node softmax, Exprs.Body body) {
    String z = x.storage().array(plan.home(r.input(0)));
    String t = x.storage().array(plan.home(r.input(1)));
    int n = lastDim(r.input(0));
    int rows = Iter.size(dims(r.input(0))) / n;
    Lin row = rows == 1 ? Lin.ZERO : Lin.var("r");
    body.block.addStatement(J.declare(J.doubleType(), "total", J.dlit(0)));
    BlockStmt blk = new BlockStmt();
    String keep = softmax == null ? null : scratch.doubles(n);
    Lin at = rowStats(z, n, row, blk, "max", "sum", keep);
    blk.addStatement(J.declare(J.doubleType(), "lse", J.call("Math", "log", J.name("sum"))));
    Expression ls = J.bin(MINUS, J.bin(MINUS, J.at(z, at.toExpr()), J.name("max")), J.name("lse"));
    blk.addStatement(overLast(n, J.assign(J.name("total"),
        J.bin(MINUS, J.name("total"), J.bin(MULTIPLY, J.at(t, at.toExpr()), ls)))));
    if (softmax != null) {
      Expression p = J.bin(DIVIDE, J.at(keep, (n == 1 ? Lin.ZERO : Lin.var("j")).toExpr()), J.name("sum"));
      blk.addStatement(overLast(n, J.assign(J.at(out(softmax), at.toExpr()), x.lib(p))));
      softmaxDone = softmax;
    }
    body.block.addStatement(rows == 1 ? blk : J.loop("r", 0, rows, blk));
    body.block.addStatement(J.assign(J.at(out(r), J.intLit(0)), x.lib(J.bin(DIVIDE, J.name("total"), J.dlit(rows)))));
  }

  private void argmax(Node r, Exprs.Body body) {
    String src = x.storage().array(plan.home(r.input(0)));
    int[] d = dims(r.input(0));
    int axis = r.attrs().axis();
    int outer = axis == Attrs.ALL ? 1 : prod(d, 0, axis);
    int mid = axis == Attrs.ALL ? Iter.size(d) : d[axis];
    int inner = axis == Attrs.ALL ? 1 : prod(d, axis + 1, d.length);
    body.block.addStatement(J.call(J.call("java.util.Arrays", "fill", J.name(out(r)), x.zero())));
    Lin base = (outer == 1 ? Lin.ZERO : Lin.var("o").times((long) mid * inner)).plus(inner == 1 ? Lin.ZERO : Lin.var("c"));
    BlockStmt blk = new BlockStmt();
    blk.addStatement(J.declare(com.github.javaparser.ast.type.PrimitiveType.intType(), "best", base.toExpr()));
    Lin k = base.plus(Lin.var("m").times(inner));
    BlockStmt scan = new BlockStmt();
    scan.addStatement(new IfStmt(J.bin(GREATER, J.at(src, k.toExpr()), J.at(src, J.name("best"))),
        J.assign(J.name("best"), k.toExpr()), null));
    blk.addStatement(J.loop("m", 1, mid, scan));
    blk.addStatement(J.assign(J.at(out(r), J.name("best")), x.one()));
    Statement s = inner == 1 ? blk : J.loop("c", 0, inner, blk);
    body.block.addStatement(outer == 1 ? s : J.loop("o", 0, outer, s instanceof BlockStmt b ? b
        : new BlockStmt(new com.github.javaparser.ast.NodeList<>(s))));
  }

  private static int prod(int[] d, int from, int to) {
    int p = 1;
    for (int i = from; i < to; i++) {
      p *= d[i];
    }
    return p;
  }

  private void transpose(Node r, Exprs.Body body) {
    String src = x.storage().array(plan.home(r.input(0)));
    int[] d = dims(r.input(0));
    Loops.nest(body.block, d, new int[] {0, 1}, new Lin[2], Iter.size(d) <= UNROLL, "i", (blk, idx) ->
        blk.addStatement(J.assign(J.at(out(r), idx[1].times(d[0]).plus(idx[0]).toExpr()),
            J.at(src, idx[0].times(d[1]).plus(idx[1]).toExpr()))));
  }
}
