package dev.cortado.codegen.emit;

import static com.github.javaparser.ast.expr.BinaryExpr.Operator.MULTIPLY;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.PLUS;

import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.ForStmt;
import com.github.javaparser.ast.type.ArrayType;
import com.github.javaparser.ast.type.PrimitiveType;

/**
 * The default matmul kernel, written in the loop shape that C2 (JDK 17) vectorises: each result
 * row accumulates {@code acc[j] = fma(a3, w3[j], fma(a2, w2[j], fma(a1, w1[j], fma(a0, w0[j],
 * acc[j]))))}, four rows {@code w0..w3} of op(B) scaled by four elements of op(A) per pass (the
 * summed dimension unrolled by {@value #GROUP}), every array of the inner loop a row of its own
 * indexed by the bare loop variable. op(B) is first copied into such rows (transposed if stored
 * transposed); a result narrower than {@link LoopMatmul#NARROW} and taller than wide is computed
 * as its transpose, a column at a time, so the vector loop runs over the long dimension.
 *
 * <p>When op(B) is larger than L1 ({@value #BLOCK_BYTES} bytes) the sum is blocked: a block of
 * rows of op(B) that fits is applied to every result row before the next block, into an
 * accumulator row per result row (when those fit in {@value #ACC_LIMIT_BYTES} bytes).
 *
 * <p>Each element still sums p ascending from zero. F64 adds each product as the interpreter does
 * ({@code acc + a0*w0[j] + a1*w1[j] + …}, left to right), so F64 results equal it bit for bit;
 * F32 uses {@code Math.fma} in float, which rounds once per product instead of the interpreter's
 * double sum rounded at the end. Products of at most {@link LoopMatmul#UNROLL} multiply-adds are
 * left to {@link LoopMatmul}'s unrolled form.
 *
 * <p>With {@code rowsPerPass} R of 2 or 4 each pass computes R result rows from the same rows of
 * op(B) ({@code termsPerPass} of them), read once into locals ({@code b0…}) and used by every
 * row's chain: 1/R of the loads of op(B) per multiply-add. C2 vectorises such a loop only when it
 * unrolls it, which it does only for a small body: JDK 17's leaves four rows of four terms scalar
 * and vectorises four rows of two; Temurin 25's vectorises four rows of four, faster there than
 * four of two ({@link #termsPerPassForThisJvm}). So the kernel takes 4 rows on every JVM, of four
 * terms on Java 25 and later and of two before, unless {@code -Dcortado.rowsPerPass} and {@code
 * -Dcortado.termsPerPass} say otherwise. A count of result rows that R does not
 * divide takes the largest of 4, 2, 1 that does. The choice made for this JVM leaves products under
 * {@link #SEVERAL_ROWS_FROM} multiply-adds at one row (their time is small, and the longer source
 * costs javac time on a cold start); a count asked for (the property or the constructor) applies to
 * every product. Each element is the same chain in the same order either way: results are
 * bit-identical.
 */
public final class BlockedMatmul implements MatmulKernel {
  /** Rows of op(B) applied per pass of the vector loop (4 was fastest for one result row; 8 fell to a third). */
  static final int GROUP = 4;
  /** Bytes of op(B) per block of the sum: L1. */
  static final int BLOCK_BYTES = 32 * 1024;
  /** Blocking needs an accumulator row per result row; it is skipped when those exceed this. */
  static final int ACC_LIMIT_BYTES = 256 * 1024;

  /** The system property that overrides the result rows per pass the kernel picks for this JVM. */
  public static final String ROWS_PER_PASS_PROPERTY = "cortado.rowsPerPass";

  /** The system property that overrides the terms per pass of several rows the kernel picks for this JVM. */
  public static final String TERMS_PER_PASS_PROPERTY = "cortado.termsPerPass";

  /**
   * Multiply-adds from which the choice made for this JVM takes several rows per pass: the
   * MNIST-sized model's 128×10 layer (82K) stays at one row, its 784×256 and 256×128 ones (2–13M)
   * and the small model's 64×128 one (262K at batch 32) do not.
   */
  public static final long SEVERAL_ROWS_FROM = 1 << 17;

  private final LoopMatmul reference = new LoopMatmul();
  private final int rowsPerPass;
  private final int termsPerPass;
  private final long severalRowsFrom;

