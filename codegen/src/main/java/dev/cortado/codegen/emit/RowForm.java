package dev.cortado.codegen.emit;

import com.github.javaparser.ast.expr.ArrayAccessExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.ForStmt;
import com.github.javaparser.ast.type.ArrayType;

/**
 * The product as row updates: by rows, result row i is {@code Σ_p op(A)[i,p]·op(B)[p,·]}, a
 * vector over j; by columns (narrow results), result column j is {@code Σ_p op(B)[p,j]·op(A)[·,p]},
 * a vector over i. {@code outer} counts the rows updated, {@code len} is the vector length.
 */
record RowForm(MatmulKernel.Call c, boolean columns) {
  int outer() {
    return columns ? c.n() : c.m();
  }

  int len() {
    return columns ? c.m() : c.n();
  }

  /** The outer loop variable. */
  String ov() {
    return columns ? "j" : "i";
  }

  /** The vector loop variable. */
  String vv() {
    return columns ? "i" : "j";
  }

  /** The scalar multiplying row p of the copied operand in result row o. */
  Expression left(Lin o, Lin p) {
    return columns ? LoopMatmul.b(c, p, o) : LoopMatmul.a(c, o, p);
  }

  /** Copies op(B) (by rows) or op(A)ᵀ (by columns) into {@code rs[p]}, one array per p. */
  ForStmt copyRight(String rs) {
    return copyRight(rs, J.intLit(0), J.intLit(c.k()));
  }

  /**
   * As {@link #copyRight(String)}, rows {@code p} in {@code [from, to)} only. An operand stored
   * transposed is read along p, {@link #columnsPerPass} columns per pass: read along the row
   * instead, every load was a stride of k floats apart, and the MNIST-sized 256 × 128 copy took
   * 22 µs against 4.6 (eight columns) here. A copy under {@link #SEVERAL_COLUMNS_FROM} elements
   * keeps the shorter loop over the row.
   */
  ForStmt copyRight(String rs, Expression from, Expression to) {
    boolean contiguous = columns ? c.transA() : !c.transB();
    BlockStmt copy = new BlockStmt();
    Lin p = Lin.var("p");
    if (contiguous) {
      copy.addStatement(J.call(J.call("System", "arraycopy", J.name(columns ? c.a() : c.b()),
          p.times(len()).toExpr(), J.at(rs, J.name("p")), J.intLit(0), J.intLit(len()))));
      return J.loop("p", from, to, 1, copy);
    }
    int u = columnsPerPass(c.k(), len());
    if (u == 1) {
      // p outer: a small copy in the shorter source
      Lin v = Lin.var(vv());
      BlockStmt body = new BlockStmt();
      body.addStatement(J.assign(new ArrayAccessExpr(J.name("row"), J.name(vv())), transposed(v, p)));
      copy.addStatement(J.declare(new ArrayType(J.type(c.f32())), "row", J.at(rs, J.name("p"))));
      copy.addStatement(J.loop(vv(), 0, len(), body));
      return J.loop("p", from, to, 1, copy);
    }
    copy.addStatement(J.declare(new ArrayType(J.type(c.f32())), "row", J.at(rs, J.name("p"))));
    for (int q = 0; q < u; q++) {
      Lin v = Lin.var(vv()).plus(Lin.of(q));
      copy.addStatement(J.assign(new ArrayAccessExpr(J.name("row"), v.toExpr()), transposed(v, p)));
    }
    BlockStmt pass = new BlockStmt();
    pass.addStatement(J.loop("p", from, to, 1, copy));
    return J.loop(vv(), J.intLit(0), J.intLit(len()), u, pass);
  }

  /** Element (p, v) of op(B) (by rows) or op(A)ᵀ (by columns) where it is stored. */
  Expression transposed(Lin v, Lin p) {
    return columns ? LoopMatmul.a(c, v, p) : LoopMatmul.b(c, p, v);
  }

  /** Elements from which a transposing copy reads several columns per pass (its longer source pays). */
  static final int SEVERAL_COLUMNS_FROM = 1 << 14;

  /**
   * Columns a transposing copy of {@code k} rows of {@code len} reads per pass over p: the most,
   * up to 8, that divide {@code len}; 1 for a copy under {@link #SEVERAL_COLUMNS_FROM} elements.
   */
  static int columnsPerPass(int k, int len) {
    if ((long) k * len < SEVERAL_COLUMNS_FROM) {
      return 1;
    }
    int u = 8;
    while (len % u != 0) {
      u /= 2;
    }
    return u;
  }
}
