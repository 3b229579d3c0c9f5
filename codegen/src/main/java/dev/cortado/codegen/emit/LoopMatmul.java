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
 * {@link #accumulate}), then apply the epilogue to the finished row. Either way each element sums p
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
    } else {
      accumulate(c, into, c.n() < NARROW && c.m() > c.n());
    }
  }

  static Expression a(Call c, Lin i, Lin p) {
    Lin idx = c.transA() ? p.times(c.m()).plus(i) : i.times(c.k()).plus(p);
    return J.at(c.a(), idx.toExpr());
  }

  static Expression b(Call c, Lin p, Lin j) {
    Lin idx = c.transB() ? j.times(c.k()).plus(p) : p.times(c.n()).plus(j);
    return J.at(c.b(), idx.toExpr());
  }

  private static Expression product(Call c, Lin i, Lin p, Lin j) {
    Expression x = a(c, i, p);
    return J.bin(MULTIPLY, c.f32() ? J.cast(J.doubleType(), x) : x, b(c, p, j));
  }

  static Expression out(Call c, Lin i, Lin j) {
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
   * The row form ({@code byColumns} false): op(B) is first copied into one array per row
   * (transposed if stored transposed), then each row i of the result accumulates
   * {@code acc[j] += a·brow[j]} with a = op(A)[i,p]: every array of the inner loop indexed by the
   * bare loop variable, which is what C2 vectorises. The column form, for narrow results (a
   * classifier's last layer and its gradient), is its transpose: op(A) copied into one array per
   * column, each column j accumulating {@code acc[i] += b·acol[i]} over the long dimension. The
   * copy costs 1/m (1/n) of the product; the epilogue then writes the finished row (column).
   * Each element sums p ascending from zero.
   */
  private static void accumulate(Call c, BlockStmt into, boolean byColumns) {
    int outer = byColumns ? c.n() : c.m();
    int inner = byColumns ? c.m() : c.n();
    String o = byColumns ? "j" : "i";
    String v = byColumns ? "i" : "j";
    Lin i = Lin.var("i");
    Lin j = Lin.var("j");
    Lin p = Lin.var("p");
    String copied = c.scratch().rows(c.k(), inner);
    String acc = c.scratch().row(inner);
    boolean contiguous = byColumns ? c.transA() : !c.transB();
    BlockStmt copy = new BlockStmt();
    if (contiguous) {
      copy.addStatement(J.call(J.call("System", "arraycopy", J.name(byColumns ? c.a() : c.b()),
          p.times(inner).toExpr(), J.at(copied, J.name("p")), J.intLit(0), J.intLit(inner))));
    } else {
      BlockStmt one = new BlockStmt();
      one.addStatement(J.assign(new ArrayAccessExpr(J.at(copied, J.name("p")), J.name(v)),
          byColumns ? a(c, i, p) : b(c, p, j)));
      copy.addStatement(J.loop(v, 0, inner, one));
    }
    into.addStatement(J.loop("p", 0, c.k(), copy));

    BlockStmt perOuter = new BlockStmt();
    BlockStmt zero = new BlockStmt();
    zero.addStatement(J.assign(J.at(acc, J.name(v)), J.lit(0, c.f32())));
    perOuter.addStatement(J.loop(v, 0, inner, zero));
    BlockStmt perP = new BlockStmt();
    String scalar = c.fresh().apply("a");
    String row = c.fresh().apply("brow");
    perP.addStatement(J.declare(J.type(c.f32()), scalar, byColumns ? b(c, p, j) : a(c, i, p)));
    perP.addStatement(J.declare(new ArrayType(J.type(c.f32())), row, J.at(copied, J.name("p"))));
    BlockStmt axpy = new BlockStmt();
    axpy.addStatement(J.addAssign(J.at(acc, J.name(v)), J.bin(MULTIPLY, J.name(scalar), J.at(row, J.name(v)))));
    perP.addStatement(J.loop(v, 0, inner, axpy));
    perOuter.addStatement(J.loop("p", 0, c.k(), perP));
    BlockStmt epi = new BlockStmt();
    epi.addStatement(J.assign(out(c, i, j), c.epilogue().apply(J.at(acc, J.name(v)), i, j, epi)));
    c.epilogue().after(i, j, epi);
    perOuter.addStatement(J.loop(v, 0, inner, epi));
    into.addStatement(J.loop(o, 0, outer, perOuter));
  }
}
