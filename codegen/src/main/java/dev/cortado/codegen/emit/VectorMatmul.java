package dev.cortado.codegen.emit;

import static com.github.javaparser.ast.expr.BinaryExpr.Operator.PLUS;

import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.ForStmt;
import com.github.javaparser.ast.stmt.Statement;
import com.github.javaparser.ast.type.ArrayType;

/**
 * F32 matmuls on the incubating Vector API ({@code jdk.incubator.vector}), for a JVM started with
 * {@code --add-modules jdk.incubator.vector}: register blocks of 24 accumulator vectors (6 result
 * rows × 4 vectors, 8 × 3 or 12 × 2, as the row's vectors divide) held in registers over the whole
 * sum, or over each step of a long one ({@link #kBlock}), so each group of vector loads of op(B)
 * feeds 24 fmas, with one scalar broadcast per
 * row (what C2's auto-vectorised loops cannot do: they load and store the accumulator for every
 * 4 terms). 24 accumulators, the loaded vectors and a broadcast fit AVX-512's 32 registers.
 *
 * <p>Each element is {@code fma(a_p, b_p, …)} from zero, p ascending (a step of a long sum starts
 * from the float the step before stored), exactly as {@link
 * BlockedMatmul} computes it, so both kernels give the same floats. op(B) stored as it is used
 * is read in place (vector loads take an offset without the aliasing doubts that keep C2 from
 * vectorising {@code b[o + j]}); otherwise it is copied first into one array, row p at
 * {@code p·len}. Finished rows go through the same epilogue code. F64 products, vector lengths
 * not a multiple of the species length and products of at most {@link LoopMatmul#UNROLL}
 * multiply-adds are left to {@link BlockedMatmul}.
 *
 * <p>The generated class names the species by its size ({@code FloatVector.SPECIES_512}), taken
 * from the generating JVM's preferred species: generate where the code will run.
 */
public final class VectorMatmul implements MatmulKernel {
  private static final String PKG = "jdk.incubator.vector.";
  private static final String FV = "FloatVector";
  /** Accumulator vectors per register block: 24 of the 32 vector registers of AVX-512. */
  static final int ACCUMULATORS = 24;
  /** Result elements from which a product stored as it is goes straight into {@code out}. */
  static final int DIRECT_FROM = 1 << 16;

  /** Bytes of op(B) a step of a long sum reads: {@value}, within the core's 2 MB L2 beside op(A)'s rows. */
  static final int STEP_BYTES = 64 * 1024;
  /**
   * Multiply-adds from which a product's block methods are written for its strides: {@value}
   * (the generic methods made the main sample's source 70% longer when every product had its own).
   */
  static final int TUNED_FROM = 1 << 20;
  /** The fewest terms per step, so that storing and loading the accumulators stays a small cost. */
  static final int MIN_STEP = 128;

  private final BlockedMatmul fallback = new BlockedMatmul();
  private final int lanes;
  private final VectorBlockMethods methods;

  /** A kernel for this JVM's preferred species (for {@code -Dcortado.matmul=<this class>}). */
  public VectorMatmul() {
    this(preferred().lanes);
  }

  /**
   * A kernel for vectors of {@code lanes} floats (4, 8 or 16).
   *
   * @param lanes 4, 8 or 16
   * @throws IllegalArgumentException naming the value otherwise
   */
  public VectorMatmul(int lanes) {
    if (lanes != 4 && lanes != 8 && lanes != 16) {
      throw new IllegalArgumentException("lanes must be 4, 8 or 16 floats, got " + lanes);
    }
    this.lanes = lanes;
    this.methods = new VectorBlockMethods(lanes);
  }

  /**
   * Whether this JVM was started with {@code --add-modules jdk.incubator.vector}.
   *
   * @return whether the Vector API module is present
   */
  public static boolean available() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  /**
   * A kernel for this JVM's preferred species; call only when {@link #available()}.
   *
   * @return the kernel for the preferred species' lanes
   * @throws IllegalStateException if the Vector API module is absent
   */
  public static VectorMatmul preferred() {
    if (!available()) {
      throw new IllegalStateException("the Vector API kernel needs a JVM started with --add-modules jdk.incubator.vector");
    }
    try {
      Object species = Class.forName(PKG + FV).getField("SPECIES_PREFERRED").get(null);
      return new VectorMatmul((Integer) Class.forName(PKG + "VectorSpecies").getMethod("length").invoke(species));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("jdk.incubator.vector is not usable here: " + e, e);
    }
  }

