package dev.cortado.codegen.emit;

import static com.github.javaparser.ast.expr.BinaryExpr.Operator.PLUS;

import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.type.ClassOrInterfaceType;

/**
 * F32 matmuls on the incubating Vector API ({@code jdk.incubator.vector}), for a JVM started with
 * {@code --add-modules jdk.incubator.vector}: register blocks of 4 result rows × 2 vectors held in
 * registers over the whole sum, so each pair of vector loads of op(B) feeds 8 fmas (what C2's
 * auto-vectorised loops cannot do: they load and store the accumulator for every 4 terms). The
 * bench measured 84–89 GFLOP/s for this block on a 64×784×256 product against 33–38 for
 * {@link BlockedMatmul}'s loops.
 *
 * <p>Each element is {@code fma(a_p, b_p, …)} from zero, p ascending, exactly as {@link
 * BlockedMatmul} computes it, so both kernels give the same floats. op(B) stored as it is used
 * is read in place (vector loads take an offset without the aliasing doubts that keep C2 from
 * vectorising {@code b[o + j]}); otherwise it is copied into rows first, as in {@link
 * BlockedMatmul}. Finished rows go through the same epilogue code. F64 products, vector lengths
 * not a multiple of the species length and products of at most {@link LoopMatmul#UNROLL}
 * multiply-adds are left to {@link BlockedMatmul}.
 *
 * <p>The generated class names the species by its size ({@code FloatVector.SPECIES_512}), taken
 * from the generating JVM's preferred species: generate where the code will run.
 */
public final class VectorMatmul implements MatmulKernel {
  private static final String PKG = "jdk.incubator.vector.";
  private static final String FV = "FloatVector";
  /** Result rows per register block. */
  static final int ROWS = 4;

  private final BlockedMatmul fallback = new BlockedMatmul();
  private final int lanes;

  /** A kernel for this JVM's preferred species (for {@code -Dcortado.matmul=<this class>}). */
  public VectorMatmul() {
    this(preferred().lanes);
  }

  /** A kernel for vectors of {@code lanes} floats (4, 8 or 16). */
  public VectorMatmul(int lanes) {
    if (lanes != 4 && lanes != 8 && lanes != 16) {
      throw new IllegalArgumentException("lanes must be 4, 8 or 16 floats, got " + lanes);
    }
    this.lanes = lanes;
  }

