package dev.cortado.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.codegen.emit.BlockedMatmul;
import dev.cortado.codegen.emit.LoopMatmul;
import dev.cortado.interp.Interpreter;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.Shape;
import dev.cortado.ir.VariableInfo;
import dev.cortado.op.Op;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The default kernel ({@link BlockedMatmul}) in each of its forms: rows or columns (narrow
 * results), a sum shorter than one group of 4, a remainder after the groups, blocked over the
 * sum with a full or a partial last block. F64 equals the interpreter bit for bit (each element
 * still sums p ascending); F32 (float fma) stays within the rounding bound of a k-term float sum,
 * {@code k·2⁻²³·Σ|a·b|} plus the interpreter's own final rounding. Split over threads by result
 * rows, every element is still computed the same way, so F64 stays exact. Two or four result rows
 * per pass compute every element with the same chain, so F32 equals one row per pass bit for bit.
 */
class BlockedMatmulTest {
  private static final String FORMS = """
      9, 20, 7, false, false, rows with a remainder
      9, 20, 3, true, true, rows shorter than a group
      9, 20, 419, false, false, rows blocked with a partial block
      9, 20, 419, false, true, rows blocked with a partial block over op(B) stored transposed
      8, 64, 256, true, false, rows blocked in full blocks
      300, 3, 50, false, false, columns blocked
      300, 3, 50, true, true, columns blocked over op(A) stored transposed
      20, 3, 9, true, false, columns with a remainder
      10, 20, 7, false, false, rows with a remainder and an even count
      10, 20, 419, false, true, rows blocked with a partial block and an even count
      300, 4, 50, false, false, columns blocked with an even count
      20, 4, 9, true, false, columns with a remainder and an even count
      """;

  static Graph graph(int m, int n, int k, boolean ta, boolean tb, DType dtype, SplittableRandom r) {
    GraphBuilder b = new GraphBuilder("blocked_" + m + "_" + n + "_" + k + "_" + ta + tb + dtype, dtype);
    Node a = b.input("a", ta ? Shape.of(k, m) : Shape.of(m, k));
    double[] wv = new double[k * n];
    for (int i = 0; i < wv.length; i++) {
      wv[i] = dtype == DType.F32 ? (float) r.nextDouble(-1, 1) : r.nextDouble(-1, 1);
    }
    Node w = b.variable("w", tb ? Shape.of(n, k) : Shape.of(k, n), VariableInfo.Role.PARAMETER, true, wv);
    Node bias = b.variable("bias", Shape.of(n), VariableInfo.Role.PARAMETER, true, new double[n]);
    Node mm = b.matmul(a, w, ta, tb);
    Node pre = b.add(mm, bias);
    b.output("pre", pre);
    b.output("act", b.mul(b.unary(Op.TANH, pre), pre));
    b.output("bound", b.matmul(b.unary(Op.ABS, a), b.unary(Op.ABS, w), ta, tb));
    return b.build();
  }

  static Map<String, double[]> input(int m, int k, DType dtype, SplittableRandom r) {
    double[] av = new double[m * k];
    for (int i = 0; i < av.length; i++) {
      av[i] = dtype == DType.F32 ? (float) r.nextDouble(-1, 1) : r.nextDouble(-1, 1);
    }
    return Map.of("a", av);
  }

  @ParameterizedTest(name = "{5}: m={0} n={1} k={2} transA={3} transB={4}")
  @CsvSource(textBlock = FORMS)
  void f64MatchesTheInterpreterExactlyWithBothKernels(int m, int n, int k, boolean ta, boolean tb, String form) {
    SplittableRandom r = new SplittableRandom(m * 31L + n * 7L + k);
    Graph g = graph(m, n, k, ta, tb, DType.F64, r);
    Map<String, double[]> in = input(m, k, DType.F64, r);
    Map<String, double[]> want = new Interpreter(g).predict(in);
    Codegen.Options blocked = new Codegen.Options(new BlockedMatmul(1), null);
    Codegen.Options pairs = new Codegen.Options(new BlockedMatmul(2), null);
    Codegen.Options fours = new Codegen.Options(new BlockedMatmul(4, 4, 0), null);
    Codegen.Options foursOfTwo = new Codegen.Options(new BlockedMatmul(4, 2, 0), null);
    // the blocked kernel also split by result rows over 2 and 3 threads (uneven ranges)
    for (Codegen.Options o : new Codegen.Options[] {blocked, new Codegen.Options(new LoopMatmul(), null),
        blocked.withThreads(2).withSplitFrom(0), blocked.withThreads(3).withSplitFrom(0),
        pairs, pairs.withThreads(3).withSplitFrom(0), fours, fours.withThreads(2).withSplitFrom(0),
        fours.withThreads(3).withSplitFrom(0), foursOfTwo, foursOfTwo.withThreads(3).withSplitFrom(0)}) {
      String what = o.matmul().key() + ", " + o.threads() + " thread(s)";
      Map<String, double[]> got = Codegen.compile(g, form, o).predict(in);
      assertArrayEquals(want.get("pre"), got.get("pre"), what);
      assertArrayEquals(want.get("act"), got.get("act"), what);
    }
  }

