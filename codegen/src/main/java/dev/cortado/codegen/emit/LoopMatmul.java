package dev.cortado.codegen.emit;

import static com.github.javaparser.ast.expr.BinaryExpr.Operator.MULTIPLY;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.PLUS;

import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.Statement;
import java.util.function.Function;

/**
 * The reference matmul: plain loops with literal bounds over contiguous rows, no transposed
 * copies. Tiny products are unrolled into one sum per element; {@code A·Bᵀ} is a dot product per
 * element (both rows contiguous); the others accumulate rows of B scaled by one element of A
 * ({@code out[i,:] += a·B[p,:]}), then apply the epilogue to the finished row. F32 dot products
 * sum in double, which is what the interpreter does.
 */
public final class LoopMatmul implements MatmulKernel {
  /** Products with at most this many multiply-adds are unrolled. */
  static final int UNROLL = 64;

  @Override
  public void emit(Call c, BlockStmt into) {
    if ((long) c.m() * c.n() * c.k() <= UNROLL) {
      unrolled(c, into);
    } else if (c.transB()) {
      dots(c, into);
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

  private static void dots(Call c, BlockStmt into) {
    Lin i = c.m() == 1 ? Lin.ZERO : Lin.var("i");
    Lin j = c.n() == 1 ? Lin.ZERO : Lin.var("j");
    BlockStmt inner = new BlockStmt();
    String acc = c.fresh().apply("acc");
    inner.addStatement(J.declare(J.doubleType(), acc, J.dlit(0)));
    BlockStmt body = new BlockStmt();
    body.addStatement(J.assign(J.name(acc), J.bin(PLUS, J.name(acc), product(c, i, Lin.var("p"), j))));
    inner.addStatement(J.loop("p", 0, c.k(), body));
    inner.addStatement(J.assign(out(c, i, j), finish(c, J.name(acc), i, j, inner)));
    c.epilogue().after(i, j, inner);
    Statement perI = c.n() == 1 ? inner : J.loop("j", 0, c.n(), inner);
    into.addStatement(c.m() == 1 ? perI : J.loop("i", 0, c.m(), block(perI)));
  }

  private static BlockStmt block(Statement s) {
    return s instanceof BlockStmt b ? b : new BlockStmt(new NodeList<>(s));
  }

  /** A loop over j of the statement {@code make} builds (which may first add locals to the loop body). */
  private static Statement overRow(Call c, Lin j, Function<BlockStmt, Statement> make) {
    BlockStmt b = new BlockStmt();
    b.addStatement(make.apply(b));
    return c.n() == 1 ? b : J.loop("j", 0, c.n(), b);
  }

  /** The epilogue over row i: each element's final value, then what is fused after it. */
  private static Statement epilogueRow(Call c, Lin i, Lin j) {
    BlockStmt b = new BlockStmt();
    b.addStatement(J.assign(out(c, i, j), c.epilogue().apply(out(c, i, j), i, j, b)));
    c.epilogue().after(i, j, b);
    return c.n() == 1 ? b : J.loop("j", 0, c.n(), b);
  }

  private static void rows(Call c, BlockStmt into) {
    Lin j = c.n() == 1 ? Lin.ZERO : Lin.var("j");
    Lin i = c.m() == 1 ? Lin.ZERO : Lin.var("i");
    Lin p = c.k() == 1 ? Lin.ZERO : Lin.var("p");
    String a = c.fresh().apply("a");
    BlockStmt scaled = new BlockStmt();
    scaled.addStatement(J.declare(J.type(c.f32()), a, a(c, i, p)));
    scaled.addStatement(overRow(c, j, w -> J.addAssign(out(c, i, j), J.bin(MULTIPLY, J.name(a), b(c, p, j)))));
    Statement epilogue = c.epilogue().isIdentity() ? null : epilogueRow(c, i, j);
    if (c.transA()) {
      // rows of A are columns here: sweep p outside so both operands are read along rows
      into.addStatement(J.call(J.call("java.util.Arrays", "fill", J.name(c.out()), J.lit(0, c.f32()))));
      Statement perI = c.m() == 1 ? scaled : J.loop("i", 0, c.m(), scaled);
      into.addStatement(c.k() == 1 ? perI : J.loop("p", 0, c.k(), block(perI)));
      if (epilogue != null) {
        into.addStatement(c.m() == 1 ? epilogue : J.loop("i", 0, c.m(), block(epilogue)));
      }
      return;
    }
    BlockStmt perI = new BlockStmt();
    perI.addStatement(overRow(c, j, w -> J.assign(out(c, i, j), J.lit(0, c.f32()))));
    perI.addStatement(c.k() == 1 ? scaled : J.loop("p", 0, c.k(), scaled));
    if (epilogue != null) {
      perI.addStatement(epilogue);
    }
    into.addStatement(c.m() == 1 ? perI : J.loop("i", 0, c.m(), perI));
  }
}
