package dev.cortado.codegen.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.javaparser.StaticJavaParser;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What {@link Access} finds a block of generated code to read and write: the forms the emitters
 * write arrays in (element assignment, {@code System.arraycopy}, a local row alias, the Vector
 * API's {@code intoArray}), a call of a method of the class whose body is known (a register
 * block), and the conservative cases (an unknown call writes its arguments).
 */
class AccessTest {
  private static Access of(String block) {
    return Access.of(StaticJavaParser.parseBlock(block));
  }

  @Test
  void anElementAssignmentWritesItsArrayAndLocalsAreNotFields() {
    Access a = of("{ for (int i = lo; i < hi; i++) { out[i] = (in[i] + s[0]); } }");
    assertEquals(Set.of("out"), a.writes());
    assertTrue(a.reads().containsAll(Set.of("out", "in", "s")), a.reads().toString());
    assertFalse(a.reads().contains("i") || a.reads().contains("lo") || a.reads().contains("hi"), a.reads().toString());
    assertEquals(Set.of("m"), of("{ m[2][3] += 1.0f; }").writes());
    assertEquals(Set.of("step"), of("{ step[0]++; }").writes());
    assertEquals(Set.of(), of("{ int k = 0; k++; double t = 0.0; t = (t + v[k]); }").writes());
  }

  @Test
  void aKnownMethodWritesOnlyTheArgumentsOfTheParametersItWrites() {
    com.github.javaparser.ast.body.MethodDeclaration block = StaticJavaParser.parseMethodDeclaration(
        "private static void block(float[] lhs, float[] rhs, float[][] acc, int o) {"
        + " float[] row = acc[o]; row[0] = lhs[o] * rhs[0] + bias[0]; counter[0]++; }");
    java.util.function.Function<String, com.github.javaparser.ast.body.MethodDeclaration> methods =
        name -> name.equals("block") ? block : null;
    Access a = Access.of(StaticJavaParser.parseBlock("{ float[][] own = acc_threads[t]; block(x, w, own, 3); }"), methods);
    assertEquals(Set.of("acc_threads", "counter"), a.writes());
    assertTrue(a.reads().containsAll(Set.of("x", "w", "bias", "counter", "acc_threads")), a.reads().toString());
    assertFalse(a.reads().contains("lhs") || a.reads().contains("row"), a.reads().toString());
    // unknown to the same call without the method: every argument counts as written
    assertEquals(Set.of("x", "w", "acc_threads"), Access.of(StaticJavaParser.parseBlock(
        "{ float[][] own = acc_threads[t]; block(x, w, own, 3); }")).writes());
  }

  @Test
  void arraycopyWritesItsDestinationOnly() {
    Access a = of("{ for (int p = lo; p < hi; p++) { System.arraycopy(w, (p * 4), rows[p], 0, 4); } }");
    assertEquals(Set.of("rows"), a.writes());
    assertTrue(a.reads().contains("w"));
  }

  @Test
  void aWriteThroughALocalRowWritesTheArrayItCameFrom() {
    assertEquals(Set.of("own_acc"), of("{ int i = 0; float[] acc = own_acc[i]; acc[1] = x[0]; }").writes());
    assertEquals(Set.of("rows"), of("{ float[] r = null; r = rows[2]; r[1] = 1.0f; }").writes());
    assertEquals(Set.of("rows", "dst"), of("{ float[] a = rows[0]; float[] b = a; System.arraycopy(src, 0, b, 0, 2); dst[0] = b[0]; }")
        .writes());
    // a row only read from is not written
    assertEquals(Set.of("s"), of("{ float[] w = rows[0]; s[0] = w[0]; }").writes());
  }

  @Test
  void theVectorApiWritesOnlyThroughIntoArray() {
    Access a = of("{ FloatVector v = FloatVector.fromArray(species, in, 0); v.fma(v, v).intoArray(out[0], 16); }");
    assertEquals(Set.of("out"), a.writes());
    assertTrue(a.reads().contains("in"));
  }

  @Test
  void anUnknownCallWritesEveryArgument() {
    assertEquals(Set.of("a", "b"), of("{ helper(a, b[0]); }").writes());
    assertEquals(Set.of(), of("{ x[0] = ((float) Math.exp(Rng.uniform(3L, 2L, 1L))); }").writes().stream()
        .filter(n -> !n.equals("x")).collect(java.util.stream.Collectors.toSet()));
  }

  @Test
  void conflictsAreWritesMeetingAnyUse() {
    Access writesX = of("{ x[0] = y[0]; }");
    Access readsX = of("{ z[0] = x[0]; }");
    Access readsY = of("{ w[0] = y[1]; }");
    assertTrue(writesX.conflicts(readsX) && readsX.conflicts(writesX));
    assertFalse(writesX.conflicts(readsY) || readsY.conflicts(writesX), "two readers of y do not conflict");
    assertTrue(writesX.conflicts(of("{ x[1] = 0.0f; }")), "two writers of x conflict");
    assertTrue(writesX.plus(readsY).conflicts(readsX));
  }
}