  /**
   * The kernel with the result rows per pass that suit this JVM ({@link #rowsPerPassForThisJvm()}),
   * for products of at least {@link #SEVERAL_ROWS_FROM} multiply-adds; with {@code
   * -Dcortado.rowsPerPass} set, that count for every product.
   */
  public BlockedMatmul() {
    this(System.getProperty(ROWS_PER_PASS_PROPERTY));
  }

  /** The kernel for a {@code -Dcortado.rowsPerPass} value ({@code asked}), null or blank when unset. */
  private BlockedMatmul(String asked) {
    this(rowsPerPass(asked), asked == null || asked.isBlank() ? SEVERAL_ROWS_FROM : 0);
  }

  /**
   * The kernel computing up to {@code rowsPerPass} result rows per pass in every product, with the
   * terms per pass that suit this JVM ({@link #termsPerPassForThisJvm()}).
   *
   * @param rowsPerPass 1, 2 or 4
   * @throws IllegalArgumentException naming the value otherwise
   */
  public BlockedMatmul(int rowsPerPass) {
    this(rowsPerPass, 0);
  }

  /**
   * As {@link #BlockedMatmul(int, int, long)} with the terms per pass that suit this JVM
   * ({@link #termsPerPassForThisJvm()}).
   *
   * @param rowsPerPass 1, 2 or 4
   * @param severalRowsFrom the least multiply-adds of a product computed several rows a pass
   * @throws IllegalArgumentException naming the value unless rowsPerPass is 1, 2 or 4 and
   *     severalRowsFrom is not negative
   */
  public BlockedMatmul(int rowsPerPass, long severalRowsFrom) {
    this(rowsPerPass, termsPerPassForThisJvm(), severalRowsFrom);
  }

  /**
   * The kernel computing up to {@code rowsPerPass} result rows per pass over op(B)'s rows (1, or
   * 2 or 4 for a JIT that vectorises a loop storing to several arrays) in products of at least
   * {@code severalRowsFrom} multiply-adds, one row in smaller ones; a pass of several rows sums
   * {@code termsPerPass} terms (2 or 4; a pass of one row sums {@value #GROUP}).
   *
   * @param rowsPerPass 1, 2 or 4
   * @param termsPerPass 2 or 4
   * @param severalRowsFrom the least multiply-adds of a product computed several rows a pass
   * @throws IllegalArgumentException naming the value unless rowsPerPass is 1, 2 or 4,
   *     termsPerPass 2 or 4 and severalRowsFrom not negative
   */
  public BlockedMatmul(int rowsPerPass, int termsPerPass, long severalRowsFrom) {
    if (rowsPerPass != 1 && rowsPerPass != 2 && rowsPerPass != 4) {
      throw new IllegalArgumentException("rowsPerPass must be 1, 2 or 4, got " + rowsPerPass);
    }
    if (termsPerPass != 2 && termsPerPass != 4) {
      throw new IllegalArgumentException("termsPerPass must be 2 or 4, got " + termsPerPass);
    }
    if (severalRowsFrom < 0) {
      throw new IllegalArgumentException("severalRowsFrom must not be negative, got " + severalRowsFrom);
    }
    this.rowsPerPass = rowsPerPass;
    this.termsPerPass = termsPerPass;
    this.severalRowsFrom = severalRowsFrom;
  }

  /**
   * {@code -Dcortado.rowsPerPass} (1, 2 or 4) if set, else 4: on Java 25 and later with four
   * terms per pass, before with two ({@link #termsPerPassForThisJvm()}).
   *
   * @return 1, 2 or 4
   * @throws IllegalArgumentException naming the property and its value when it is not 1, 2 or 4
   */
  public static int rowsPerPassForThisJvm() {
    return rowsPerPass(System.getProperty(ROWS_PER_PASS_PROPERTY));
  }

  private static int rowsPerPass(String v) {
    if (v == null || v.isBlank()) {
      return 4;
    }
    return switch (v.trim()) {
      case "1" -> 1;
      case "2" -> 2;
      case "4" -> 4;
      default -> throw new IllegalArgumentException("-D" + ROWS_PER_PASS_PROPERTY + "=" + v + ": expected 1, 2 or 4");
    };
  }

