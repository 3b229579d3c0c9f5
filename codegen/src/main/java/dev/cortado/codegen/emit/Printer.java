package dev.cortado.codegen.emit;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Modifier;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.expr.AnnotationExpr;
import com.github.javaparser.ast.expr.EnclosedExpr;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.VariableDeclarationExpr;
import com.github.javaparser.ast.nodeTypes.NodeWithVariables;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import com.github.javaparser.printer.DefaultPrettyPrinterVisitor;
import com.github.javaparser.printer.configuration.ConfigurationOption;
import com.github.javaparser.printer.configuration.DefaultPrinterConfiguration;
import com.github.javaparser.printer.configuration.DefaultPrinterConfiguration.ConfigOption;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * JavaParser's default pretty printer, minus work that the emitted ASTs never need, and printing
 * only the parentheses Java needs.
 *
 * <p>The emitter wraps every compound expression in an {@link EnclosedExpr} (JavaParser's printer
 * never adds parentheses, so the tree must say where they go). This printer prints an enclosed
 * expression without its parentheses wherever Java's precedence and left-to-right associativity
 * give the same tree: {@code (a * b) + c} prints as {@code a * b + c} and {@code (a + b) - c} as
 * {@code a + b - c}, while {@code a - (b - c)}, {@code a + (b + c)} (floating-point addition is
 * not associative), {@code (a + b) * c} and {@code -(-x)} keep theirs. See {@link Precedence}.
 *
 * <p>It also skips what the emitted ASTs never need: the search for orphan comments before every
 * node, by copying and sorting the parent's children (the emitter attaches every comment to a
 * node, so there are none), the look-up of every option in a set on every node, and, for every
 * declaration, the type its variables have in common, printed at each array level, twice (the
 * emitter declares one variable at a time, whose type that is). Apart from the parentheses, the
 * text is {@code cu.toString()}'s, character for character.
 */
public final class Printer extends DefaultPrettyPrinterVisitor {
  private final Map<ConfigOption, Optional<ConfigurationOption>> options = new EnumMap<>(ConfigOption.class);

  private Printer() {
    super(new DefaultPrinterConfiguration());
  }

  /**
   * The source of {@code cu}, as {@code cu.toString()} prints it.
   *
   * @param cu the syntax tree
   * @return its source
   */
  public static String print(CompilationUnit cu) {
    Printer p = new Printer();
    cu.accept(p, null);
    return p.toString();
  }

  @Override
  public void visit(EnclosedExpr n, Void arg) {
    if (n.getComment().isPresent() || Precedence.needsParentheses(n)) {
      super.visit(n, arg);
    } else {
      n.getInner().accept(this, arg);
    }
  }

  @Override
  public void visit(FieldDeclaration n, Void arg) {
    if (n.getVariables().size() != 1) {
      super.visit(n, arg);
      return;
    }
    declaration(n, n.getAnnotations(), true, n.getModifiers(), n.getVariable(0), arg);
    printer.print(";");
  }

  @Override
  public void visit(VariableDeclarationExpr n, Void arg) {
    if (n.getVariables().size() != 1) {
      super.visit(n, arg);
      return;
    }
    boolean statement = n.getParentNode().map(ExpressionStmt.class::isInstance).orElse(false);
    declaration(n, n.getAnnotations(), statement, n.getModifiers(), n.getVariable(0), arg);
  }

  /** A declaration of one variable, as the default printer prints it with its common type. */
  private void declaration(Node n, NodeList<AnnotationExpr> annotations, boolean memberAnnotations,
      NodeList<Modifier> modifiers, VariableDeclarator variable, Void arg) {
    printOrphanCommentsBeforeThisChildNode(n);
    printComment(n.getComment(), arg);
    if (memberAnnotations) {
      printMemberAnnotations(annotations, arg);
    } else {
      printAnnotations(annotations, false, arg);
    }
    printModifiers(modifiers);
    variable.getType().accept(this, arg);
    printer.print(" ");
    variable.accept(this, arg);
  }

  @Override
  public void visit(VariableDeclarator n, Void arg) {
    boolean alone = n.getParentNode().map(p -> p instanceof NodeWithVariables<?> v && v.getVariables().size() == 1)
        .orElse(false);
    if (!alone) {
      super.visit(n, arg);
      return;
    }
    printOrphanCommentsBeforeThisChildNode(n);
    printComment(n.getComment(), arg);
    n.getName().accept(this, arg);
    if (n.getInitializer().isPresent()) {
      printer.print(" = ");
      n.getInitializer().get().accept(this, arg);
    }
  }

  @Override
  protected Optional<ConfigurationOption> getOption(ConfigOption option) {
    return options.computeIfAbsent(option, super::getOption);
  }

  @Override
  protected void printOrphanCommentsBeforeThisChildNode(Node node) {
    if (node.getParentNode().map(p -> !p.getOrphanComments().isEmpty()).orElse(false)) {
      super.printOrphanCommentsBeforeThisChildNode(node);
    }
  }

  @Override
  protected void printOrphanCommentsEnding(Node node) {
    if (!node.getOrphanComments().isEmpty()) {
      super.printOrphanCommentsEnding(node);
    }
  }
}
