package dev.cortado.codegen.emit;

import static com.github.javaparser.ast.expr.BinaryExpr.Operator.DIVIDE;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.MULTIPLY;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.PLUS;

import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.ForStmt;
import com.github.javaparser.ast.type.ArrayType;
import com.github.javaparser.ast.type.PrimitiveType;
import dev.cortado.codegen.emit.MatmulKernel.Call;

/**
 * The loops of {@link BlockedMatmul}: result rows computed a pass of several rows and terms at a
 * time, the sum blocked for L1 when op(B) is larger, and each finished row's last terms and
 * epilogue (which {@link VectorMatmul} shares).
 */
final class BlockedPasses {
  private BlockedPasses() {}

  /**
   * Result rows {@code [from, to)} of the form, {@code r} per pass of {@code g} terms, op(B)
   * already copied into {@code rs}. The r accumulator rows of a pass are one array, row q at the
   * literal offset {@code q·len}: a loop over one array is fewer C2 nodes than over r, and JDK 17
   * ran four rows of two terms 4–10% faster so, Java 25 four rows of four 0–8% (bench/README.md).
   */
  static void rows(RowForm f, String rs, Expression from, Expression to, int r, int g, BlockStmt into) {
    Call c = f.c();
    int bytes = c.f32() ? 4 : 8;
    int group = BlockedMatmul.GROUP;
    int block = Math.max(group, BlockedMatmul.BLOCK_BYTES / bytes / f.len() / group * group);
    int k4 = c.k() / g * g;
    boolean blocked = k4 > block && (long) f.outer() * f.len() * bytes <= BlockedMatmul.ACC_LIMIT_BYTES;
    if (blocked) {
      blockedForm(f, rs, block, k4, from, to, r, g, into);
      return;
    }
    // the pass's r accumulator rows: the shared working row, or one array of r rows
    BlockStmt perPass = new BlockStmt();
    String acc = c.fresh().apply("acc");
    perPass.addStatement(J.declare(rowType(c), acc, J.name(r == 1 ? c.scratch().row(f.len()) : c.scratch().flat("pass", r * f.len()))));
    perPass.addStatement(zero(c, acc, f, r));
    sum(f, rs, acc, r, J.intLit(0), J.intLit(k4), g, perPass);
    for (int q = 0; q < r; q++) {
      finish(f, rs, acc, q * f.len(), k4, Lin.var(f.ov()).plus(Lin.of(q)), perPass);
    }
    into.addStatement(J.loop(f.ov(), from, to, r, perPass));
  }

  /**
   * Zeroes the accumulator rows (one array per pass of r result rows), applies op(B) a block of
   * rows at a time to every pass, then finishes each row: the last {@code k % 4} products and the
   * epilogue.
   */
  private static void blockedForm(RowForm f, String rs, int block, int k4, Expression from, Expression to,
      int r, int g, BlockStmt into) {
    Call c = f.c();
    String accs = c.scratch().rows("acc", f.outer() / r, r * f.len());
    Expression pass = r == 1 ? J.name(f.ov()) : J.bin(DIVIDE, J.name(f.ov()), J.intLit(r));
    String row = c.fresh().apply("acc");
    BlockStmt zeroRow = new BlockStmt();
    zeroRow.addStatement(J.declare(rowType(c), row, J.at(accs, pass.clone())));
    zeroRow.addStatement(zero(c, row, f, r));
    into.addStatement(J.loop(f.ov(), from.clone(), to.clone(), r, zeroRow));

    BlockStmt perBlock = new BlockStmt();
    Expression end = J.call("Math", "min", J.bin(PLUS, J.name("p0"), J.intLit(block)), J.intLit(k4));
    perBlock.addStatement(J.declare(PrimitiveType.intType(), "p1", k4 % block == 0
        ? J.bin(PLUS, J.name("p0"), J.intLit(block)) : end));
    BlockStmt perRow = new BlockStmt();
    perRow.addStatement(J.declare(rowType(c), row, J.at(accs, pass.clone())));
    sum(f, rs, row, r, J.name("p0"), J.name("p1"), g, perRow);
    perBlock.addStatement(J.loop(f.ov(), from.clone(), to.clone(), r, perRow));
    into.addStatement(J.loop("p0", J.intLit(0), J.intLit(k4), block, perBlock));

    BlockStmt last = new BlockStmt();
    last.addStatement(J.declare(rowType(c), row, J.at(accs, pass.clone())));
    for (int q = 0; q < r; q++) {
      finish(f, rs, row, q * f.len(), k4, Lin.var(f.ov()).plus(Lin.of(q)), last);
    }
    into.addStatement(J.loop(f.ov(), from, to, r, last));
  }