  /**
   * {@code -Dcortado.termsPerPass} (2 or 4) if set, else 4 on Java 25 and later and 2 before: C2
   * vectorises a loop only when it unrolls it, and it unrolls only a small body. JDK 17's leaves
   * four rows of four terms scalar (the MNIST-sized forward product at 16.5 GFLOP/s here, {@code
   * bench}'s {@code MatmulKernelBench}, against 70 for one row of four terms) and vectorises four
   * rows of two (93); Temurin 25.0.3's vectorises four rows of four (112), faster there than four
   * of two. Set it to 2 when generating source on Java 25 or later for an application run on an
   * older JDK.
   *
   * @return 2 or 4
   * @throws IllegalArgumentException naming the property and its value when it is not 2 or 4
   */
  public static int termsPerPassForThisJvm() {
    String v = System.getProperty(TERMS_PER_PASS_PROPERTY);
    if (v == null || v.isBlank()) {
      return Runtime.version().feature() >= 25 ? 4 : 2;
    }
    return switch (v.trim()) {
      case "2" -> 2;
      case "4" -> 4;
      default -> throw new IllegalArgumentException("-D" + TERMS_PER_PASS_PROPERTY + "=" + v + ": expected 2 or 4");
    };
  }

  /**
   * Result rows computed per pass over op(B)'s rows, at most.
   *
   * @return 1, 2 or 4
   */
  public int rowsPerPass() {
    return rowsPerPass;
  }

  /**
   * One row per pass when this kernel computes several (the same sums in the same order, in a
   * shorter source that javac compiles sooner); null when it computes one.
   *
   * @return the one-row kernel, or null
   */
  @Override
  public MatmulKernel quickStart() {
    return rowsPerPass == 1 ? null : new BlockedMatmul(1);
  }

  @Override
  public String key() {
    return MatmulKernel.super.key() + "/" + rowsPerPass
        + (rowsPerPass == 1 ? "" : "x" + termsPerPass + "/" + severalRowsFrom);
  }

  @Override
  public void emit(Call c, BlockStmt into) {
    if ((long) c.m() * c.n() * c.k() <= LoopMatmul.UNROLL) {
      reference.emit(c, into);
      return;
    }
    RowForm f = new RowForm(c, c.n() < LoopMatmul.NARROW && c.m() > c.n());
    String rs = c.scratch().rows("rows", c.k(), f.len());
    into.addStatement(f.copyRight(rs));
    int r = perPass(f);
    rows(f, rs, J.intLit(0), J.intLit(f.outer()), r, terms(r), into);
  }

  /**
   * Cut over result rows when the product is computed by rows (a narrow result, computed by
   * columns, and an unrolled one stay whole): op(B) is copied into the shared rows, then each
   * thread computes its result rows exactly as {@link #emit} does.
   */
  @Override
  public Split split(Call c) {
    if ((long) c.m() * c.n() * c.k() <= LoopMatmul.UNROLL || (c.n() < LoopMatmul.NARROW && c.m() > c.n())) {
      return null;
    }
    RowForm f = new RowForm(c, false);
    String rs = c.scratch().rows("rows", c.k(), f.len());
    int r = perPass(f);
    return Split.of(c.k(), f.len(), (from, to, into) -> into.addStatement(f.copyRight(rs, from, to)), f.outer(),
        r, (from, to, own, into) -> rows(new RowForm(c.withScratch(own), false), rs, from, to, r, terms(r), into));
  }

  /**
   * Result rows per pass for this form: 1 for a product under {@code severalRowsFrom}
   * multiply-adds, else the largest of {@link #rowsPerPass}, 2, 1 that divides their count (so
   * every thread's range, aligned to it, holds whole passes).
   */
  private int perPass(RowForm f) {
    if ((long) f.c().m() * f.c().n() * f.c().k() < severalRowsFrom) {
      return 1;
    }
    int r = rowsPerPass;
    while (f.outer() % r != 0) {
      r /= 2;
    }
    return r;
  }

  /** Terms of the sum per pass of {@code r} result rows: {@value #GROUP} for one, else {@link #termsPerPass}. */
  private int terms(int r) {
    return r == 1 ? GROUP : termsPerPass;
  }

