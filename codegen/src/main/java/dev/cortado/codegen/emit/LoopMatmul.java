package dev.cortado.codegen.emit;

import static com.github.javaparser.ast.expr.BinaryExpr.Operator.MULTIPLY;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.PLUS;

import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.ArrayAccessExpr;
import com.github.javaparser.ast.type.ArrayType;
import com.github.javaparser.ast.stmt.BlockStmt;

/**
 * The reference matmul: plain loops with literal bounds. Tiny products are unrolled into one
 * sum per element (F32 summed in double, as the interpreter does); larger ones accumulate rows of
 * op(B) scaled by one element of A into a row of the result, with vectorisable inner loops (see
 * {@link #rows}), then apply the epilogue to the finished row. Either way each element sums p
 * ascending from zero, the interpreter's order, so F64 matches it bit for bit.
 */
public final class LoopMatmul implements MatmulKernel {
  /** Products with at most this many multiply-adds are unrolled. */
  static final int UNROLL = 64;
  /** Results narrower than this (and taller than wide) are computed a column at a time. */
  static final int NARROW = 16;

  @Override
  public void emit(Call c, BlockStmt into) {
    if ((long) c.m() * c.n() * c.k() <= UNROLL) {
      unrolled(c, into);
    } else if (c.n() < NARROW && c.m() > c.n()) {
      columns(c, into);
    } else {
      rows(c, into);
    }
  }

  private static Expression a(Call c, Lin i, Lin p) {
    Lin idx = c.transA() ? p.times(c.m()).plus(i) : i.times(c.k()).plus(p);
    return J.at(c.a(), idx.toExpr());
  }

  private static Expression b(Call c, Lin p, Lin j) {
    Lin idx = c.transB() ? j.times(c.k()).plus(p) : p.times(c.n()).plus(j);
    return J.at(c.b(), idx.toExpr());
  }

  private static Expression product(Call c, Lin i, Lin p, Lin j) {
    Expression x = a(c, i, p);
    return J.bin(MULTIPLY, c.f32() ? J.cast(J.doubleType(), x) : x, b(c, p, j));
  }

  private static Expression out(Call c, Lin i, Lin j) {
    return J.at(c.out(), i.times(c.n()).plus(j).toExpr());
  }

  private static Expression finish(Call c, Expression acc, Lin i, Lin j, BlockStmt where) {
    Expression v = c.f32() ? J.cast(J.type(true), acc) : acc;
    return c.epilogue().apply(v, i, j, where);
  }

  private static void unrolled(Call c, BlockStmt into) {
    for (int i = 0; i < c.m(); i++) {
      for (int j = 0; j < c.n(); j++) {
        Expression sum = null;
        for (int p = 0; p < c.k(); p++) {
          Expression t = product(c, Lin.of(i), Lin.of(p), Lin.of(j));
          sum = sum == null ? t : J.bin(PLUS, sum, t);
        }
        into.addStatement(J.assign(out(c, Lin.of(i), Lin.of(j)), finish(c, sum, Lin.of(i), Lin.of(j), into)));
        c.epilogue().after(Lin.of(i), Lin.of(j), into);
      }
    }
  }

