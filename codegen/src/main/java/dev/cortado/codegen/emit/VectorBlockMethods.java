package dev.cortado.codegen.emit;

import static com.github.javaparser.ast.expr.BinaryExpr.Operator.EQUALS;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.MULTIPLY;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.PLUS;

import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.type.ArrayType;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import com.github.javaparser.ast.type.PrimitiveType;

/**
 * The register-block methods of {@link VectorMatmul}: one method per block shape (result rows ×
 * vectors), target ({@code acc} rows or the flat {@code out}) and, for the products that have
 * them written in, strides. {@link VectorMatmul} plans which blocks a product runs, in which
 * order and in how many steps of its sum; this class writes the bodies.
 */
final class VectorBlockMethods {
  private static final String PKG = "jdk.incubator.vector.";
  private static final String FV = "FloatVector";

  private final int lanes;

  /** Block methods on vectors of {@code lanes} floats. */
  VectorBlockMethods(int lanes) {
    this.lanes = lanes;
  }

  /**
   * The register block of {@code rows} result rows × {@code vecs} vectors: {@code acc[o + r][v +
   * q·lanes …]} = {@code Σ_p lhs[(o + r)·ls + p·lp] · rhs[p·len + v + q·lanes …]} over {@code p}
   * in {@code [p0, p1)}, each element an fma chain from zero when {@code p0} is 0 and otherwise from
   * the sum stored by the step before, p ascending: the same chain as one pass. With {@code
   * direct} the block is stored into the flat result {@code out} at {@code (o + r)·len + v …}
   * instead of the accumulator rows. With five strides, {@code rhs} is op(B) copied into panels
   * ({@link VectorMatmul#panels}): row p of the panel holding column v at {@code p·strides[3] +
   * v·strides[4]}.
   *
   * <p>The strides {@code ls}, {@code lp} and the row length {@code len} are written into the body
   * as literals (products with the same strides share the method): then every operand's index is
   * one loop variable times a constant plus a constant, C2 addresses the {@code rows} broadcasts
   * from one register with constant displacements and removes the bounds checks from the loop.
   * Passed as arguments, each row's offset took a register of its own (spilled to the stack with
   * 12 rows), each load kept its bounds check, and the register block ran at 55–65 GFLOP/s in L1
   * against 110 on an Intel Xeon (AVX-512, 2 FMA ports).
   */
  String method(MatmulKernel.Scratch scratch, int rows, int vecs, boolean direct, long[] strides) {
    boolean tuned = strides != null;
    Expression ls = tuned ? J.intLit(strides[0]) : J.name("ls");
    Expression lp = tuned ? J.intLit(strides[1]) : J.name("lp");
    Expression len = tuned ? J.intLit(strides[2]) : J.name("len");
    scratch.importType(PKG + FV);
    BlockStmt body = new BlockStmt();
    String[][] acc = new String[rows][vecs];
    for (int r = 0; r < rows; r++) {
      for (int q = 0; q < vecs; q++) {
        acc[r][q] = "c" + r + q;
        Expression o = r == 0 ? J.name("o") : J.bin(PLUS, J.name("o"), J.intLit(r));
        Expression at = q == 0 ? J.name("v") : J.bin(PLUS, J.name("v"), J.intLit((long) q * lanes));
        Expression sofar = direct
            ? J.call(FV, "fromArray", species(), J.name("out"), J.bin(PLUS, times(o, len.clone()), at))
            : J.call(FV, "fromArray", species(), J.at("acc", o), at);
        Expression zero = J.call(FV, "zero", species());
        body.addStatement(J.declare(vector(), acc[r][q],
            tuned ? J.cond(J.bin(EQUALS, J.name("p0"), J.intLit(0)), zero, sofar) : zero));
      }
    }
    for (int r = 0; r < rows; r++) {
      Expression o = r == 0 ? J.name("o") : J.bin(PLUS, J.name("o"), J.intLit(r));
      body.addStatement(J.declare(PrimitiveType.intType(), "row" + r, times(o, ls.clone())));
    }
    BlockStmt perP = new BlockStmt();
    // op(B) in panels (strides[3] floats a row, the panel of column v from v·strides[4]) or as stored
    boolean panels = tuned && strides.length > 3;
    Expression rowStride = panels ? J.intLit(strides[3]) : len.clone();
    Expression column = panels ? times(J.name("v"), J.intLit(strides[4])) : J.name("v");
    perP.addStatement(J.declare(PrimitiveType.intType(), "at", J.bin(PLUS, times(J.name("p"), rowStride), column)));
    perP.addStatement(J.declare(PrimitiveType.intType(), "col", times(J.name("p"), lp.clone())));
    for (int q = 0; q < vecs; q++) {
      Expression offset = q == 0 ? J.name("at") : J.bin(PLUS, J.name("at"), J.intLit((long) q * lanes));
      perP.addStatement(J.declare(vector(), "b" + q, J.call(FV, "fromArray", species(), J.name("rhs"), offset)));
    }
    for (int r = 0; r < rows; r++) {
      String a = "a" + r;
      Expression scalar = J.at("lhs", J.bin(PLUS, J.name("row" + r), J.name("col")));
      perP.addStatement(J.declare(vector(), a, J.call(FV, "broadcast", species(), scalar)));
      for (int q = 0; q < vecs; q++) {
        perP.addStatement(J.assign(J.name(acc[r][q]),
            new MethodCallExpr(J.name("b" + q), "fma", new NodeList<>(J.name(a), J.name(acc[r][q])))));
      }
    }
    body.addStatement(J.loop("p", tuned ? J.name("p0") : J.intLit(0), J.name(tuned ? "p1" : "k"), 1, perP));
    for (int r = 0; r < rows; r++) {
      Expression o = r == 0 ? J.name("o") : J.bin(PLUS, J.name("o"), J.intLit(r));
      for (int q = 0; q < vecs; q++) {
        Expression at = q == 0 ? J.name("v") : J.bin(PLUS, J.name("v"), J.intLit((long) q * lanes));
        NodeList<Expression> args = direct
            ? new NodeList<>(J.name("out"), J.bin(PLUS, times(o.clone(), len.clone()), at))
            : new NodeList<>(J.at("acc", o.clone()), at);
        body.addStatement(J.call(new MethodCallExpr(J.name(acc[r][q]), "intoArray", args)));
      }
    }
    ArrayType row = new ArrayType(J.type(true));
    NodeList<Parameter> params = tuned
        ? new NodeList<>(new Parameter(row.clone(), "lhs"),
            new Parameter(row.clone(), "rhs"), new Parameter(PrimitiveType.intType(), "p0"),
            new Parameter(PrimitiveType.intType(), "p1"))
        : new NodeList<>(new Parameter(row.clone(), "lhs"),
            new Parameter(PrimitiveType.intType(), "ls"), new Parameter(PrimitiveType.intType(), "lp"),
            new Parameter(row.clone(), "rhs"), new Parameter(PrimitiveType.intType(), "len"),
            new Parameter(PrimitiveType.intType(), "k"));
    params.add(direct ? new Parameter(row.clone(), "out") : new Parameter(new ArrayType(row.clone()), "acc"));
    params.add(new Parameter(PrimitiveType.intType(), "o"));
    params.add(new Parameter(PrimitiveType.intType(), "v"));
    return scratch.method((direct ? "vectorBlockOut" : "vectorBlock") + rows + "x" + vecs, params, body);
  }

  /** {@code e · by}, or {@code e} alone when {@code by} is the literal 1. */
  private static Expression times(Expression e, Expression by) {
    boolean one = by instanceof com.github.javaparser.ast.expr.IntegerLiteralExpr lit && lit.asNumber().intValue() == 1;
    return one ? e : J.bin(MULTIPLY, e, by);
  }

  /**
   * The species, read from its static final field at every use. Held in a local, the species
   * reaches a call inside the loops through a loop phi that C2 does not yet know to be constant
   * when it parses the call, and JDK 17 then fails to intrinsify {@code broadcast} and {@code
   * zero} ({@code broadcastCoerced}): every vector becomes an object and a product ran at a
   * fraction of one GFLOP/s.
   */
  private Expression species() {
    return J.field(FV, "SPECIES_" + lanes * 32);
  }

  private static ClassOrInterfaceType vector() {
    return new ClassOrInterfaceType(null, FV);
  }

}
