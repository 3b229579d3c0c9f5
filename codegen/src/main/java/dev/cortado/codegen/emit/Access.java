package dev.cortado.codegen.emit;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.ArrayAccessExpr;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.CastExpr;
import com.github.javaparser.ast.expr.EnclosedExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.UnaryExpr;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The fields a block of generated statements reads and writes, by name, found in its AST: what
 * decides whether two pieces of a step may run at the same time ({@link #conflicts}: one writes
 * a field the other names). Conservative by construction, so a missed dependency cannot happen
 * silently:
 *
 * <ul>
 *   <li>every field the block names counts as read;
 *   <li>written: the array of an element assignment ({@code a[i] = …}, {@code a[i][j] += …},
 *       {@code a[i]++}), the destination of {@code System.arraycopy}, the array of {@code
 *       v.intoArray(a, …)}, and every name passed to a call this class does not know to be pure
 *       ({@code Math}, {@code Float}, {@code Double}, {@code Rng}, the Vector API's factories and
 *       the methods of a local vector), except for a method of the generated class given to {@link
 *       #of(Node, Function)} (a matmul kernel's register block): there only the arguments for the
 *       parameters its body writes, and the fields it names itself, as found in its body the same way;
 *   <li>a local array ({@code float[] acc = own_acc[i]}) is an alias: a write through it writes
 *       every field named in what it was set to.
 * </ul>
 *
 * Locals (declared in the block) and the part parameters {@code lo, hi, chunk, t} are not fields.
 * A per-thread working array ({@code own_X}, read from {@code X_threads[t]}) is the same memory as
 * field {@code X} for thread 0, so callers pass blocks emitted with the shared fields.
 */
record Access(Set<String> reads, Set<String> writes) {
  private static final Set<String> PARAMETERS = Set.of("lo", "hi", "chunk", "t");
  private static final Set<String> PURE_SCOPES = Set.of("Math", "Float", "Double", "Rng", "FloatVector", "DoubleVector",
      "VectorOperators");
  private static final Set<UnaryExpr.Operator> INCREMENTS = Set.of(UnaryExpr.Operator.PREFIX_INCREMENT,
      UnaryExpr.Operator.PREFIX_DECREMENT, UnaryExpr.Operator.POSTFIX_INCREMENT, UnaryExpr.Operator.POSTFIX_DECREMENT);

  /** What {@code code} reads and writes, every method it calls unknown. */
  static Access of(Node code) {
    return of(code, name -> null);
  }

  /**
   * What {@code code} reads and writes, {@code methods} giving the generated class's method of a
   * name called without a scope (null when unknown or not a single method).
   */
  static Access of(Node code, Function<String, MethodDeclaration> methods) {
    return of(code, methods, new HashSet<>());
  }

  private static Access of(Node code, Function<String, MethodDeclaration> methods, Set<String> calling) {
    Set<String> calleeReads = new HashSet<>();
    Set<String> locals = new HashSet<>(PARAMETERS);
    Map<String, Set<String>> aliases = new HashMap<>();
    for (VariableDeclarator v : code.findAll(VariableDeclarator.class)) {
      locals.add(v.getNameAsString());
    }
    for (VariableDeclarator v : code.findAll(VariableDeclarator.class)) {
      if (v.getType().getArrayLevel() > 0) {
        v.getInitializer().ifPresent(init -> aliases.computeIfAbsent(v.getNameAsString(), k -> new HashSet<>())
            .addAll(names(init)));
      }
    }
    Set<String> written = new HashSet<>();
    for (AssignExpr a : code.findAll(AssignExpr.class)) {
      Expression target = a.getTarget();
      if (target.isNameExpr() && aliases.containsKey(target.asNameExpr().getNameAsString())) {
        aliases.get(target.asNameExpr().getNameAsString()).addAll(names(a.getValue()));
      } else if (!target.isNameExpr()) {
        written.add(base(target));
      }
    }
    for (UnaryExpr u : code.findAll(UnaryExpr.class)) {
      if (!u.getExpression().isNameExpr() && INCREMENTS.contains(u.getOperator())) {
        written.add(base(u.getExpression()));
      }
    }
    for (MethodCallExpr c : code.findAll(MethodCallExpr.class)) {
      String m = c.getNameAsString();
      String scope = c.getScope().filter(Expression::isNameExpr).map(s -> s.asNameExpr().getNameAsString()).orElse(null);
      MethodDeclaration callee = c.getScope().isEmpty() ? known(c, methods, calling) : null;
      if (m.equals("arraycopy") && "System".equals(scope) && c.getArguments().size() == 5) {
        written.add(base(c.getArgument(2)));
      } else if (m.equals("intoArray") && c.getArguments().size() >= 1) {
        written.add(base(c.getArgument(0)));
      } else if (callee != null) {
        calling.add(m);
        Access inner = of(callee.getBody().orElseThrow(), methods, calling);
        calling.remove(m);
        Set<String> params = new HashSet<>();
        for (int i = 0; i < callee.getParameters().size(); i++) {
          String p = callee.getParameter(i).getNameAsString();
          params.add(p);
          if (inner.writes().contains(p)) {
            written.addAll(names(c.getArgument(i)));
          }
        }
        inner.writes().stream().filter(w -> !params.contains(w)).forEach(written::add);
        inner.reads().stream().filter(r -> !params.contains(r)).forEach(calleeReads::add);
      } else if (scope == null || !(PURE_SCOPES.contains(scope) || locals.contains(scope))) {
        c.getArguments().forEach(arg -> written.addAll(names(arg)));
      }
    }
    written.remove(null);
    Set<String> writes = new HashSet<>();
    Set<String> seen = new HashSet<>();
    java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(written);
    while (!todo.isEmpty()) {
      String n = todo.pop();
      if (!seen.add(n)) {
        continue;
      }
      if (locals.contains(n)) {
        todo.addAll(aliases.getOrDefault(n, Set.of()));
      } else {
        writes.add(n);
      }
    }
    Set<String> reads = new HashSet<>(names(code));
    reads.removeAll(locals);
    reads.addAll(calleeReads);
    reads.addAll(writes);
    return new Access(Set.copyOf(reads), Set.copyOf(writes));
  }

  /** The method {@code c} calls, if {@code methods} knows it, it takes as many arguments and is not being analysed already. */
  private static MethodDeclaration known(MethodCallExpr c, Function<String, MethodDeclaration> methods, Set<String> calling) {
    String name = c.getNameAsString();
    MethodDeclaration m = calling.contains(name) ? null : methods.apply(name);
    return m != null && m.getBody().isPresent() && m.getParameters().size() == c.getArguments().size() ? m : null;
  }

  /** Every name in {@code n}, locals included. */
  private static Set<String> names(Node n) {
    Set<String> out = new HashSet<>();
    if (n instanceof NameExpr e) {
      out.add(e.getNameAsString());
    }
    n.findAll(NameExpr.class).forEach(e -> out.add(e.getNameAsString()));
    return out;
  }

  /** The array or variable an assignment target or argument denotes: {@code a} for {@code a[i][j]}, {@code this.a}, {@code (a)}. */
  private static String base(Expression e) {
    while (true) {
      if (e instanceof ArrayAccessExpr a) {
        e = a.getName();
      } else if (e instanceof EnclosedExpr p) {
        e = p.getInner();
      } else if (e instanceof CastExpr c) {
        e = c.getExpression();
      } else if (e instanceof FieldAccessExpr f) {
        return f.getNameAsString();
      } else if (e instanceof NameExpr n) {
        return n.getNameAsString();
      } else {
        return null;
      }
    }
  }

  /** The union of two accesses (pieces run one after the other). */
  Access plus(Access o) {
    Set<String> r = new HashSet<>(reads);
    r.addAll(o.reads);
    Set<String> w = new HashSet<>(writes);
    w.addAll(o.writes);
    return new Access(Set.copyOf(r), Set.copyOf(w));
  }

  /** Whether running this and {@code o} at the same time, or in the other order, could change a result. */
  boolean conflicts(Access o) {
    return intersects(writes, o.reads) || intersects(o.writes, reads);
  }

  private static boolean intersects(Set<String> a, Set<String> b) {
    for (String s : a) {
      if (b.contains(s)) {
        return true;
      }
    }
    return false;
  }
}