  /**
   * The blocked kernel, one result row per pass: the same sums in the same order. Vector API code
   * runs slowly until C2 has compiled it (in the interpreter every vector is an object), which
   * made the MNIST-sized model's first step 0.3 s slower on JDK 17. Recurrent gates stay on
   * vectors there too ({@link #vectorLanes}), so a recurrent model's first steps are slower but
   * give the results of this kernel's class.
   */
  @Override
  public MatmulKernel quickStart() {
    return new QuickStart(lanes);
  }

  @Override
  public int vectorLanes() {
    return lanes;
  }

  /** {@link BlockedMatmul} with one row per pass, beside gates on vectors of {@code lanes} floats. */
  private record QuickStart(int lanes) implements MatmulKernel {
    private static final BlockedMatmul ROWS = new BlockedMatmul(1);

    @Override
    public void emit(Call call, BlockStmt into) {
      ROWS.emit(call, into);
    }

    @Override
    public Split split(Call call) {
      return ROWS.split(call);
    }

    @Override
    public int vectorLanes() {
      return lanes;
    }

    @Override
    public String key() {
      return ROWS.key() + "/gates" + lanes;
    }
  }

  @Override
  public String key() {
    String step = System.getProperty("cortado.vectorStep");
    return getClass().getName() + "/" + lanes + (step == null ? "" : "/step" + step) + "+" + fallback.key();
  }

  @Override
  public void emit(Call c, BlockStmt into) {
    boolean columns = c.n() < LoopMatmul.NARROW && c.m() > c.n();
    if (!handles(c, columns)) {
      fallback.emit(c, into);
      return;
    }
    RowForm f = new RowForm(c, columns);
    String rs = copied(f);
    if (rs != null) {
      into.addStatement(copy(f, rs, J.intLit(0), J.intLit(c.k())));
    }
    String panel = rs == null ? panels(f) : null;
    if (panel != null) {
      into.addStatement(pack(f, panel));
    }
    rows(f, rs, panel, J.intLit(0), J.intLit(f.outer()), null, null, into);
  }

  /** Bytes of op(B) above which a product read in place copies it into panels ({@link #panels}): {@value}. */
  static final int PANELS_FROM = 32 * 1024;

  /**
   * The working array op(B) is copied into, one panel per block's columns ({@code k} rows of
   * {@link #blockVectors} vectors, contiguous), for a product summed in one pass whose op(B) is
   * stored as it is used, larger than {@link #PANELS_FROM} bytes, wider than one block and
   * reused by at least {@link #STRIPS_UNDER} blocks of rows; null otherwise. Read in place, a
   * block's columns of op(B) are {@code k} runs of a few cache lines one row apart: rows of 256
   * floats put them in a quarter of the L1D's sets, so neither all of op(B) (the MNIST-sized
   * weight gradient's 64 kB of dY) nor one block's columns stayed in L1 from one block to the
   * next, and every block read its 16 kB from L2. A panel is contiguous, and with the blocks run
   * panel by panel every block after the first reads it from L1.
   */
  private String panels(RowForm f) {
    Call c = f.c();
    int width = blockWidth(f.len());
    int rows = blockRows(f.len());
    boolean fits = !f.columns() && tuned(c) && kBlock(c.k(), f.len(), f.outer(), rows) == 0
        && (long) c.k() * f.len() * Float.BYTES > PANELS_FROM && f.len() > width && f.outer() / rows >= STRIPS_UNDER;
    return fits ? c.scratch().flat("panels", c.k() * f.len()) : null;
  }

  /** The columns of one register block for rows of {@code len}: its vectors times the lanes. */
  private int blockWidth(int len) {
    return blockVectors(len) * lanes;
  }