  @ParameterizedTest(name = "{5}: m={0} n={1} k={2} transA={3} transB={4}")
  @CsvSource(textBlock = FORMS)
  void f32StaysWithinTheRoundingBoundOfAFloatSum(int m, int n, int k, boolean ta, boolean tb, String form) {
    SplittableRandom r = new SplittableRandom(m * 31L + n * 7L + k + 1);
    Graph g = graph(m, n, k, ta, tb, DType.F32, r);
    Map<String, double[]> in = input(m, k, DType.F32, r);
    Map<String, double[]> want = new Interpreter(g).predict(in);
    Map<String, double[]> got = Codegen.compile(g, form, Codegen.Options.defaults()).predict(in);
    double[] bound = want.get("bound");
    double[] pre = got.get("pre");
    assertEquals(m * n, pre.length);
    for (int e = 0; e < pre.length; e++) {
      double w = want.get("pre")[e];
      double tol = k * 0x1p-23 * bound[e] + Math.ulp((float) w);
      assertTrue(Math.abs(pre[e] - w) <= tol, form + " element " + e + ": " + pre[e] + " vs " + w + ", tolerance " + tol);
    }
  }

  @ParameterizedTest(name = "{5}")
  @CsvSource(textBlock = FORMS)
  void f32SeveralRowsPerPassEqualOneRowBitForBit(int m, int n, int k, boolean ta, boolean tb, String form) {
    SplittableRandom random = new SplittableRandom(m * 31L + n * 7L + k + 2);
    Graph g = graph(m, n, k, ta, tb, DType.F32, random);
    Map<String, double[]> in = input(m, k, DType.F32, random);
    Map<String, double[]> want = Codegen.compile(g, form, new Codegen.Options(new BlockedMatmul(1), null)).predict(in);
    boolean columns = n < 16 && m > n; // LoopMatmul.NARROW
    int outer = columns ? n : m;
    for (int perPass : new int[] {2, 4}) {
      int r = perPass;
      while (outer % r != 0) {
        r /= 2;
      }
      Codegen.Options two = new Codegen.Options(new BlockedMatmul(perPass, 2, 0), null);
      Codegen.Options four = new Codegen.Options(new BlockedMatmul(perPass, 4, 0), null);
      for (Codegen.Options o : new Codegen.Options[] {two, four, two.withThreads(3).withSplitFrom(0),
          four.withThreads(3).withSplitFrom(0)}) {
        String what = form + ", " + o.matmul().key() + ", " + o.threads() + " thread(s)";
        String src = Codegen.generateSource(g, form, m, "p", "C", o);
        // products of at most 64 multiply-adds (LoopMatmul.UNROLL) are unrolled instead
        assertEquals(r > 1 && m * n * k > 64, src.contains((columns ? "j" : "i") + " += " + r + ")"),
            what + ": passes of the largest count of rows that divides " + outer);
        Map<String, double[]> got = Codegen.compile(g, form, o).predict(in);
        for (String out : new String[] {"pre", "act"}) {
          assertArrayEquals(want.get(out), got.get(out), what + " " + out);
        }
      }
    }
  }

  @org.junit.jupiter.api.Test
  void productsUnderTheThresholdKeepOneRowPerPass() {
    Codegen.Options o = new Codegen.Options(new BlockedMatmul(4, 1 << 17), null);
    SplittableRandom r = new SplittableRandom(5);
    // 64·64·32 = 131,072 multiply-adds: at the threshold; 64·64·31 just under it
    String at = Codegen.generateSource(graph(64, 64, 32, false, false, DType.F32, r), "at", 64, "p", "C", o);
    String under = Codegen.generateSource(graph(64, 64, 31, false, false, DType.F32, r), "under", 64, "p", "C", o);
    assertTrue(at.contains("i += 4)"), "four rows per pass from the threshold on");
    assertTrue(!under.contains("i += 4)") && !under.contains("i += 2)"), "one row per pass under it");
    assertThrows(IllegalArgumentException.class, () -> new BlockedMatmul(4, -1));
  }

