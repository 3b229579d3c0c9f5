package dev.cortado.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.codegen.emit.BlockedMatmul;
import dev.cortado.codegen.emit.VectorMatmul;
import dev.cortado.interp.Interpreter;
import dev.cortado.ir.Attrs;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.Shape;
import dev.cortado.op.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Max pooling and its gradient as ops of their own, on images whose windows hold ties (values
 * drawn from a few levels), NaNs and infinities: in float64 the compiled class equals
 * the interpreter bit for bit; in float32 the scalar form, the Vector API form (where the module
 * is present, 8 and 16 lanes) and two threads give the same floats, the interpreter's up to the
 * rounding of a float sum where windows overlap.
 */
class MaxPoolFormsTest {
  private static final String WINDOWS = """
      2, 2, 2, 2, 0, 0, 0, 0, 16
      2, 2, 2, 2, 0, 0, 0, 0, 3
      3, 3, 2, 2, 0, 0, 0, 0, 16
      3, 2, 1, 2, 1, 1, 0, 1, 16
      2, 3, 3, 2, 0, 0, 0, 0, 32
      1, 1, 1, 1, 0, 0, 0, 0, 16
      """;

  private static Graph graph(int[] w, int c, DType dtype) {
    GraphBuilder b = new GraphBuilder("pool_" + String.join("_", java.util.Arrays.stream(w)
        .mapToObj(Integer::toString).toList()) + "_" + c + "_" + dtype, dtype);
    Shape image = Shape.of(Shape.BATCH, 7, 6, c);
    // inputs are finite: x + log(s) - log(t) is -∞ where s is 0, +∞ where t is 0, NaN where s is -1
    Node x = b.sub(b.add(b.input("x", image), b.unary(Op.LOG, b.input("s", image))), b.unary(Op.LOG, b.input("t", image)));
    Node y = b.apply(Op.MAX_POOL, Attrs.ints(null, w), x);
    Node g = b.input("g", y.shape());
    b.output("y", y);
    b.output("d", b.apply(Op.MAX_POOL_GRAD, Attrs.ints(null, w), x, g));
    return b.build();
  }

  private static Map<String, double[]> input(Graph graph, int batch, SplittableRandom r) {
    int xs = (int) graph.inputs().get("s").shape().size(batch);
    int gs = (int) graph.inputs().get("g").shape().size(batch);
    double[] x = new double[xs];
    double[] s = new double[xs];
    double[] t = new double[xs];
    for (int i = 0; i < xs; i++) {
      // few levels, so windows hold ties; now and then -∞, +∞ or NaN
      x[i] = r.nextInt(7) - 3 + 0.25;
      int special = r.nextInt(120);
      s[i] = special == 0 ? 0 : special == 1 ? -1 : 1;
      t[i] = special == 2 ? 0 : 1;
    }
    double[] g = new double[gs];
    for (int i = 0; i < gs; i++) {
      g[i] = (float) r.nextDouble(-1, 1);
    }
    return Map.of("x", x, "s", s, "t", t, "g", g);
  }

  private static List<Codegen.Options> forms() {
    List<Codegen.Options> o = new ArrayList<>();
    o.add(new Codegen.Options(new BlockedMatmul(), null));
    o.add(new Codegen.Options(new BlockedMatmul(), null).withThreads(2).withSplitFrom(0));
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      o.add(new Codegen.Options(new VectorMatmul(8), null));
      o.add(new Codegen.Options(new VectorMatmul(16), null));
      o.add(new Codegen.Options(new VectorMatmul(16), null).withThreads(2).withSplitFrom(0));
    }
    return o;
  }

  @ParameterizedTest(name = "window {0}×{1} stride {2}×{3} pad {4},{5},{6},{7}, {8} channels")
  @CsvSource(textBlock = WINDOWS)
  void f64EqualsTheInterpreter(int kh, int kw, int sh, int sw, int top, int bottom, int left, int right, int c) {
    Graph g = graph(new int[] {kh, kw, sh, sw, top, bottom, left, right}, c, DType.F64);
    Map<String, double[]> in = input(g, 3, new SplittableRandom(kh * 131L + kw * 17L + c));
    Map<String, double[]> want = new Interpreter(g).predict(in);
    for (Codegen.Options o : forms()) {
      Map<String, double[]> got = Codegen.compile(g, "pool", o).predict(in);
      assertArrayEquals(want.get("y"), got.get("y"), o.matmul().key());
      assertArrayEquals(want.get("d"), got.get("d"), o.matmul().key());
    }
  }

  @ParameterizedTest(name = "window {0}×{1} stride {2}×{3} pad {4},{5},{6},{7}, {8} channels")
  @CsvSource(textBlock = WINDOWS)
  void f32FormsGiveTheSameFloats(int kh, int kw, int sh, int sw, int top, int bottom, int left, int right, int c) {
    Graph g = graph(new int[] {kh, kw, sh, sw, top, bottom, left, right}, c, DType.F32);
    Map<String, double[]> in = input(g, 3, new SplittableRandom(kh * 131L + kw * 17L + c + 1));
    Map<String, double[]> want = new Interpreter(g).predict(in);
    List<Codegen.Options> forms = forms();
    Map<String, double[]> first = Codegen.compile(g, "pool", forms.get(0)).predict(in);
    for (int i = 0; i < want.get("y").length; i++) {
      assertEquals(want.get("y")[i], first.get("y")[i], 0, "y " + i);
    }
    double[] wd = want.get("d");
    double[] fd = first.get("d");
    for (int i = 0; i < wd.length; i++) {
      assertTrue(Double.compare(wd[i], fd[i]) == 0 || Math.abs(wd[i] - fd[i]) <= 1e-6 * Math.max(1, Math.abs(wd[i])),
          "d " + i + ": " + fd[i] + " vs " + wd[i]);
    }
    for (Codegen.Options o : forms.subList(1, forms.size())) {
      Map<String, double[]> got = Codegen.compile(g, "pool", o).predict(in);
      String what = o.matmul().key() + ", " + o.threads() + " thread(s)";
      assertArrayEquals(first.get("y"), got.get("y"), what);
      assertArrayEquals(first.get("d"), got.get("d"), what);
    }
  }
}