  /**
   * op(B) is first copied into one array per row (transposing it if stored transposed), then
   * each row of the result accumulates {@code acc[j] += a·brow[j]}: every array of the inner loop
   * indexed by the bare loop variable, which is what C2 vectorises. The copy costs 1/m of the
   * product; the epilogue writes the finished row.
   */
  private static void rows(Call c, BlockStmt into) {
    String bs = c.scratch().rows(c.k(), c.n());
    String acc = c.scratch().row(c.n());
    Lin i = Lin.var("i");
    Lin j = Lin.var("j");
    Lin p = Lin.var("p");
    BlockStmt copy = new BlockStmt();
    if (c.transB()) {
      BlockStmt col = new BlockStmt();
      col.addStatement(J.assign(new ArrayAccessExpr(J.at(bs, J.name("p")), J.name("j")), b(c, p, j)));
      copy.addStatement(J.loop("j", 0, c.n(), col));
    } else {
      copy.addStatement(J.call(J.call("System", "arraycopy", J.name(c.b()), p.times(c.n()).toExpr(),
          J.at(bs, J.name("p")), J.intLit(0), J.intLit(c.n()))));
    }
    into.addStatement(J.loop("p", 0, c.k(), copy));

    BlockStmt perI = new BlockStmt();
    BlockStmt zero = new BlockStmt();
    zero.addStatement(J.assign(J.at(acc, J.name("j")), J.lit(0, c.f32())));
    perI.addStatement(J.loop("j", 0, c.n(), zero));
    BlockStmt perP = new BlockStmt();
    String a = c.fresh().apply("a");
    String brow = c.fresh().apply("brow");
    perP.addStatement(J.declare(J.type(c.f32()), a, a(c, i, p)));
    perP.addStatement(J.declare(new ArrayType(J.type(c.f32())), brow, J.at(bs, J.name("p"))));
    BlockStmt axpy = new BlockStmt();
    axpy.addStatement(J.addAssign(J.at(acc, J.name("j")), J.bin(MULTIPLY, J.name(a), J.at(brow, J.name("j")))));
    perP.addStatement(J.loop("j", 0, c.n(), axpy));
    perI.addStatement(J.loop("p", 0, c.k(), perP));
    BlockStmt epi = new BlockStmt();
    epi.addStatement(J.assign(out(c, i, j), c.epilogue().apply(J.at(acc, J.name("j")), i, j, epi)));
    c.epilogue().after(i, j, epi);
    perI.addStatement(J.loop("j", 0, c.n(), epi));
    into.addStatement(J.loop("i", 0, c.m(), perI));
  }

  /**
   * For a narrow result (a classifier's last layer and its gradient): the transpose of
   * {@link #rows}. op(A) is copied into one array per column, and each column of the result
   * accumulates {@code acc[i] += b·acol[i]} over the long dimension; the epilogue then writes
   * the finished column. Each element still sums p ascending from zero.
   */
  private static void columns(Call c, BlockStmt into) {
    String as = c.scratch().rows(c.k(), c.m());
    String acc = c.scratch().row(c.m());
    Lin i = Lin.var("i");
    Lin j = Lin.var("j");
    Lin p = Lin.var("p");
    BlockStmt copy = new BlockStmt();
    if (c.transA()) {
      copy.addStatement(J.call(J.call("System", "arraycopy", J.name(c.a()), p.times(c.m()).toExpr(),
          J.at(as, J.name("p")), J.intLit(0), J.intLit(c.m()))));
    } else {
      BlockStmt row = new BlockStmt();
      row.addStatement(J.assign(new ArrayAccessExpr(J.at(as, J.name("p")), J.name("i")), a(c, i, p)));
      copy.addStatement(J.loop("i", 0, c.m(), row));
    }
    into.addStatement(J.loop("p", 0, c.k(), copy));

    BlockStmt perJ = new BlockStmt();
    BlockStmt zero = new BlockStmt();
    zero.addStatement(J.assign(J.at(acc, J.name("i")), J.lit(0, c.f32())));
    perJ.addStatement(J.loop("i", 0, c.m(), zero));
    BlockStmt perP = new BlockStmt();
    String b = c.fresh().apply("a");
    String acol = c.fresh().apply("brow");
    perP.addStatement(J.declare(J.type(c.f32()), b, b(c, p, j)));
    perP.addStatement(J.declare(new ArrayType(J.type(c.f32())), acol, J.at(as, J.name("p"))));
    BlockStmt axpy = new BlockStmt();
    axpy.addStatement(J.addAssign(J.at(acc, J.name("i")), J.bin(MULTIPLY, J.at(acol, J.name("i")), J.name(b))));
    perP.addStatement(J.loop("i", 0, c.m(), axpy));
    perJ.addStatement(J.loop("p", 0, c.k(), perP));
    BlockStmt epi = new BlockStmt();
    epi.addStatement(J.assign(out(c, i, j), c.epilogue().apply(J.at(acc, J.name("i")), i, j, epi)));
    c.epilogue().after(i, j, epi);
    perJ.addStatement(J.loop("i", 0, c.m(), epi));
    into.addStatement(J.loop("j", 0, c.n(), perJ));
  }
}
