package dev.cortado.codegen.emit;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.expr.ArrayAccessExpr;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.CastExpr;
import com.github.javaparser.ast.expr.ConditionalExpr;
import com.github.javaparser.ast.expr.EnclosedExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.LiteralExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.ThisExpr;
import com.github.javaparser.ast.expr.UnaryExpr;
import com.github.javaparser.ast.expr.VariableDeclarationExpr;
import java.util.Optional;

/**
 * Whether the parentheses of an {@link EnclosedExpr} are needed: Java's operator precedence
 * (JLS §15) read backwards. An enclosed expression can print bare where the parser would rebuild
 * the same tree from the bare text: a binary operand that binds tighter than its operator, or as
 * tight on the left (the binary operators the emitter uses associate to the left); anything where
 * no operator competes (an argument, an index, an initializer, a statement, the value of an
 * assignment); a primary expression (name, literal, call, field, array element) anywhere.
 * Everything else keeps them: a right operand as tight as its operator ({@code a - (b - c)},
 * and {@code a + (b + c)}, since floating-point addition is not associative), the operand of a
 * unary minus or a cast unless it is primary ({@code -(-x)} would print as {@code --x}), a nested
 * conditional.
 */
final class Precedence {
  private Precedence() {}

  /** Binding strength: higher binds tighter. */
  private static final int ASSIGN = 1;
  private static final int CONDITIONAL = 2;
  private static final int UNARY = 14;
  private static final int PRIMARY = 15;

  static boolean needsParentheses(EnclosedExpr n) {
    Optional<Node> parent = n.getParentNode();
    if (parent.isEmpty() || parent.get() instanceof EnclosedExpr) {
      return false; // the outer parentheses decide
    }
    Expression inner = n.getInner();
    while (inner instanceof EnclosedExpr e) {
      inner = e.getInner();
    }
    int own = strength(inner);
    if (own == PRIMARY) {
      return false;
    }
    Node p = parent.get();
    if (!(p instanceof Expression) || p instanceof VariableDeclarationExpr) {
      return false; // a statement, an initializer, an argument list's owner is below
    }
    if (p instanceof BinaryExpr b) {
      int op = strength(b.getOperator());
      return b.getLeft() == n ? own < op : own <= op;
    }
    if (p instanceof MethodCallExpr call) {
      return call.getScope().map(s -> s == n).orElse(false);
    }
    if (p instanceof ObjectCreationExpr) {
      return false;
    }
    if (p instanceof ArrayAccessExpr a) {
      return a.getName() == n;
    }
    if (p instanceof AssignExpr a) {
      return a.getTarget() == n;
    }
    if (p instanceof ConditionalExpr) {
      return own <= CONDITIONAL;
    }
    return true; // unary, cast, field scope, anything else: only a primary goes bare
  }

  private static int strength(Expression e) {
    if (e instanceof NameExpr || e instanceof LiteralExpr || e instanceof MethodCallExpr
        || e instanceof FieldAccessExpr || e instanceof ArrayAccessExpr || e instanceof ThisExpr
        || e instanceof ObjectCreationExpr) {
      return PRIMARY;
    }
    if (e instanceof UnaryExpr u) {
      return u.getOperator().isPostfix() ? PRIMARY : UNARY;
    }
    if (e instanceof CastExpr) {
      return UNARY - 1;
    }
    if (e instanceof BinaryExpr b) {
      return strength(b.getOperator());
    }
    if (e instanceof ConditionalExpr) {
      return CONDITIONAL;
    }
    return ASSIGN; // assignments, lambdas and whatever else: the loosest
  }

  private static int strength(BinaryExpr.Operator op) {
    return switch (op) {
      case MULTIPLY, DIVIDE, REMAINDER -> 12;
      case PLUS, MINUS -> 11;
      case LEFT_SHIFT, SIGNED_RIGHT_SHIFT, UNSIGNED_RIGHT_SHIFT -> 10;
      case LESS, GREATER, LESS_EQUALS, GREATER_EQUALS -> 9;
      case EQUALS, NOT_EQUALS -> 8;
      case BINARY_AND -> 7;
      case XOR -> 6;
      case BINARY_OR -> 5;
      case AND -> 4;
      case OR -> 3;
    };
  }
}