  /** Copies op(B) into {@code panel}: the panel of columns from v at {@code v·k}, row p of it at {@code p·width}. */
  private Statement pack(RowForm f, String panel) {
    Call c = f.c();
    int width = blockWidth(f.len());
    Lin p = Lin.var("p");
    Lin v = Lin.var(f.vv());
    BlockStmt row = new BlockStmt();
    row.addStatement(J.call(J.call("System", "arraycopy", J.name(c.b()), p.times(f.len()).plus(v).toExpr(),
        J.name(panel), v.times(c.k()).plus(p.times(width)).toExpr(), J.intLit(width))));
    BlockStmt perPanel = new BlockStmt();
    perPanel.addStatement(J.loop("p", 0, c.k(), row));
    ForStmt panels = J.loop(f.vv(), J.intLit(0), J.intLit(f.len()), width, perPanel);
    panels.setLineComment(" op(B) in panels of " + width + " columns, each " + c.k() + " rows of " + width
        + " floats in a row, so that the blocks of one panel's columns read it from L1");
    return panels;
  }

  private boolean handles(Call c, boolean columns) {
    int len = columns ? c.m() : c.n();
    return c.f32() && len % lanes == 0 && (long) c.m() * c.n() * c.k() > LoopMatmul.UNROLL;
  }

  /**
   * The working array op(B) (by rows) or op(A)ᵀ (by columns) is copied into, {@code k·len}
   * floats, row p at {@code p·len}; null when the operand is stored that way and read in place.
   */
  private static String copied(RowForm f) {
    Call c = f.c();
    boolean direct = f.columns() ? c.transA() : !c.transB();
    return direct ? null : c.scratch().row(c.k() * f.len());
  }

  /**
   * Copies rows {@code p} in {@code [from, to)} of the operand {@link #copied} names, read along p
   * a few columns per pass as {@link RowForm#copyRight} does.
   */
  private static Statement copy(RowForm f, String rs, Expression from, Expression to) {
    Lin p = Lin.var("p");
    int u = RowForm.columnsPerPass(f.c().k(), f.len());
    if (u == 1) {
      // p outer: a small copy in the shorter source
      BlockStmt body = new BlockStmt();
      Lin v = Lin.var(f.vv());
      body.addStatement(J.assign(J.at(rs, p.times(f.len()).plus(v).toExpr()), f.transposed(v, p)));
      BlockStmt row = new BlockStmt();
      row.addStatement(J.loop(f.vv(), 0, f.len(), body));
      return J.loop("p", from, to, 1, row);
    }
    BlockStmt body = new BlockStmt();
    for (int q = 0; q < u; q++) {
      Lin v = Lin.var(f.vv()).plus(Lin.of(q));
      body.addStatement(J.assign(J.at(rs, p.times(f.len()).plus(v).toExpr()), f.transposed(v, p)));
    }
    BlockStmt pass = new BlockStmt();
    pass.addStatement(J.loop("p", from, to, 1, body));
    return J.loop(f.vv(), J.intLit(0), J.intLit(f.len()), u, pass);
  }

  /**
   * Vectors per row of a register block for rows of {@code len} floats: the most, up to 4, that
   * divide the row's vectors evenly.
   */
  int blockVectors(int len) {
    int vectors = len / lanes;
    for (int v = 4; v > 1; v--) {
      if (vectors % v == 0) {
        return v;
      }
    }
    return 1;
  }

  /**
   * Result rows per register block: {@value #ACCUMULATORS} accumulators over the block's vectors
   * (6 rows × 4 vectors, 8 × 3, 12 × 2), 8 rows of one vector.
   */
  int blockRows(int len) {
    int v = blockVectors(len);
    return v == 1 ? 8 : ACCUMULATORS / v;
  }

  /**
   * Cut over result rows in blocks of {@link #blockRows} when computed by rows; what this kernel
   * leaves to {@link BlockedMatmul} is split as that kernel splits it.
   */
  @Override
  public Split split(Call c) {
    boolean columns = c.n() < LoopMatmul.NARROW && c.m() > c.n();
    if (!handles(c, columns)) {
      return fallback.split(c);
    }
    if (columns) {
      return null;
    }
    RowForm f = new RowForm(c, false);
    String rs = copied(f);
    Split rows = Split.of(rs == null ? 0 : c.k(), f.len(), (from, to, into) -> into.addStatement(copy(f, rs, from, to)),
        f.outer(), blockRows(f.len()), (from, to, own, into) -> rows(new RowForm(c.withScratch(own), false), rs, null,
            from, to, null, null, into));
    int width = stripWidth(f);
    return width == 0 ? rows : new Split() {
      @Override
      public int copyRows() {
        return rows.copyRows();
      }

      @Override
      public int copyLength() {
        return rows.copyLength();
      }

      @Override
      public void copy(Expression from, Expression to, BlockStmt into) {
        rows.copy(from, to, into);
      }

      @Override
      public int rows() {
        return rows.rows();
      }

      @Override
      public int align() {
        return rows.align();
      }

      @Override
      public void rows(Expression from, Expression to, MatmulKernel.Scratch own, BlockStmt into) {
        rows.rows(from, to, own, into);
      }

      @Override
      public int stripWidth() {
        return width;
      }

      @Override
      public void rows(Expression from, Expression to, Expression colFrom, Expression colTo, MatmulKernel.Scratch own,
          BlockStmt into) {
        VectorMatmul.this.rows(new RowForm(c.withScratch(own), false), rs, null, from, to, colFrom, colTo, into);
      }
    };
  }

