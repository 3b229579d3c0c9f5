package dev.cortado.codegen.emit;

import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.expr.DoubleLiteralExpr;
import com.github.javaparser.ast.expr.UnaryExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Explains the optimizer's numbers where the generated code uses them: in each kernel of the
 * update (a block whose comment names an {@code update/} node), the first statement that uses a
 * constant the graph has a note for ({@link dev.cortado.ir.Graph#notes}: beta1, 1 - beta1, eps,
 * ln(beta2) of the bias correction, the weight decay, a clip value) gets a comment saying what it
 * is ({@code // 0.999 is beta2, the decay of the second moment exp_avg_sq}). A constant is
 * explained once per kernel; 0, 1 and 2 never are.
 */
final class ConstantNotes {
  private ConstantNotes() {}

  /** Adds the comments to the kernels of {@code cls}. */
  static void annotate(ClassOrInterfaceDeclaration cls, Map<Double, String> notes, boolean f32) {
    Map<String, String> byText = spellings(notes, f32);
    if (byText.isEmpty()) {
      return;
    }
    for (BlockStmt kernel : cls.findAll(BlockStmt.class)) {
      boolean update = kernel.getComment().map(c -> c.getContent().contains("update/")).orElse(false);
      if (!update) {
        continue;
      }
      Set<String> explained = new HashSet<>();
      for (ExpressionStmt s : kernel.findAll(ExpressionStmt.class)) {
        List<String> said = new ArrayList<>();
        for (DoubleLiteralExpr lit : s.findAll(DoubleLiteralExpr.class)) {
          String text = (negated(lit) ? "-" : "") + lit.getValue();
          String meaning = byText.get(text);
          if (meaning != null && explained.add(text)) {
            said.add(text + " is " + meaning);
          }
        }
        if (!said.isEmpty() && s.getComment().isEmpty()) {
          s.setLineComment(" " + JavaText.literal(String.join("; ", said)));
        }
      }
    }
  }

  private static boolean negated(DoubleLiteralExpr lit) {
    return lit.getParentNode().filter(p -> p instanceof UnaryExpr u && u.getOperator() == UnaryExpr.Operator.MINUS)
        .isPresent();
  }

  /** Each noted value as the emitter writes it ({@link J#lit}), in double and, for F32, in float. */
  private static Map<String, String> spellings(Map<Double, String> notes, boolean f32) {
    Map<String, String> out = new LinkedHashMap<>();
    notes.forEach((v, meaning) -> {
      double a = Math.abs(v);
      if (!Double.isFinite(v) || a == 0 || a == 1 || a == 2) {
        return;
      }
      String sign = v < 0 ? "-" : "";
      out.merge(sign + Double.toString(a), meaning, (x, y) -> x + "; the same number is " + y);
      if (f32) {
        out.merge(sign + Float.toString((float) a) + "f", meaning, (x, y) -> x.equals(y) ? x : x + "; the same float is " + y);
      }
    });
    return out;
  }
}
