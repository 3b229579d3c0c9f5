package dev.cortado.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cortado.codegen.emit.BlockedMatmul;
import dev.cortado.codegen.emit.VectorMatmul;
import dev.cortado.interp.Interpreter;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Vector API kernel, run both ways: the default Surefire run has no {@code jdk.incubator.vector}
 * (the blocked kernel is chosen and the vector one refuses to start), the {@code vector-api}
 * execution adds the module (the vector kernel is chosen, and every form gives exactly the floats
 * of {@link BlockedMatmul}, which sums each element in the same fma order; F64 falls back and
 * equals the interpreter), also when split over threads.
 */
class VectorMatmulTest {
  private static final String FORMS = """
      9, 32, 7, false, false, rows read in place with a tail row
      9, 32, 7, true, true, rows over op(B) copied
      8, 48, 5, false, false, rows of single vectors
      64, 3, 20, true, false, columns read in place
      64, 3, 20, false, true, columns over op(A) copied
      64, 5, 9, false, false, columns copied with a tail column
      14, 64, 11, false, false, blocks of 6 rows by 4 vectors with tail rows
      14, 64, 11, true, true, blocks of 6 rows by 4 vectors over op(B) copied
      19, 48, 6, true, false, blocks of 8 rows by 3 vectors with tail rows
      27, 32, 5, false, true, blocks of 12 rows by 2 vectors over op(B) copied
      17, 16, 9, false, false, blocks of 8 rows of one vector
      14, 128, 11, false, false, two strips of blocks of 6 rows by 4 vectors with tail rows
      14, 128, 11, true, true, two strips of blocks of 6 rows by 4 vectors over op(B) copied
      20, 96, 9, false, false, blocks of 8 rows by 3 vectors with tail rows (two strips of 16 lanes)
      100, 128, 96, false, false, blocks of 6 rows by 4 vectors over op(B) in panels with tail rows
      """;

  @Test
  void withoutTheModuleTheBlockedKernelIsChosen() {
    assumeFalse(VectorMatmul.available(), "this JVM has jdk.incubator.vector");
    assumeTrue(System.getProperty("cortado.matmul") == null);
    assertInstanceOf(BlockedMatmul.class, Codegen.Options.defaults().matmul());
    IllegalStateException e = assertThrows(IllegalStateException.class, VectorMatmul::preferred);
    assertTrue(e.getMessage().contains("--add-modules jdk.incubator.vector"), e.getMessage());
  }

  @Test
  void withTheModuleTheVectorKernelIsChosen() {
    assumeTrue(VectorMatmul.available(), "this JVM has no jdk.incubator.vector");
    assumeTrue(System.getProperty("cortado.matmul") == null);
    assertInstanceOf(VectorMatmul.class, Codegen.Options.defaults().matmul());
  }

  /** A graph of the form in {@code dtype}, its input, and the vector kernel's source and executable. */
  private record Case(Graph graph, Map<String, double[]> input, String source, Codegen.Options vector) {
    static Case of(int m, int n, int k, boolean ta, boolean tb, DType dtype, String form) {
      assumeTrue(VectorMatmul.available(), "this JVM has no jdk.incubator.vector");
      SplittableRandom r = new SplittableRandom(m * 131L + n * 17L + k);
      Graph g = BlockedMatmulTest.graph(m, n, k, ta, tb, dtype, r);
      Map<String, double[]> in = BlockedMatmulTest.input(m, k, dtype, r);
      Codegen.Options vector = new Codegen.Options(VectorMatmul.preferred(), null);
      return new Case(g, in, Codegen.generateSource(g, form, 1, "p", "C", vector), vector);
    }

    Map<String, double[]> run(Codegen.Options o) {
      return Codegen.compile(graph, "vector test", o).predict(input);
    }
  }

  @Test
  void eachVectorLengthHasItsOwnSource() {
    Graph g = BlockedMatmulTest.graph(8, 32, 8, false, false, DType.F32, new SplittableRandom(3));
    String s8 = Codegen.generateSource(g, "lanes", 1, "p", "C", new Codegen.Options(new VectorMatmul(8), null));
    String s16 = Codegen.generateSource(g, "lanes", 1, "p", "C", new Codegen.Options(new VectorMatmul(16), null));
    assertTrue(s8.contains("FloatVector.SPECIES_256"), "8 floats: 256 bits");
    assertTrue(s16.contains("FloatVector.SPECIES_512"), "16 floats: 512 bits, not the cached 8-lane source");
    assertThrows(IllegalArgumentException.class, () -> new VectorMatmul(5));
  }

  @ParameterizedTest(name = "{5}: m={0} n={1} k={2} transA={3} transB={4}")
  @CsvSource(textBlock = FORMS)
  void f32GivesTheBlockedKernelsFloatsExactly(int m, int n, int k, boolean ta, boolean tb, String form) {
    Case c = Case.of(m, n, k, ta, tb, DType.F32, form);
    assertTrue(c.source().contains("FloatVector.fromArray("), "vector kernel used for " + form);
    assertEquals(form.contains("copied"), c.source().contains("scratch_row_"), "operand copied for " + form);
    if (System.getProperty("cortado.vectorStep") == null) {
      // a sum in forced steps reads op(B) in place instead
      assertEquals(form.contains("panels"), c.source().contains("op(B) in panels of"), "op(B) in panels for " + form);
    }
    Map<String, double[]> want = c.run(new Codegen.Options(new BlockedMatmul(), null));
    if (form.startsWith("two strips")) {
      // a split product with few blocks of rows shares them out in two strips of columns
      String two = Codegen.generateSource(c.graph(), form, 1, "p", "C", c.vector().withThreads(2).withSplitFrom(0));
      assertTrue(two.contains("int jlo = chunk % 2 * " + n / 2 + ";"), "no strips of columns for " + form);
    }
    // and split by blocks of result rows over 2 and 3 threads (a tail row on the last thread, strips
    // of columns where there are few blocks)
    for (int threads = 1; threads <= 3; threads++) {
      Map<String, double[]> got = c.run(c.vector().withThreads(threads).withSplitFrom(0));
      for (String out : want.keySet()) {
        assertArrayEquals(want.get(out), got.get(out), form + " " + out + ", " + threads + " thread(s)");
      }
    }
  }

  @ParameterizedTest(name = "{5}")
  @CsvSource(textBlock = FORMS)
  void f64FallsBackAndEqualsTheInterpreter(int m, int n, int k, boolean ta, boolean tb, String form) {
    Case c = Case.of(m, n, k, ta, tb, DType.F64, form);
    assertFalse(c.source().contains("FloatVector"));
    assertArrayEquals(new Interpreter(c.graph()).predict(c.input()).get("pre"), c.run(c.vector()).get("pre"), form);
  }
}