  /** Blocks of rows under which a split product's ranges of rows are also cut into two strips of columns. */
  static final int STRIPS_UNDER = 16;

  /**
   * Half the row when a split product has fewer than {@link #STRIPS_UNDER} blocks of rows and its
   * row holds an even number of register blocks of columns (the MNIST-sized batch of 64 is 11
   * blocks of six rows: by rows alone one thread computed 6 and the other 5), else 0.
   */
  private int stripWidth(RowForm f) {
    int group = blockWidth(f.len());
    int groups = f.len() / group;
    int blocks = (f.outer() + blockRows(f.len()) - 1) / blockRows(f.len());
    return blocks < STRIPS_UNDER && groups % 2 == 0 ? f.len() / 2 : 0;
  }

  /**
   * Result rows {@code [from, to)} ({@code from} a multiple of {@link #blockRows}): register blocks
   * of that many rows, single rows past the last full block, then each row's epilogue. A product
   * of at least {@link #DIRECT_FROM} result elements stored as it is (no epilogue, nothing fused
   * after it) is computed by rows straight into {@code out}: accumulator rows and their copy cost
   * more than the sums for the MNIST-sized weight gradient (784 × 256 floats written twice more
   * and read once more per step); a smaller one keeps the accumulator rows, so that a class with
   * only small products needs no second set of block methods. {@code out} never shares a buffer
   * with an operand (a matmul is not planned in place).
   */
  private void rows(RowForm f, String rs, String panel, Expression from, Expression to, Expression colFrom,
      Expression colTo, BlockStmt into) {
    Call c = f.c();
    int len = f.len();
    boolean direct = !f.columns() && c.epilogue().isIdentity() && c.epilogue().fusedArrays().isEmpty()
        && (long) f.outer() * len >= DIRECT_FROM;
    String target = direct ? c.out() : c.scratch().rows("acc", f.outer(), len);
    int rows = blockRows(len);
    int full = f.outer() / rows * rows;
    int kc = tuned(c) ? kBlock(c.k(), len, f.outer(), rows) : 0;
    Expression zero = J.intLit(0);
    Expression k = J.intLit(c.k());
    BlockStmt whole = into;
    if (panel != null) {
      // panel by panel: the blocks below compute the columns from j (see blocks)
      into = new BlockStmt();
    }
    if (kc > 0) {
      into.addStatement(steps(f, rs, target, direct, from, to, kc, colFrom, colTo));
    } else if (full > 0) {
      into.addStatement(J.loop(f.ov(), from.clone(), bound(to, full, true), rows,
          blocks(f, rs, panel, target, rows, direct, zero, k, colFrom, colTo)));
    }
    if (kc > 0) {
      // every row summed in steps above
    } else if (full < f.outer() && overlaps(from, to, full, f.outer())) {
      int start = f.outer() - rows;
      ForStmt tail = J.loop(f.ov(), J.intLit(start), to.clone(), rows,
          blocks(f, rs, panel, target, rows, direct, zero.clone(), k.clone(), colFrom, colTo));
      String again = start == full - 1 ? "row " + start : "rows " + start + " to " + (full - 1);
      tail.setLineComment(" the last " + (f.outer() - full) + " rows in one block from row " + start + ": "
          + again + " again, the same sums" + (to instanceof com.github.javaparser.ast.expr.IntegerLiteralExpr ? ""
          : " (only the range ending at row " + f.outer() + " reaches row " + start + ")"));
      into.addStatement(tail);
    } else if (full < f.outer()) {
      into.addStatement(J.loop(f.ov(), bound(from, full, false), to.clone(), 1,
          blocks(f, rs, panel, target, 1, direct, zero.clone(), k.clone(), colFrom, colTo)));
    }
    if (panel != null) {
      ForStmt panels = J.loop(f.vv(), J.intLit(0), J.intLit(len), blockWidth(len), into);
      panels.setLineComment(" panel by panel, so that every block after the first reads its panel from L1");
      whole.addStatement(panels);
      into = whole;
    }
    if (direct) {
      return;
    }
    BlockStmt last = new BlockStmt();
    String row = c.fresh().apply("acc");
    last.addStatement(J.declare(new ArrayType(J.type(true)), row, J.at(target, J.name(f.ov()))));
    if (colFrom == null) {
      BlockedPasses.finish(f, rs, row, c.k(), last);
    } else {
      BlockedPasses.finishColumns(f, row, colFrom, colTo, stripWidth(f), last);
    }
    into.addStatement(J.loop(f.ov(), from, to, 1, last));
  }

