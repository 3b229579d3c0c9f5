package dev.cortado.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.cortado.interp.Interpreter;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.Shape;
import dev.cortado.ir.VariableInfo;
import dev.cortado.op.Op;
import dev.cortado.runtime.Executable;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every form of the reference matmul (unrolled, by rows, by columns) with every transpose flag,
 * carrying a bias, an activation and a value fused after it: F64 results equal the interpreter's
 * bit for bit, since each element sums in the same order, on one thread or split over two.
 */
class MatmulFormsTest {
  @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
  @CsvSource({
      "2, 3, 4, false, false", "2, 3, 4, true, true",
      "9, 20, 7, false, false", "9, 20, 7, true, false", "9, 20, 7, false, true", "9, 20, 7, true, true",
      "20, 3, 7, false, false", "20, 3, 7, true, false", "20, 3, 7, false, true", "20, 3, 7, true, true"})
  void matchesTheInterpreterExactly(int m, int n, int k, boolean ta, boolean tb) {
    GraphBuilder b = new GraphBuilder("mm_" + m + "_" + n + "_" + k + "_" + ta + tb, DType.F64);
    Node a = b.input("a", ta ? Shape.of(k, m) : Shape.of(m, k));
    SplittableRandom r = new SplittableRandom(m * 31L + n * 7L + k);
    double[] wv = new double[k * n];
    for (int i = 0; i < wv.length; i++) {
      wv[i] = r.nextDouble(-1, 1);
    }
    Node w = b.variable("w", tb ? Shape.of(n, k) : Shape.of(k, n), VariableInfo.Role.PARAMETER, true, wv);
    Node bias = b.variable("bias", Shape.of(n), VariableInfo.Role.PARAMETER, true, new double[n]);
    Node pre = b.add(b.matmul(a, w, ta, tb), bias);
    Node act = b.unary(Op.TANH, pre);
    b.output("pre", pre);
    b.output("act", b.mul(act, pre));
    Graph g = b.build();
    double[] av = new double[m * k];
    for (int i = 0; i < av.length; i++) {
      av[i] = r.nextDouble(-1, 1);
    }
    Map<String, double[]> in = Map.of("a", av);
    Map<String, double[]> want = new Interpreter(g).predict(in);
    for (int threads = 1; threads <= 2; threads++) {
      Executable compiled = Codegen.compile(g, "forms", Codegen.Options.defaults().withThreads(threads).withSplitFrom(0));
      Map<String, double[]> got = compiled.predict(in);
      assertArrayEquals(want.get("pre"), got.get("pre"), threads + " thread(s)");
      assertArrayEquals(want.get("act"), got.get("act"), threads + " thread(s)");
    }
  }
}
