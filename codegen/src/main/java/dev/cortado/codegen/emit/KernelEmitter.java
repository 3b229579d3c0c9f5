package dev.cortado.codegen.emit;

import static com.github.javaparser.ast.expr.BinaryExpr.Operator.MULTIPLY;

import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.stmt.BlockStmt;
import dev.cortado.codegen.lower.Plan;
import dev.cortado.ir.Node;
import dev.cortado.op.Op;
import java.util.List;
import java.util.Map;

/**
 * Emits one planned kernel as a block of statements. Loops have literal bounds; a value of the
 * iterated shape is read at the bare loop index when every operand allows it; tensors of at most
 * {@link #UNROLL} elements (and reductions of at most {@link #UNROLL_REDUCE}) are unrolled into
 * scalar statements. Elementwise maps and matrix products (with what rides on them, and their
 * split for threads) are emitted here; reductions by {@link Reductions}, the kernels along the last
 * axis (softmax, cross-entropy, argmax) and transposes by {@link RowKernels}; patches of images and
 * permutations of axes by {@link WindowKernels}; lookups, slices and batched products by
 * {@link SequenceKernels}.
 */
final class KernelEmitter {
  static final int UNROLL = 4;
  static final int UNROLL_REDUCE = 8;

  private final Exprs x;
  private final Plan plan;
  private final MatmulKernel matmul;
  private final MatmulKernel.Scratch scratch;
  private final boolean f32;
  private final RowKernels rows;
  private final Reductions reductions;
  private final WindowKernels windows;
  private final RecurrentKernels recurrent;
  private final SequenceKernels sequences;

  /** The least work of a kernel {@link #split} cuts for threads. */
  private final long splitFrom;

  KernelEmitter(Exprs exprs, MatmulKernel matmul, MatmulKernel.Scratch scratch, long splitFrom) {
    this.splitFrom = splitFrom;
    this.x = exprs;
    this.plan = exprs.plan();
    this.matmul = matmul;
    this.scratch = scratch;
    this.f32 = exprs.f32();
    this.rows = new RowKernels(exprs, scratch, matmul.vectorLanes());
    this.reductions = new Reductions(exprs, scratch);
    this.windows = new WindowKernels(exprs, scratch, matmul.vectorLanes());
    this.recurrent = new RecurrentKernels(exprs, scratch, matmul);
    this.sequences = new SequenceKernels(exprs, scratch);
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
      case REDUCE -> reductions.reduce(k.root(), body);
      case SOFTMAX -> rows.softmax(k, body);
      case XENT -> rows.crossEntropy(k, body);
      case ARGMAX -> rows.argmax(k.root(), body);
      case TRANSPOSE -> rows.transpose(k.root(), body);
      case WINDOW -> windows.emit(k.root(), body);
      case RECURRENT -> recurrent.emit(k.root(), body);
      case SEQUENCE -> sequences.emit(k.root(), body);
      default -> throw new IllegalStateException(k.toString());
    }
    return b;
  }

  private int[] dims(Node n) {
    return x.dims(n);
  }

  private String out(Node root) {
    return x.array(root);
  }

  private boolean flatOk(Node root, int size, boolean top) {
    return x.flatOk(root, size, top);
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
        body.block.addStatement(J.declare(J.type(f32 && !x.isCount(n)), local,
            x.read(n, new Iter(new int[0], new Lin[0], false))));
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
    int[] a = matrix(dims(m.input(0)));
    boolean ta = m.attrs().transA();
    int[] o = matrix(dims(m));
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
          where.addStatement(J.call(J.call("System", "arraycopy", J.name(out(rowOperands.get(q))),
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
    String sa = out(m.input(0));
    String sb = out(m.input(1));
    return new MatmulKernel.Call(sa, sb, out(root), o[0], o[1], k, ta, m.attrs().transB(), f32, epi,
        body::fresh, scratch);
  }

  /** A tensor as the matrix a matmul sees: its rows along the last axis, {@code [size / last, last]}. */
  static int[] matrix(int[] d) {
    int last = d[d.length - 1];
    return new int[] {Iter.size(d) / last, last};
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
  record Phase(int extent, int align, boolean parallel, PhaseBody body, int rowLength, java.util.Set<String> writes,
      Strips strips) {
    Phase(int extent, int align, boolean parallel, PhaseBody body) {
      this(extent, align, parallel, body, 0, java.util.Set.of(), null);
    }
  }

  /**
   * A phase's ranges of rows cut again into {@code rowLength / width} strips of {@code width}
   * columns each ({@link MatmulKernel.Split#stripWidth}): a chunk is one strip of one range.
   */
  record Strips(int width, StripBody body) {}

  /** Emits columns {@code [colFrom, colTo)} of a phase's rows {@code [from, to)}. */
  interface StripBody {
    void emit(Expression from, Expression to, Expression colFrom, Expression colTo, MatmulKernel.Scratch own,
        BlockStmt into);
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
    Strips strips = s.stripWidth() > 0 ? new Strips(s.stripWidth(), s::rows) : null;
    phases.add(new Phase(s.rows(), s.align(), true, s::rows, c.n(), java.util.Set.of(), strips));
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
    }, 0, writes, null));
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
    if (rows.rowLength() == 0 || !rows.parallel() || rows.strips() != null || map.writes().isEmpty() || !map.parallel()
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

}
