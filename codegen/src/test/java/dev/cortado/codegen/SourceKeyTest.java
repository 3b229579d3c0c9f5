package dev.cortado.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.codegen.emit.BlockedMatmul;
import dev.cortado.codegen.emit.LoopMatmul;
import dev.cortado.interp.Interpreter;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.Shape;
import dev.cortado.runtime.Executable;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key of a generated class ({@link Codegen#key}): each thing the source depends on besides
 * the graph (which {@code CanonicalTest} covers attribute by attribute) changes it, and two
 * models that print alike but compute differently ({@code x / 0.0} and {@code x / -0.0}) get
 * different keys, sources and classes, in memory and through the on-disk cache.
 */
class SourceKeyTest {
  /** {@code out = x / c}. */
  static Graph divideBy(double c) {
    GraphBuilder b = new GraphBuilder("divide", DType.F64);
    Node x = b.input("x", Shape.of(Shape.BATCH, 2));
    b.output("out", b.div(x, b.constant(c)));
    return b.build();
  }

  @Test
  void everyInputOfTheSourceChangesTheKey() {
    Graph g = CompiledErrorsTest.training();
    Codegen.Options o = new Codegen.Options(new BlockedMatmul(), null);
    String base = Codegen.key(g, "d", 2, "p", "C", o);
    assertEquals(base, Codegen.key(CompiledErrorsTest.training(), "d", 2, "p", "C", o), "one model, one key");
    List<String> changed = List.of(
        Codegen.key(CompiledErrorsTest.forward(DType.F64), "d", 2, "p", "C", o),
        Codegen.key(g, "e", 2, "p", "C", o),
        Codegen.key(g, "d", 3, "p", "C", o),
        Codegen.key(g, "d", 2, "q", "C", o),
        Codegen.key(g, "d", 2, "p", "D", o),
        Codegen.key(g, "d", 2, "", "pC", o),
        Codegen.key(g, "d", 2, "p", "C", o.withMatmul(new LoopMatmul())),
        Codegen.key(g, "d", 2, "p", "C", o.withThreads(2)),
        Codegen.key(g, "d", 2, "p", "C", o.withSplitFrom(7)),
        Codegen.key(g, "d", 2, "p", "C", o.withSplitStep(true)));
    Set<String> seen = new HashSet<>(Set.of(base));
    for (int i = 0; i < changed.size(); i++) {
      assertTrue(seen.add(changed.get(i)), "change " + i + " kept a key already seen");
    }
  }

  @Test
  void zeroAndNegativeZeroGetTheirOwnClasses(@TempDir Path dir) {
    Graph plus = divideBy(0.0);
    Graph minus = divideBy(-0.0);
    assertEquals(plus.toString(), minus.toString(), "they print alike");
    Codegen.Options o = Codegen.Options.defaults().withCache(dir);
    assertNotEquals(Codegen.key(plus, "d", 2, "p", "C", o), Codegen.key(minus, "d", 2, "p", "C", o));
    Map<String, double[]> x = Map.of("x", new double[] {1, -2, 3, 4});
    for (int run = 0; run < 2; run++) { // the second run loads both classes from the on-disk cache
      for (Graph g : new Graph[] {plus, minus}) {
        Executable compiled = Codegen.compile(g, "inference only", o);
        double[] want = new Interpreter(g).predict(x).get("out");
        double[] got = compiled.predict(x).get("out");
        assertEquals(g == plus ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY, want[0]);
        assertEquals(List.of(want[0], want[1]), List.of(got[0], got[1]), "run " + run);
      }
    }
  }
}
