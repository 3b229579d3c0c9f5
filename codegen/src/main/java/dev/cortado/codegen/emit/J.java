package dev.cortado.codegen.emit;

import com.github.javaparser.ast.expr.ArrayAccessExpr;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.BooleanLiteralExpr;
import com.github.javaparser.ast.expr.CastExpr;
import com.github.javaparser.ast.expr.ConditionalExpr;
import com.github.javaparser.ast.expr.DoubleLiteralExpr;
import com.github.javaparser.ast.expr.EnclosedExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.IntegerLiteralExpr;
import com.github.javaparser.ast.expr.LongLiteralExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.UnaryExpr;
import com.github.javaparser.ast.expr.VariableDeclarationExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import com.github.javaparser.ast.stmt.ForStmt;
import com.github.javaparser.ast.stmt.Statement;
import com.github.javaparser.ast.type.PrimitiveType;
import com.github.javaparser.ast.type.Type;
import com.github.javaparser.ast.NodeList;

/**
 * Small builders for the JavaParser AST. JavaParser's printer never adds parentheses, so every
 * compound expression made here is wrapped in {@link EnclosedExpr}; literals are printed so
 * that they are valid Java for every value ({@code Double.NaN}, {@code (-1.0)}, {@code 0.1f}).
 */
final class J {
  private J() {}

  static Expression bin(BinaryExpr.Operator op, Expression a, Expression b) {
    return new EnclosedExpr(new BinaryExpr(a, b, op));
  }

  static Expression neg(Expression a) {
    return new EnclosedExpr(new UnaryExpr(a, UnaryExpr.Operator.MINUS));
  }

  static Expression cond(Expression test, Expression a, Expression b) {
    return new EnclosedExpr(new ConditionalExpr(test, a, b));
  }

  static Expression cast(Type t, Expression e) {
    return new EnclosedExpr(new CastExpr(t, e));
  }

  static Expression call(String scope, String method, Expression... args) {
    return new MethodCallExpr(scope == null ? null : new NameExpr(scope), method, new NodeList<>(args));
  }

  /** {@code a.b.c} as a {@link com.github.javaparser.ast.expr.Name} built node by node (no parsing). */
  static com.github.javaparser.ast.expr.Name qualified(String dotted) {
    com.github.javaparser.ast.expr.Name n = null;
    for (String part : dotted.split("\\.")) {
      n = new com.github.javaparser.ast.expr.Name(n, part);
    }
    return n;
  }

  static Expression name(String n) {
    return new NameExpr(n);
  }

  static Expression field(String scope, String n) {
    return new FieldAccessExpr(new NameExpr(scope), n);
  }

  static Expression at(String array, Expression index) {
    return new ArrayAccessExpr(new NameExpr(array), index);
  }

  static Expression intLit(long v) {
    if (v < 0) {
      return neg(new IntegerLiteralExpr(Long.toString(-v)));
    }
    return new IntegerLiteralExpr(Long.toString(v));
  }

  static Expression longLit(long v) {
    if (v == Long.MIN_VALUE) {
      return field("Long", "MIN_VALUE");
    }
    return v < 0 ? neg(new LongLiteralExpr(-v + "L")) : new LongLiteralExpr(v + "L");
  }

  static Expression bool(boolean b) {
    return new BooleanLiteralExpr(b);
  }

  /** A literal of the model's type: a {@code double}, or a {@code float} rounded from it. */
  static Expression lit(double v, boolean f32) {
    if (Double.isNaN(v)) {
      return field(f32 ? "Float" : "Double", "NaN");
    }
    if (Double.isInfinite(v)) {
      return field(f32 ? "Float" : "Double", v > 0 ? "POSITIVE_INFINITY" : "NEGATIVE_INFINITY");
    }
    if (f32 && Float.isInfinite((float) v)) {
      return field("Float", v > 0 ? "POSITIVE_INFINITY" : "NEGATIVE_INFINITY");
    }
    boolean negative = v < 0 || (v == 0 && 1 / v < 0);
    double a = Math.abs(v);
    Expression lit = new DoubleLiteralExpr(f32 ? Float.toString((float) a) + "f" : Double.toString(a));
    return negative ? neg(lit) : lit;
  }

  /** A double literal (for constants computed in double in either dtype). */
  static Expression dlit(double v) {
    return lit(v, false);
  }

  static Statement assign(Expression target, Expression value) {
    return new ExpressionStmt(new AssignExpr(target, value, AssignExpr.Operator.ASSIGN));
  }

  static Statement addAssign(Expression target, Expression value) {
    return new ExpressionStmt(new AssignExpr(target, value, AssignExpr.Operator.PLUS));
  }

  static Statement declare(Type t, String name, Expression init) {
    return new ExpressionStmt(new VariableDeclarationExpr(new com.github.javaparser.ast.body.VariableDeclarator(t, name, init)));
  }

  static Statement call(Expression call) {
    return new ExpressionStmt(call);
  }

  /** {@code for (int v = 0; v < n; v++) body}. */
  static ForStmt loop(String v, long from, long n, BlockStmt body) {
    ForStmt f = new ForStmt();
    f.setInitialization(new NodeList<>(new VariableDeclarationExpr(
        new com.github.javaparser.ast.body.VariableDeclarator(PrimitiveType.intType(), v, intLit(from)))));
    f.setCompare(new BinaryExpr(name(v), intLit(n), BinaryExpr.Operator.LESS));
    f.setUpdate(new NodeList<>(new UnaryExpr(name(v), UnaryExpr.Operator.POSTFIX_INCREMENT)));
    f.setBody(body);
    return f;
  }

  /** {@code for (int v = from; v < to; v += by) body} ({@code v++} when {@code by} is 1). */
  static ForStmt loop(String v, Expression from, Expression to, int by, BlockStmt body) {
    ForStmt f = new ForStmt();
    f.setInitialization(new NodeList<>(new VariableDeclarationExpr(
        new com.github.javaparser.ast.body.VariableDeclarator(PrimitiveType.intType(), v, from))));
    f.setCompare(new BinaryExpr(name(v), to, BinaryExpr.Operator.LESS));
    f.setUpdate(new NodeList<>(by == 1 ? new UnaryExpr(name(v), UnaryExpr.Operator.POSTFIX_INCREMENT)
        : new AssignExpr(name(v), intLit(by), AssignExpr.Operator.PLUS)));
    f.setBody(body);
    return f;
  }

  static Type type(boolean f32) {
    return f32 ? PrimitiveType.floatType() : PrimitiveType.doubleType();
  }

  static Type doubleType() {
    return PrimitiveType.doubleType();
  }
}