  /**
   * Rows {@code [from, to)} summed in steps of {@code kc} terms, each step over every block of rows
   * (the rows past the last full block in one smaller block: a step adds to the stored sums, so no
   * row may be computed twice as {@link #overlaps} does), so that a step's {@code kc} rows of op(B)
   * stay in cache while every block reuses them.
   */
  private Statement steps(RowForm f, String rs, String target, boolean direct, Expression from, Expression to,
      int kc, Expression colFrom, Expression colTo) {
    Call c = f.c();
    int rows = blockRows(f.len());
    int full = f.outer() / rows * rows;
    BlockStmt step = new BlockStmt();
    Expression end = J.call("Math", "min", J.bin(PLUS, J.name("p0"), J.intLit(kc)), J.intLit(c.k()));
    if (full > 0) {
      step.addStatement(J.loop(f.ov(), from.clone(), bound(to, full, true), rows,
          blocks(f, rs, null, target, rows, direct, J.name("p0"), end, colFrom, colTo)));
    }
    if (full < f.outer()) {
      int t = f.outer() - full;
      step.addStatement(J.loop(f.ov(), bound(from, full, false), to.clone(), t,
          blocks(f, rs, null, target, t, direct, J.name("p0"), end.clone(), colFrom, colTo)));
    }
    ForStmt steps = J.loop("p0", J.intLit(0), J.intLit(c.k()), kc, step);
    steps.setLineComment(" the sum in steps of " + kc + " terms: a step's " + kc + " rows of op(B) stay in cache"
        + " while every block of rows reuses them");
    return steps;
  }

  /**
   * Whether the rows past the last full block run as one more full block that ends at the last
   * row and so computes again the last rows of the block before it: a block of single rows loads
   * each vector of op(B) for one fma, and the four rows past 60 of a batch of 64 took about a
   * seventh of the MNIST-sized step's product time that way (and, split over two threads, the
   * chunk of those 4 rows took twice as long as one of 6 rows in blocks). Each element is the same
   * fma chain in either block, so the rows computed twice get the same bits. For the whole range
   * of rows, from row 0 to the last, with at least one full block ({@code from} and {@code to}
   * literals), and for a range of a split product ({@code from} and {@code to} not literals): the
   * split's ranges are cut so that the one ending at the last row starts at or before the block
   * ({@link MatmulKernel.Split#rows(Expression, Expression, MatmulKernel.Scratch, BlockStmt)}), so a
   * part still writes only its own rows, and a range ending before it never reaches the block.
   */
  private static boolean overlaps(Expression from, Expression to, int full, int outer) {
    if (full == 0) {
      return false;
    }
    if (from instanceof com.github.javaparser.ast.expr.IntegerLiteralExpr a
        && to instanceof com.github.javaparser.ast.expr.IntegerLiteralExpr b) {
      return a.asNumber().intValue() == 0 && b.asNumber().intValue() == outer;
    }
    return !(from instanceof com.github.javaparser.ast.expr.IntegerLiteralExpr)
        && !(to instanceof com.github.javaparser.ast.expr.IntegerLiteralExpr);
  }