  @org.junit.jupiter.api.Test
  void rowsPerPassIsOneTwoOrFourAndTheJvmPicksIt() {
    assertEquals(1, new BlockedMatmul(1).rowsPerPass());
    assertEquals(2, new BlockedMatmul(2).rowsPerPass());
    assertEquals(4, new BlockedMatmul(4).rowsPerPass());
    org.junit.jupiter.api.Assertions.assertNotEquals(new BlockedMatmul(1).key(), new BlockedMatmul(2).key());
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new BlockedMatmul(3));
    assertTrue(e.getMessage().contains("3"), e.getMessage());
    try (SavedProperty saved = new SavedProperty(BlockedMatmul.ROWS_PER_PASS_PROPERTY)) {
      System.clearProperty(BlockedMatmul.ROWS_PER_PASS_PROPERTY);
      assertEquals(4, new BlockedMatmul().rowsPerPass());
      assertEquals(new BlockedMatmul(4, BlockedMatmul.SEVERAL_ROWS_FROM).key(), new BlockedMatmul().key(),
          "this JVM's choice spares small products");
      System.setProperty(BlockedMatmul.ROWS_PER_PASS_PROPERTY, "2");
      assertEquals(2, new BlockedMatmul().rowsPerPass());
      assertEquals(new BlockedMatmul(2).key(), new BlockedMatmul().key(), "a count asked for applies to every product");
      System.setProperty(BlockedMatmul.ROWS_PER_PASS_PROPERTY, "8");
      e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, BlockedMatmul::new);
      assertTrue(e.getMessage().contains("-Dcortado.rowsPerPass=8"), e.getMessage());
    }
  }

  @org.junit.jupiter.api.Test
  void termsPerPassIsTwoOrFourAndTheJvmPicksIt() {
    assertTrue(new BlockedMatmul(4, 2, 0).key().contains("4x2"), new BlockedMatmul(4, 2, 0).key());
    org.junit.jupiter.api.Assertions.assertNotEquals(new BlockedMatmul(4, 2, 0).key(), new BlockedMatmul(4, 4, 0).key());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BlockedMatmul(4, 3, 0));
    assertTrue(e.getMessage().contains("termsPerPass must be 2 or 4, got 3"), e.getMessage());
    try (SavedProperty saved = new SavedProperty(BlockedMatmul.TERMS_PER_PASS_PROPERTY)) {
      System.clearProperty(BlockedMatmul.TERMS_PER_PASS_PROPERTY);
      assertEquals(Runtime.version().feature() >= 25 ? 4 : 2, BlockedMatmul.termsPerPassForThisJvm());
      System.setProperty(BlockedMatmul.TERMS_PER_PASS_PROPERTY, "2");
      assertEquals(new BlockedMatmul(4, 2, 0).key(), new BlockedMatmul(4).key(), "the property sets the terms");
      System.setProperty(BlockedMatmul.TERMS_PER_PASS_PROPERTY, "8");
      e = assertThrows(IllegalArgumentException.class, BlockedMatmul::termsPerPassForThisJvm);
      assertTrue(e.getMessage().contains("-Dcortado.termsPerPass=8"), e.getMessage());
    }
  }

  /** Model names equal to the kernels' locals get other field names, so no local shadows a field. */
  @org.junit.jupiter.api.Test
  void kernelLocalsNeverShadowTheModelsNames() {
    for (DType dtype : DType.values()) {
      GraphBuilder b = new GraphBuilder("shadow", dtype);
      Node x = b.input("species", Shape.of(8, 9));
      double[] wv = new double[9 * 32];
      java.util.Arrays.fill(wv, 0.5);
      Node w = b.variable("w1", Shape.of(9, 32), VariableInfo.Role.PARAMETER, true, wv);
      Node row = b.variable("row", Shape.of(32), VariableInfo.Role.PARAMETER, true, new double[32]);
      Node c00 = b.variable("c00", Shape.of(32), VariableInfo.Role.PARAMETER, true, new double[32]);
      Node pre = b.add(b.add(b.matmul(x, w, false, false), row), c00);
      b.output("p0", b.unary(Op.RELU, pre));
      b.output("fused1", pre);
      Graph g = b.build();
      double[] xv = new double[72];
      java.util.Arrays.fill(xv, 0.25);
      Map<String, double[]> got = Codegen.compile(g, "shadow", Codegen.Options.defaults()).predict(Map.of("species", xv));
      assertEquals(9 * 0.25 * 0.5, got.get("p0")[0], 1e-6, dtype.toString());
      assertEquals(9 * 0.25 * 0.5, got.get("fused1")[255], 1e-6, dtype.toString());
    }
  }

  @ParameterizedTest(name = "{5}")
  @CsvSource(textBlock = FORMS)
  void emitsTheFormItIsNamedFor(int m, int n, int k, boolean ta, boolean tb, String form) {
    Graph g = graph(m, n, k, ta, tb, DType.F32, new SplittableRandom(1));
    String src = Codegen.generateSource(g, form, 1, "p", "C", new Codegen.Options(new BlockedMatmul(1), null));
    assertTrue(src.contains("Math.fma("), "float kernels use fma");
    assertEquals(form.contains("blocked"), src.contains("p0 += "), "blocked over the sum");
    assertEquals(form.contains("partial"), src.contains("Math.min(p0"), "a partial last block");
  }
}
