package dev.cortado.codegen.emit;

import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.ArrayAccessExpr;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.ConditionalExpr;
import com.github.javaparser.ast.expr.EnclosedExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.LiteralStringValueExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.VariableDeclarationExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import com.github.javaparser.ast.stmt.ForStmt;
import com.github.javaparser.ast.stmt.Statement;
import com.github.javaparser.ast.type.ClassOrInterfaceType;

/**
 * The gate loops of a float recurrent kernel rewritten on the Vector API: a loop over the units
 * {@code for (j0 = 0; j0 < u; j0++)} whose body declares float scalars and stores them becomes a
 * loop taking {@code lanes} units at a time, each scalar a {@code FloatVector}, each array read a
 * {@code fromArray}, each store an {@code intoArray}, sigmoid {@code 1 / (1 + EXP(−v))} and tanh
 * the Vector API's {@code TANH} (short vector math routines on x86, a few ulp of float, about 15×
 * faster than a scalar {@code Math.exp} per element here). The arithmetic is the scalar loop's,
 * operation by operation.
 */
final class RecurrentVectors {
  private static final String FV = "FloatVector";
  private static final String SIGMOID = "sigmoid";
  private static final String TANH = "tanh";

  private final int lanes;

  RecurrentVectors(int lanes) {
    this.lanes = lanes;
  }

  /** Rewrites every loop over {@code units} units in {@code blk}. */
  void rewrite(BlockStmt blk, int units, MatmulKernel.Scratch scratch) {
    scratch.importType("jdk.incubator.vector.FloatVector");
    scratch.importType("jdk.incubator.vector.VectorOperators");
    scratch.importType("jdk.incubator.vector.VectorSpecies");
    for (ForStmt loop : blk.findAll(ForStmt.class)) {
      if (isUnitLoop(loop, units)) {
        rewrite(loop);
      }
    }
  }

  private static boolean isUnitLoop(ForStmt loop, int units) {
    return loop.getInitialization().size() == 1 && loop.getInitialization().get(0).toString().equals("int j0 = 0")
        && loop.getCompare().map(c -> c.toString().equals("j0 < " + units)).orElse(false);
  }

  private void rewrite(ForStmt loop) {
    loop.getUpdate().clear();
    loop.getUpdate().add(new AssignExpr(new NameExpr("j0"), J.intLit(lanes), AssignExpr.Operator.PLUS));
    BlockStmt body = loop.getBody().asBlockStmt();
    NodeList<Statement> out = new NodeList<>();
    for (Statement s : body.getStatements()) {
      out.add(statement(s));
    }
    body.setStatements(out);
    BlockStmt wrapped = new BlockStmt();
    wrapped.addStatement(J.declare(new ClassOrInterfaceType(null, "VectorSpecies<Float>"), "species",
        new FieldAccessExpr(new NameExpr(FV), "SPECIES_" + lanes * 32)));
    loop.replace(wrapped);
    wrapped.addStatement(loop);
  }

  private Statement statement(Statement s) {
    Expression e = s.asExpressionStmt().getExpression();
    if (e instanceof VariableDeclarationExpr d) {
      VariableDeclarator v = d.getVariable(0);
      return J.declare(new ClassOrInterfaceType(null, FV), v.getNameAsString(), vector(v.getInitializer().orElseThrow()));
    }
    AssignExpr a = e.asAssignExpr();
    if (a.getOperator() != AssignExpr.Operator.ASSIGN || !(a.getTarget() instanceof ArrayAccessExpr at)) {
      throw new IllegalStateException("not a gate statement: " + s);
    }
    return new ExpressionStmt(new MethodCallExpr(vector(a.getValue()), "intoArray",
        new NodeList<>(at.getName().clone(), at.getIndex().clone())));
  }

  private Expression vector(Expression e) {
    if (e instanceof EnclosedExpr en) {
      return vector(en.getInner());
    }
    if (e instanceof NameExpr) {
      return e.clone();
    }
    if (e instanceof ArrayAccessExpr at) {
      return new MethodCallExpr(new NameExpr(FV), "fromArray",
          new NodeList<>(new NameExpr("species"), at.getName().clone(), at.getIndex().clone()));
    }
    if (e instanceof LiteralStringValueExpr lit) {
      return broadcast(lit.getValue());
    }
    if (e instanceof ConditionalExpr c) {
      return new ConditionalExpr(c.getCondition().clone(), vector(c.getThenExpr()), vector(c.getElseExpr()));
    }
    if (e instanceof BinaryExpr b) {
      String op = switch (b.getOperator()) {
        case PLUS -> "add";
        case MINUS -> "sub";
        case MULTIPLY -> "mul";
        case DIVIDE -> "div";
        default -> throw new IllegalStateException("no vector form for " + e);
      };
      return new MethodCallExpr(vector(b.getLeft()), op, new NodeList<>(vector(b.getRight())));
    }
    if (e instanceof MethodCallExpr m && m.getArguments().size() == 1) {
      Expression v = vector(m.getArgument(0));
      if (m.getNameAsString().equals(SIGMOID)) {
        Expression exp = new MethodCallExpr(new MethodCallExpr(v, "neg"), "lanewise",
            new NodeList<>(new FieldAccessExpr(new NameExpr("VectorOperators"), "EXP")));
        return new MethodCallExpr(broadcast("1"), "div", new NodeList<>(new MethodCallExpr(exp, "add",
            new NodeList<>(J.lit(1, true)))));
      }
      if (m.getNameAsString().equals(TANH)) {
        return new MethodCallExpr(v, "lanewise", new NodeList<>(new FieldAccessExpr(new NameExpr("VectorOperators"), TANH.toUpperCase(java.util.Locale.ROOT))));
      }
    }
    throw new IllegalStateException("no vector form for " + e);
  }

  private static Expression broadcast(String literal) {
    return new MethodCallExpr(new NameExpr(FV), "broadcast",
        new NodeList<>(new NameExpr("species"), J.lit(Double.parseDouble(literal), true)));
  }
}
