package dev.cortado.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.javaparser.ast.CompilationUnit;
import dev.cortado.codegen.emit.ClassEmitter;
import dev.cortado.codegen.emit.Printer;
import dev.cortado.codegen.lower.Plan;
import dev.cortado.codegen.pass.Passes.Entry;
import dev.cortado.ir.Graph;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The emitter's printer (JavaParser's default one minus its orphan-comment search) prints every
 * emitted class exactly as {@code CompilationUnit.toString()} does: 40 random models, with every
 * kind of kernel, comment and Javadoc the emitter makes, and the shared-forward classifier.
 */
class PrinterTest {
  @Test
  void printsWhatToStringPrints() {
    for (long seed = 3000; seed < 3040; seed++) {
      RandomGraphs.Generated c = RandomGraphs.generate(seed);
      assertSamePrint(c.graph(), c.batch(), "seed " + seed);
    }
    assertSamePrint(SharedKernelsTest.classifier(), 8, "classifier");
  }

  private static void assertSamePrint(Graph g, int batch, String what) {
    Dump none = new Dump(null, g.name());
    Map<Entry, Plan> plans = new EnumMap<>(Entry.class);
    for (Entry e : Codegen.entries(g)) {
      plans.put(e, Codegen.schedule(Codegen.optimize(g, e, batch, none), e, batch, none));
    }
    CompilationUnit cu = ClassEmitter.emit(new ClassEmitter.Input(g, Codegen.spec(g, "printer"), batch,
        plans.get(Entry.TRAIN), plans.get(Entry.PREDICT), plans.get(Entry.EVALUATE), "p", "C",
        Codegen.Options.defaults().matmul()));
    assertEquals(cu.toString(), Printer.print(cu), what);
  }
}
