package dev.cortado.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.javaparser.StaticJavaParser;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.comments.Comment;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.CastExpr;
import com.github.javaparser.ast.expr.ConditionalExpr;
import com.github.javaparser.ast.expr.EnclosedExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.UnaryExpr;
import dev.cortado.codegen.emit.ClassEmitter;
import dev.cortado.codegen.emit.Printer;
import dev.cortado.codegen.lower.Plan;
import dev.cortado.codegen.pass.Passes.Entry;
import dev.cortado.ir.Graph;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The emitter's printer drops only parentheses Java does not need: the text it prints parses back
 * to exactly the tree the emitter built (compared with every compound expression parenthesised on
 * both sides, so a dropped pair that changed the grouping shows), it prints fewer parentheses than
 * JavaParser's own printer of the same tree, and apart from parentheses the text is the same. 40
 * random models, with every kind of kernel, comment and Javadoc the emitter makes, and the
 * shared-forward classifier; and the cases where dropping them would change the value.
 */
class PrinterTest {
  @Test
  void printsTheSameTreeWithFewerParentheses() {
    for (long seed = 3000; seed < 3040; seed++) {
      RandomGraphs.Generated c = RandomGraphs.generate(seed);
      assertSameTree(c.graph(), c.batch(), "seed " + seed);
    }
    assertSameTree(SharedKernelsTest.classifier(), 8, "classifier");
  }

  @Test
  void keepsTheParenthesesThatChangeTheValue() {
    assertEquals("a - (b - c)", printed("a - (b - c)"));
    assertEquals("a + (b + c)", printed("a + (b + c)"));
    assertEquals("a + b - c", printed("(a + b) - c"));
    assertEquals("a * b + c", printed("(a * b) + c"));
    assertEquals("(a + b) * c", printed("(a + b) * c"));
    assertEquals("a / (b * c)", printed("a / (b * c)"));
    assertEquals("-(-a)", printed("-(-a)"));
    assertEquals("(float) (a + b)", printed("(float) (a + b)"));
    assertEquals("(a > b ? a : b) * c", printed("((a > b) ? a : b) * c"));
    assertEquals("(i << 2) + 1", printed("(i << 2) + 1"));
    assertEquals("f(a + b, x[i * 4 + 1])", printed("f((a + b), x[((i * 4) + 1)])"));
  }

  private static String printed(String expression) {
    CompilationUnit cu = StaticJavaParser.parse("class C { void m() { y = " + expression + "; } }");
    String s = Printer.print(cu);
    int from = s.indexOf("y = ") + 4;
    return s.substring(from, s.indexOf(';', from));
  }

  private static void assertSameTree(Graph g, int batch, String what) {
    Dump none = new Dump(null, g.name());
    Map<Entry, Plan> plans = new EnumMap<>(Entry.class);
    for (Entry e : Codegen.entries(g, false)) {
      plans.put(e, Codegen.schedule(Codegen.optimize(g, e, batch, none), e, batch, none));
    }
    CompilationUnit cu = ClassEmitter.emit(new ClassEmitter.Input(g, Codegen.spec(g, "printer"), batch,
        plans.get(Entry.TRAIN), plans.get(Entry.PREDICT), plans.get(Entry.EVALUATE), "p", "C",
        Codegen.Options.defaults().matmul()));
    String printed = Printer.print(cu);
    String full = cu.toString();
    assertTrue(count(printed, '(') < count(full, '('), what + ": no parenthesis dropped");
    assertEquals(full.replaceAll("[()]", ""), printed.replaceAll("[()]", ""), what + ": text apart from parentheses");
    assertEquals(canonical(cu.clone()), canonical(StaticJavaParser.parse(printed)), what + ": the tree");
  }

  private static long count(String s, char c) {
    return s.chars().filter(x -> x == c).count();
  }

  /** The tree with no comments, no parentheses of its own and every compound expression enclosed. */
  private static String canonical(CompilationUnit cu) {
    cu.getAllContainedComments().forEach(Comment::remove);
    cu.getComment().ifPresent(Comment::remove);
    List<EnclosedExpr> enclosed = cu.findAll(EnclosedExpr.class);
    for (int i = enclosed.size() - 1; i >= 0; i--) {
      enclosed.get(i).replace(enclosed.get(i).getInner());
    }
    List<Expression> all = cu.findAll(Expression.class);
    for (int i = all.size() - 1; i >= 0; i--) { // children first
      Expression e = all.get(i);
      if (e instanceof BinaryExpr || e instanceof UnaryExpr || e instanceof CastExpr || e instanceof ConditionalExpr) {
        EnclosedExpr wrap = new EnclosedExpr();
        e.replace(wrap);
        wrap.setInner(e);
      }
    }
    return cu.toString();
  }
}