  /**
   * Result rows {@code [from, to)} of the form, {@code r} per pass of {@code g} terms, op(B)
   * already copied into {@code rs}.
   */
  private static void rows(RowForm f, String rs, Expression from, Expression to, int r, int g, BlockStmt into) {
    Call c = f.c();
    int bytes = c.f32() ? 4 : 8;
    int block = Math.max(GROUP, BLOCK_BYTES / bytes / f.len() / GROUP * GROUP);
    int k4 = c.k() / g * g;
    boolean blocked = k4 > block && (long) f.outer() * f.len() * bytes <= ACC_LIMIT_BYTES;
    if (blocked) {
      blockedForm(f, rs, block, k4, from, to, r, g, into);
      return;
    }
    // r accumulator rows: the shared working row, or r rows of their own
    String accs = r == 1 ? c.scratch().row(f.len()) : c.scratch().rows("pass", r, f.len());
    BlockStmt perPass = new BlockStmt();
    String[] row = new String[r];
    for (int q = 0; q < r; q++) {
      row[q] = c.fresh().apply("acc");
      perPass.addStatement(J.declare(rowType(c), row[q], r == 1 ? J.name(accs) : J.at(accs, J.intLit(q))));
      perPass.addStatement(zero(c, row[q], f));
    }
    sum(f, rs, row, J.intLit(0), J.intLit(k4), g, perPass);
    for (int q = 0; q < r; q++) {
      finish(f, rs, row[q], k4, Lin.var(f.ov()).plus(Lin.of(q)), perPass);
    }
    into.addStatement(J.loop(f.ov(), from, to, r, perPass));
  }

  /**
   * Zeroes one accumulator row per result row, applies op(B) a block of rows at a time to every
   * result row, then finishes each row: the last {@code k % 4} products and the epilogue.
   */
  private static void blockedForm(RowForm f, String rs, int block, int k4, Expression from, Expression to,
      int r, int g, BlockStmt into) {
    Call c = f.c();
    String accs = c.scratch().rows("acc", f.outer(), f.len());
    String row = c.fresh().apply("acc");
    BlockStmt zeroRow = new BlockStmt();
    zeroRow.addStatement(J.declare(rowType(c), row, J.at(accs, J.name(f.ov()))));
    zeroRow.addStatement(zero(c, row, f));
    into.addStatement(J.loop(f.ov(), from.clone(), to.clone(), 1, zeroRow));

    BlockStmt perBlock = new BlockStmt();
    Expression end = J.call("Math", "min", J.bin(PLUS, J.name("p0"), J.intLit(block)), J.intLit(k4));
    perBlock.addStatement(J.declare(PrimitiveType.intType(), "p1", k4 % block == 0
        ? J.bin(PLUS, J.name("p0"), J.intLit(block)) : end));
    BlockStmt perRow = new BlockStmt();
    perRow.addStatement(J.declare(rowType(c), row, J.at(accs, J.name(f.ov()))));
    String[] rows = new String[r];
    rows[0] = row;
    for (int q = 1; q < r; q++) {
      rows[q] = c.fresh().apply("acc");
      perRow.addStatement(J.declare(rowType(c), rows[q], J.at(accs, Lin.var(f.ov()).plus(Lin.of(q)).toExpr())));
    }
    sum(f, rs, rows, J.name("p0"), J.name("p1"), g, perRow);
    perBlock.addStatement(J.loop(f.ov(), from.clone(), to.clone(), r, perRow));
    into.addStatement(J.loop("p0", J.intLit(0), J.intLit(k4), block, perBlock));

    BlockStmt last = new BlockStmt();
    last.addStatement(J.declare(rowType(c), row, J.at(accs, J.name(f.ov()))));
    finish(f, rs, row, k4, last);
    into.addStatement(J.loop(f.ov(), from, to, 1, last));
  }

