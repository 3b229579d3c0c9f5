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
 * equals the interpreter).
 */
class VectorMatmulTest {
  private static final String FORMS = """
      9, 32, 7, false, false, rows read in place with a tail row
      9, 32, 7, true, true, rows over op(B) copied
      8, 48, 5, false, false, rows of single vectors
      64, 3, 20, true, false, columns read in place
      64, 3, 20, false, true, columns over op(A) copied
      64, 5, 9, false, false, columns copied with a tail column
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

  @ParameterizedTest(name = "{5}: m={0} n={1} k={2} transA={3} transB={4}")
  @CsvSource(textBlock = FORMS)
  void f32GivesTheBlockedKernelsFloatsExactly(int m, int n, int k, boolean ta, boolean tb, String form) {
    assumeTrue(VectorMatmul.available(), "this JVM has no jdk.incubator.vector");
    SplittableRandom r = new SplittableRandom(m * 131L + n * 17L + k);
    Graph g = BlockedMatmulTest.graph(m, n, k, ta, tb, DType.F32, r);
    Map<String, double[]> in = BlockedMatmulTest.input(m, k, DType.F32, r);
    Codegen.Options vector = new Codegen.Options(VectorMatmul.preferred(), null);
    String src = Codegen.generateSource(g, form, 1, "p", "C", vector);
    assertTrue(src.contains("FloatVector.fromArray("), "vector kernel used for " + form);
    assertEquals(form.contains("copied"), src.contains("scratch_rows_"),
        "operand copied for " + form);
    Map<String, double[]> want = Codegen.compile(g, form, new Codegen.Options(new BlockedMatmul(), null)).predict(in);
    Map<String, double[]> got = Codegen.compile(g, form, vector).predict(in);
    for (String out : want.keySet()) {
      assertArrayEquals(want.get(out), got.get(out), form + " " + out);
    }
  }

  @ParameterizedTest(name = "{5}")
  @CsvSource(textBlock = FORMS)
  void f64FallsBackAndEqualsTheInterpreter(int m, int n, int k, boolean ta, boolean tb, String form) {
    assumeTrue(VectorMatmul.available(), "this JVM has no jdk.incubator.vector");
    SplittableRandom r = new SplittableRandom(m * 131L + n * 17L + k);
    Graph g = BlockedMatmulTest.graph(m, n, k, ta, tb, DType.F64, r);
    Map<String, double[]> in = BlockedMatmulTest.input(m, k, DType.F64, r);
    Codegen.Options vector = new Codegen.Options(VectorMatmul.preferred(), null);
    assertFalse(Codegen.generateSource(g, form, 1, "p", "C", vector).contains("FloatVector"));
    Map<String, double[]> want = new Interpreter(g).predict(in);
    Map<String, double[]> got = Codegen.compile(g, form, vector).predict(in);
    assertArrayEquals(want.get("pre"), got.get("pre"), form);
  }
}