  /** Whether this JVM was started with {@code --add-modules jdk.incubator.vector}. */
  public static boolean available() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  /** A kernel for this JVM's preferred species; call only when {@link #available()}. */
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
    return getClass().getName() + "/" + lanes + "+" + fallback.key();
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
      into.addStatement(f.copyRight(rs));
    }
    rows(f, rs, J.intLit(0), J.intLit(f.outer()), into);
  }

  private boolean handles(Call c, boolean columns) {
    int len = columns ? c.m() : c.n();
    return c.f32() && len % lanes == 0 && (long) c.m() * c.n() * c.k() > LoopMatmul.UNROLL;
  }

  /** The working rows op(B) is copied into, or null when it is read in place. */
  private static String copied(RowForm f) {
    Call c = f.c();
    boolean direct = f.columns() ? c.transA() : !c.transB();
    return direct ? null : c.scratch().rows("rows", c.k(), f.len());
  }

  /**
   * Cut over result rows in blocks of {@value #ROWS} when computed by rows; what this kernel
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
    return Split.of(rs == null ? 0 : c.k(), f.len(), (from, to, into) -> into.addStatement(f.copyRight(rs, from, to)),
        f.outer(), ROWS, (from, to, own, into) -> rows(new RowForm(c.withScratch(own), false), rs, from, to, into));
  }

  /**
   * Result rows {@code [from, to)} ({@code from} a multiple of {@value #ROWS}): register blocks of
   * {@value #ROWS} rows, single rows past the last full block, then each row's remaining products
   * and epilogue.
   */
  private void rows(RowForm f, String rs, Expression from, Expression to, BlockStmt into) {
    Call c = f.c();
    int len = f.len();
    String accs = c.scratch().rows("acc", f.outer(), len);
    c.scratch().importType(PKG + "FloatVector");
    c.scratch().importType(PKG + "VectorSpecies");
    into.addStatement(J.declare(new ClassOrInterfaceType(null, "VectorSpecies<Float>"), "species",
        J.field(FV, "SPECIES_" + lanes * 32)));
    int full = f.outer() / ROWS * ROWS;
    if (full > 0) {
      into.addStatement(J.loop(f.ov(), from.clone(), bound(to, full, true), ROWS, block(f, rs, accs, ROWS, len)));
    }
    if (full < f.outer()) {
      into.addStatement(J.loop(f.ov(), bound(from, full, false), to.clone(), 1, block(f, rs, accs, 1, len)));
    }
    BlockStmt last = new BlockStmt();
    String row = c.fresh().apply("acc");
    last.addStatement(J.declare(new com.github.javaparser.ast.type.ArrayType(J.type(true)), row,
        J.at(accs, J.name(f.ov()))));
    BlockedMatmul.finish(f, rs, row, c.k(), last);
    into.addStatement(J.loop(f.ov(), from, to, 1, last));
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
   * {@code rows} result rows from {@code o}: for each pair of vectors (one at the end of an odd
   * count), accumulators over the whole sum, then stored into the accumulator rows.
   */
  private BlockStmt block(RowForm f, String rs, String accs, int rows, int len) {
    Call c = f.c();
    int vecs = len % (2 * lanes) == 0 ? 2 : 1;
    String v = f.vv();
    BlockStmt perV = new BlockStmt();
    String[][] acc = new String[rows][vecs];
    for (int r = 0; r < rows; r++) {
      for (int q = 0; q < vecs; q++) {
        acc[r][q] = "c" + r + q;
        perV.addStatement(J.declare(vector(), acc[r][q], J.call(FV, "zero", J.name("species"))));
      }
    }
    BlockStmt perP = new BlockStmt();
    Lin p = Lin.var("p");
    for (int q = 0; q < vecs; q++) {
      Expression array;
      Lin offset = Lin.var(v).plus(Lin.of((long) q * lanes));
      if (rs != null) {
        array = J.at(rs, J.name("p"));
      } else {
        array = J.name(f.columns() ? c.a() : c.b());
        offset = offset.plus(p.times(len));
      }
      perP.addStatement(J.declare(vector(), "b" + q, J.call(FV, "fromArray", J.name("species"), array,
          offset.toExpr())));
    }
    for (int r = 0; r < rows; r++) {
      String a = "a" + r;
      Expression scalar = f.left(Lin.var(f.ov()).plus(Lin.of(r)), p);
      perP.addStatement(J.declare(vector(), a, J.call(FV, "broadcast", J.name("species"), scalar)));
      for (int q = 0; q < vecs; q++) {
        perP.addStatement(J.assign(J.name(acc[r][q]),
            new MethodCallExpr(J.name("b" + q), "fma", new NodeList<>(J.name(a), J.name(acc[r][q])))));
      }
    }
    perV.addStatement(J.loop("p", 0, c.k(), perP));
    for (int r = 0; r < rows; r++) {
      for (int q = 0; q < vecs; q++) {
        Expression target = J.at(accs, Lin.var(f.ov()).plus(Lin.of(r)).toExpr());
        Expression at = q == 0 ? J.name(v) : J.bin(PLUS, J.name(v), J.intLit((long) q * lanes));
        perV.addStatement(J.call(new MethodCallExpr(J.name(acc[r][q]), "intoArray", new NodeList<>(target, at))));
      }
    }
    BlockStmt perO = new BlockStmt();
    perO.addStatement(J.loop(v, J.intLit(0), J.intLit(len), vecs * lanes, perV));
    return perO;
  }

  private static ClassOrInterfaceType vector() {
    return new ClassOrInterfaceType(null, FV);
  }

}