  /**
   * {@code for (int p = from; p < to; p += terms)}: {@code terms} elements of op(A) per result row
   * o, o + 1, … ({@code row.length} of them), as many rows of op(B), one vector loop. One row reads op(B) in its
   * chain; several read it once per element into locals {@code b…}, then each result row takes its
   * chain ({@code row[0]} first).
   */
  private static void sum(RowForm f, String rs, String[] row, Expression from, Expression to, int terms,
      BlockStmt into) {
    Call c = f.c();
    if (to instanceof com.github.javaparser.ast.expr.IntegerLiteralExpr lit && lit.asNumber().intValue() == 0) {
      return;
    }
    BlockStmt group = new BlockStmt();
    Lin o = Lin.var(f.ov());
    Lin p = Lin.var("p");
    String[][] as = new String[row.length][];
    for (int q = 0; q < row.length; q++) {
      as[q] = lefts(f, o.plus(Lin.of(q)), p, terms, group);
    }
    String[] ws = rights(f, rs, p, terms, group);
    if (row.length == 1) {
      group.addStatement(J.loop(f.vv(), 0, f.len(), assign(row[0], f.vv(), axpy(c, row[0], as[0], rowsAt(ws, f.vv()), f.vv()))));
      into.addStatement(J.loop("p", from, to, terms, group));
      return;
    }
    BlockStmt body = new BlockStmt();
    Expression[] bs = new Expression[terms];
    for (int g = 0; g < terms; g++) {
      String b = c.fresh().apply("b");
      body.addStatement(J.declare(J.type(c.f32()), b, J.at(ws[g], J.name(f.vv()))));
      bs[g] = J.name(b);
    }
    for (int q = 0; q < row.length; q++) {
      body.addStatement(J.assign(J.at(row[q], J.name(f.vv())), axpy(c, row[q], as[q], bs, f.vv())));
    }
    group.addStatement(J.loop(f.vv(), 0, f.len(), body));
    into.addStatement(J.loop("p", from, to, terms, group));
  }

  /**
   * Declares {@code count} elements of op(A) in result row o ({@code a…}) and the {@code count}
   * copied rows of op(B) ({@code w…}) from sum index {@code p} on; returns their names.
   */
  private static String[][] operands(RowForm f, String rs, Lin o, Lin p, int count, BlockStmt into) {
    return new String[][] {lefts(f, o, p, count, into), rights(f, rs, p, count, into)};
  }

  /** Declares {@code count} elements of op(A) in result row o from sum index {@code p} on ({@code a…}). */
  private static String[] lefts(RowForm f, Lin o, Lin p, int count, BlockStmt into) {
    Call c = f.c();
    String[] as = new String[count];
    for (int g = 0; g < count; g++) {
      as[g] = c.fresh().apply("a");
      into.addStatement(J.declare(J.type(c.f32()), as[g], f.left(o, p.plus(Lin.of(g)))));
    }
    return as;
  }

  /** Declares the {@code count} copied rows of op(B) from sum index {@code p} on ({@code w…}). */
  private static String[] rights(RowForm f, String rs, Lin p, int count, BlockStmt into) {
    Call c = f.c();
    String[] ws = new String[count];
    for (int g = 0; g < count; g++) {
      ws[g] = c.fresh().apply("w");
      into.addStatement(J.declare(rowType(c), ws[g], J.at(rs, p.plus(Lin.of(g)).toExpr())));
    }
    return ws;
  }

  /** {@code w[v]} for each row name: the elements a vector loop multiplies. */
  private static Expression[] rowsAt(String[] ws, String v) {
    Expression[] at = new Expression[ws.length];
    for (int g = 0; g < ws.length; g++) {
      at[g] = J.at(ws[g], J.name(v));
    }
    return at;
  }

  /** The products past the last full group, then the epilogue writing the finished row. */
  static void finish(RowForm f, String rs, String row, int k4, BlockStmt into) {
    finish(f, rs, row, k4, Lin.var(f.ov()), into);
  }

  /** As {@link #finish(RowForm, String, String, int, BlockStmt)} for result row {@code o}. */
  private static void finish(RowForm f, String rs, String row, int k4, Lin o, BlockStmt into) {
    Call c = f.c();
    Lin v = Lin.var(f.vv());
    Lin i = f.columns() ? v : o;
    Lin j = f.columns() ? o : v;
    boolean epilogueDone = false;
    if (!f.columns()) {
      c.epilogue().beforeRow(i, c.scratch(), into);
    }
    if (k4 < c.k()) {
      // the last k % 4 rows in one pass (one pass over the row, not one each), the same fma chain
      String[][] aw = operands(f, rs, o, Lin.of(k4), c.k() - k4, into);
      Expression sum = axpy(c, row, aw[0], rowsAt(aw[1], f.vv()), f.vv());
      BlockStmt pass = new BlockStmt();
      if (!f.columns() && !c.epilogue().isIdentity()) {
        // and the epilogue on the finished value in the same pass
        sum = c.epilogue().apply(sum, i, j, pass);
        epilogueDone = true;
      }
      pass.addStatement(J.assign(J.at(row, J.name(f.vv())), sum));
      into.addStatement(J.loop(f.vv(), 0, f.len(), pass));
    }
    if (!f.columns()) {
      finishRow(c, row, i, epilogueDone, into);
      return;
    }
    BlockStmt epi = new BlockStmt();
    epi.addStatement(J.assign(LoopMatmul.out(c, i, j), c.epilogue().apply(J.at(row, J.name(f.vv())), i, j, epi)));
    c.epilogue().after(i, j, epi);
    into.addStatement(J.loop(f.vv(), 0, f.len(), epi));
  }