  /**
   * Terms per step of a sum computed in steps (each block's accumulators stored after a step and
   * loaded again for the next, which continues the same fma chains), or 0 for one pass: when op(B)
   * ({@code k·len} floats) is larger than {@link #STEP_BYTES} and more than one block of rows reuses
   * it, a step's rows of op(B) are as many as fit in {@link #STEP_BYTES} (at least
   * {@link #MIN_STEP}). Overridable for measurements by {@code -Dcortado.vectorStep}.
   */
  static int kBlock(int k, int len, int outer, int rows) {
    int fixed = Integer.getInteger("cortado.vectorStep", -1);
    if (fixed >= 0) {
      return fixed > 0 && fixed < k && outer > rows ? fixed : 0;
    }
    if ((long) k * len * Float.BYTES <= STEP_BYTES || outer <= rows) {
      return 0;
    }
    int kc = Math.max(MIN_STEP, STEP_BYTES / (len * Float.BYTES));
    return kc < k ? kc : 0;
  }

  /** {@code min(e, v)} (or max), folded when {@code e} is a literal. */
  private static Expression bound(Expression e, int v, boolean min) {
    if (e instanceof com.github.javaparser.ast.expr.IntegerLiteralExpr lit) {
      int x = lit.asNumber().intValue();
      return J.intLit(min ? Math.min(x, v) : Math.max(x, v));
    }
    return J.call("Math", min ? "min" : "max", e.clone(), J.intLit(v));
  }

  /**
   * {@code rows} result rows from row {@code o}, every group of {@link #blockVectors} vectors: a
   * call of the class's register block for that shape and those strides. One block method serves
   * every product of the class with that shape and strides (the terms summed are arguments), and
   * each call computes one block, so it is called dozens to thousands of times per step and C2
   * compiles it as a whole method early ({@link VectorBlockMethods} writes it); the same
   * loops inline in a step's method, or in a method per product called a few times per step, ran
   * for many steps only as on-stack-replacement code, whose entry sees the vectors untyped and
   * keeps them boxed (LeNet's step took over a second).
   */
  private BlockStmt blocks(RowForm f, String rs, String panel, String target, int rows, boolean direct,
      Expression p0, Expression p1, Expression colFrom, Expression colTo) {
    Call c = f.c();
    int len = f.len();
    int vecs = blockVectors(len);
    String lhs;
    long ls;
    long lp;
    if (f.columns()) {
      lhs = c.b();
      ls = c.transB() ? c.k() : 1;
      lp = c.transB() ? 1 : c.n();
    } else {
      lhs = c.a();
      ls = c.transA() ? 1 : c.k();
      lp = c.transA() ? c.m() : 1;
    }
    String rhs = panel != null ? panel : rs != null ? rs : f.columns() ? c.a() : c.b();
    boolean tuned = tuned(c);
    long[] strides = panel != null ? new long[] {ls, lp, len, (long) vecs * lanes, c.k()}
        : tuned ? new long[] {ls, lp, len} : null;
    String name = methods.method(c.scratch(), rows, vecs, direct, strides);
    BlockStmt perV = new BlockStmt();
    perV.addStatement(J.call(tuned
        ? J.call(null, name, J.name(lhs), J.name(rhs), p0, p1, J.name(target), J.name(f.ov()), J.name(f.vv()))
        : J.call(null, name, J.name(lhs), J.intLit(ls), J.intLit(lp), J.name(rhs), J.intLit(len), p1,
            J.name(target), J.name(f.ov()), J.name(f.vv()))));
    if (panel != null) {
      // the panel's columns from j, in the loop over panels around this one
      return perV;
    }
    BlockStmt perO = new BlockStmt();
    perO.addStatement(J.loop(f.vv(), colFrom == null ? J.intLit(0) : colFrom.clone(),
        colTo == null ? J.intLit(len) : colTo.clone(), vecs * lanes, perV));
    return perO;
  }

  /**
   * Whether a product of at least {@link #TUNED_FROM} multiply-adds, whose block methods take their
   * strides as literals and may sum in steps; smaller products share the generic block methods
   * (strides as arguments, one pass), so that a small model's class keeps one method per shape.
   * Every product is when {@code -Dcortado.vectorStep} forces steps (so that tests of small
   * products check this form).
   */
  private static boolean tuned(Call c) {
    return (long) c.m() * c.n() * c.k() >= TUNED_FROM || Integer.getInteger("cortado.vectorStep", 0) > 0;
  }
}
