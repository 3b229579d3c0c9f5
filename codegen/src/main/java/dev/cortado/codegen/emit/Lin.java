package dev.cortado.codegen.emit;

import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.NameExpr;
import java.util.ArrayList;
import java.util.List;

/**
 * An integer index {@code c + Σ k·var}, folded as it is built, so an unrolled loop yields a
 * literal and a contiguous loop yields the bare loop variable.
 *
 * @param terms the variable terms, one a variable, none with coefficient 0
 * @param constant the constant {@code c}
 */
public record Lin(List<Term> terms, long constant) {
  /**
   * One term {@code coef·var} of an index.
   *
   * @param var the name of an int local (a loop variable)
   * @param coef its coefficient, never 0
   */
  public record Term(String var, long coef) {}

  static final Lin ZERO = new Lin(List.of(), 0);

  static Lin of(long c) {
    return new Lin(List.of(), c);
  }

  static Lin var(String v) {
    return new Lin(List.of(new Term(v, 1)), 0);
  }

  Lin times(long k) {
    if (k == 0) {
      return ZERO;
    }
    List<Term> t = new ArrayList<>();
    for (Term x : terms) {
      t.add(new Term(x.var, x.coef * k));
    }
    return new Lin(t, constant * k);
  }

  Lin plus(Lin o) {
    List<Term> t = new ArrayList<>(terms);
    for (Term x : o.terms) {
      int i = indexOf(t, x.var);
      if (i < 0) {
        t.add(x);
      } else {
        t.set(i, new Term(x.var, t.get(i).coef + x.coef));
      }
    }
    t.removeIf(x -> x.coef == 0);
    return new Lin(t, constant + o.constant);
  }

  private static int indexOf(List<Term> t, String v) {
    for (int i = 0; i < t.size(); i++) {
      if (t.get(i).var.equals(v)) {
        return i;
      }
    }
    return -1;
  }

  boolean isConstant() {
    return terms.isEmpty();
  }

  /** The index as Java: {@code ((i0 * 3) + i1)}, each compound operand in parentheses. */
  Expression toExpr() {
    Expression e = null;
    List<Term> sorted = new ArrayList<>(terms);
    sorted.sort(java.util.Comparator.comparing(Term::var));
    for (Term t : sorted) {
      Expression term = t.coef == 1 ? new NameExpr(t.var) : J.bin(BinaryExpr.Operator.MULTIPLY, new NameExpr(t.var), J.intLit(t.coef));
      e = e == null ? term : J.bin(BinaryExpr.Operator.PLUS, e, term);
    }
    if (e == null) {
      return J.intLit(constant);
    }
    return constant == 0 ? e : J.bin(BinaryExpr.Operator.PLUS, e, J.intLit(constant));
  }

}