  /**
   * Result row i, finished in working rows and copied out: the epilogue applied in place in the
   * accumulator row, {@code System.arraycopy} into {@code out} at {@code i*n}, then each value
   * fused after the matmul computed from that row into a row of its own and copied out the same
   * way. A loop storing at {@code out[i*n + j]} was 2.6 times slower here (C2 does not vectorise
   * it). The epilogue reads its other operands at (i, j) or broadcast, so filling row i after
   * reading it is safe even when {@code out} shares an operand's buffer.
   */
  private static void finishRow(Call c, String row, Lin i, boolean epilogueDone, BlockStmt into) {
    Lin j = Lin.var("j");
    Expression at = J.at(row, J.name("j"));
    if (!c.epilogue().isIdentity() && !epilogueDone) {
      BlockStmt epi = new BlockStmt();
      epi.addStatement(J.assign(at.clone(), c.epilogue().apply(at.clone(), i, j, epi)));
      into.addStatement(J.loop("j", 0, c.n(), epi));
    }
    Expression offset = i.times(c.n()).toExpr();
    into.addStatement(J.call(J.call("System", "arraycopy", J.name(row), J.intLit(0), J.name(c.out()), offset,
        J.intLit(c.n()))));
    java.util.List<String> fused = c.epilogue().fusedArrays();
    if (fused.isEmpty()) {
      return;
    }
    String rows = c.scratch().rows("fused", fused.size(), c.n());
    for (int k = 0; k < fused.size(); k++) {
      String fr = c.fresh().apply("fused");
      into.addStatement(J.declare(rowType(c), fr, J.at(rows, J.intLit(k))));
      BlockStmt body = new BlockStmt();
      body.addStatement(J.assign(J.at(fr, J.name("j")), c.epilogue().fused(k, at.clone(), i, j, body)));
      into.addStatement(J.loop("j", 0, c.n(), body));
      into.addStatement(J.call(J.call("System", "arraycopy", J.name(fr), J.intLit(0), J.name(fused.get(k)),
          offset.clone(), J.intLit(c.n()))));
    }
  }

  /**
   * {@code fma(a_g, w_g, … row[v])} (F32) or {@code row[v] + a0*w0 + …} (F64), p ascending, for
   * the op(B) elements {@code ws} at v (cloned: each chain gets its own nodes).
   */
  private static Expression axpy(Call c, String row, String[] as, Expression[] ws, String v) {
    Expression acc = J.at(row, J.name(v));
    for (int g = 0; g < as.length; g++) {
      Expression w = ws[g].clone();
      acc = c.f32() ? J.call("Math", "fma", J.name(as[g]), w, acc)
          : J.bin(PLUS, acc, J.bin(MULTIPLY, J.name(as[g]), w));
    }
    return acc;
  }

  /** {@code { row[v] = value; }}: the body of a vector loop. */
  private static BlockStmt assign(String row, String v, Expression value) {
    BlockStmt b = new BlockStmt();
    b.addStatement(J.assign(J.at(row, J.name(v)), value));
    return b;
  }

  private static ForStmt zero(Call c, String row, RowForm f) {
    BlockStmt z = new BlockStmt();
    z.addStatement(J.assign(J.at(row, J.name(f.vv())), J.lit(0, c.f32())));
    return J.loop(f.vv(), 0, f.len(), z);
  }

  private static ArrayType rowType(Call c) {
    return new ArrayType(J.type(c.f32()));
  }
}