  /**
   * {@code for (int p = from; p < to; p += terms)}: {@code terms} elements of op(A) per result row
   * o, o + 1, … ({@code rows} of them, row q at {@code acc[q·len + v]}), as many rows of op(B), one
   * vector loop. One row reads op(B) in its chain; several read it once per element into locals
   * {@code b…}, then each result row takes its chain (row 0 first).
   */
  private static void sum(RowForm f, String rs, String acc, int rows, Expression from, Expression to, int terms,
      BlockStmt into) {
    Call c = f.c();
    if (to instanceof com.github.javaparser.ast.expr.IntegerLiteralExpr lit && lit.asNumber().intValue() == 0) {
      return;
    }
    BlockStmt group = new BlockStmt();
    Lin o = Lin.var(f.ov());
    Lin p = Lin.var("p");
    String[][] as = new String[rows][];
    for (int q = 0; q < rows; q++) {
      as[q] = lefts(f, o.plus(Lin.of(q)), p, terms, group);
    }
    String[] ws = rights(f, rs, p, terms, group);
    if (rows == 1) {
      group.addStatement(J.loop(f.vv(), 0, f.len(), assign(acc, f.vv(), axpy(c, acc, 0, as[0], rowsAt(ws, f.vv()), f.vv()))));
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
    for (int q = 0; q < rows; q++) {
      int off = q * f.len();
      body.addStatement(J.assign(at(acc, f.vv(), off), axpy(c, acc, off, as[q], bs, f.vv())));
    }
    group.addStatement(J.loop(f.vv(), 0, f.len(), body));
    into.addStatement(J.loop("p", from, to, terms, group));
  }

  /** {@code row[v + off]}. */
  private static Expression at(String row, String v, int off) {
    return J.at(row, Lin.var(v).plus(Lin.of(off)).toExpr());
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

  /**
   * Columns {@code [colFrom, colTo)} ({@code width} of them) of result row {@code f.ov()}, summed
   * whole in its accumulator row {@code row}: the epilogue and the copies out of {@link
   * #finishRow}, over those columns only (a strip of a split product, by rows).
   */
  static void finishColumns(RowForm f, String row, Expression colFrom, Expression colTo, int width, BlockStmt into) {
    Call c = f.c();
    Lin i = Lin.var(f.ov());
    c.epilogue().beforeRow(i, c.scratch(), into);
    finishRow(c, row, 0, i, false, colFrom, colTo, width, into);
  }

  /** The products past the last full group, then the epilogue writing the finished row. */
  static void finish(RowForm f, String rs, String row, int k4, BlockStmt into) {
    finish(f, rs, row, 0, k4, Lin.var(f.ov()), into);
  }

  /**
   * As {@link #finish(RowForm, String, String, int, BlockStmt)} for result row {@code o}, its
   * accumulator at {@code row[off …]}.
   */
  private static void finish(RowForm f, String rs, String row, int off, int k4, Lin o, BlockStmt into) {
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
      Expression sum = axpy(c, row, off, aw[0], rowsAt(aw[1], f.vv()), f.vv());
      BlockStmt pass = new BlockStmt();
      if (!f.columns() && !c.epilogue().isIdentity()) {
        // and the epilogue on the finished value in the same pass
        sum = c.epilogue().apply(sum, i, j, pass);
        epilogueDone = true;
      }
      pass.addStatement(J.assign(at(row, f.vv(), off), sum));
      into.addStatement(J.loop(f.vv(), 0, f.len(), pass));
    }
    if (!f.columns()) {
      finishRow(c, row, off, i, epilogueDone, null, null, c.n(), into);
      return;
    }
    BlockStmt epi = new BlockStmt();
    epi.addStatement(J.assign(LoopMatmul.out(c, i, j), c.epilogue().apply(at(row, f.vv(), off), i, j, epi)));
    c.epilogue().after(i, j, epi);
    into.addStatement(J.loop(f.vv(), 0, f.len(), epi));
  }

  /**
   * Result row i, finished in working rows and copied out: the epilogue applied in place in the
   * accumulator row (from {@code row[off]}), {@code System.arraycopy} into {@code out} at {@code i*n}, then each value
   * fused after the matmul computed from that row into a row of its own and copied out the same
   * way. A loop storing at {@code out[i*n + j]} was 2.6 times slower here (C2 does not vectorise
   * it). The epilogue reads its other operands at (i, j) or broadcast, so filling row i after
   * reading it is safe even when {@code out} shares an operand's buffer.
   */
  private static void finishRow(Call c, String row, int off, Lin i, boolean epilogueDone, Expression colFrom,
      Expression colTo, int width, BlockStmt into) {
    Lin j = Lin.var("j");
    Expression at = at(row, "j", off);
    Expression from = colFrom == null ? J.intLit(0) : colFrom;
    Expression to = colTo == null ? J.intLit(c.n()) : colTo;
    if (!c.epilogue().isIdentity() && !epilogueDone) {
      BlockStmt epi = new BlockStmt();
      epi.addStatement(J.assign(at.clone(), c.epilogue().apply(at.clone(), i, j, epi)));
      into.addStatement(J.loop("j", from.clone(), to.clone(), 1, epi));
    }
    Expression offset = colFrom == null ? i.times(c.n()).toExpr()
        : J.bin(PLUS, i.times(c.n()).toExpr(), colFrom.clone());
    Expression source = colFrom == null ? J.intLit(off) : colFrom.clone();
    into.addStatement(J.call(J.call("System", "arraycopy", J.name(row), source, J.name(c.out()), offset,
        J.intLit(width))));
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
      into.addStatement(J.loop("j", from.clone(), to.clone(), 1, body));
      into.addStatement(J.call(J.call("System", "arraycopy", J.name(fr), colFrom == null ? J.intLit(0) : colFrom.clone(),
          J.name(fused.get(k)), offset.clone(), J.intLit(width))));
    }
  }

  /**
   * {@code fma(a_g, w_g, … row[v + off])} (F32) or {@code row[v + off] + a0*w0 + …} (F64), p ascending, for
   * the op(B) elements {@code ws} at v (cloned: each chain gets its own nodes).
   */
  private static Expression axpy(Call c, String row, int off, String[] as, Expression[] ws, String v) {
    Expression acc = at(row, v, off);
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

  /** Zeroes {@code rows} accumulator rows in one array. */
  private static ForStmt zero(Call c, String row, RowForm f, int rows) {
    BlockStmt z = new BlockStmt();
    z.addStatement(J.assign(J.at(row, J.name(f.vv())), J.lit(0, c.f32())));
    return J.loop(f.vv(), 0, (long) rows * f.len(), z);
  }

  private static ArrayType rowType(Call c) {
    return new ArrayType(J.type(c.f32()));
  }
}
