package dev.cortado.codegen.emit;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.printer.DefaultPrettyPrinterVisitor;
import com.github.javaparser.printer.configuration.ConfigurationOption;
import com.github.javaparser.printer.configuration.DefaultPrinterConfiguration;
import com.github.javaparser.printer.configuration.DefaultPrinterConfiguration.ConfigOption;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * JavaParser's default pretty printer, minus work that the emitted ASTs never need: it looks for
 * orphan comments before every node by copying and sorting the parent's children (the emitter
 * attaches every comment to a node, so there are none), and it looks every option up in a set
 * on every node. The text is {@code cu.toString()}'s, character for character.
 */
public final class Printer extends DefaultPrettyPrinterVisitor {
  private final Map<ConfigOption, Optional<ConfigurationOption>> options = new EnumMap<>(ConfigOption.class);

  private Printer() {
    super(new DefaultPrinterConfiguration());
  }

  /** The source of {@code cu}, as {@code cu.toString()} prints it. */
  public static String print(CompilationUnit cu) {
    Printer p = new Printer();
    cu.accept(p, null);
    return p.toString();
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
