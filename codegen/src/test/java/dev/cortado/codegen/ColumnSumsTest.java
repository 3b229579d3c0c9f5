package dev.cortado.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.interp.Interpreter;
import dev.cortado.ir.Attrs;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.Shape;
import dev.cortado.op.Op;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Sums over leading axes (bias gradients) run a row at a time into double accumulators; each
 * element still sums in double in the interpreter's order, so both dtypes match it bit for bit:
 * SUM and MEAN over axis 0, SUM_TO a trailing shape (also of a fused expression), over 2 and 3
 * axes.
 */
class ColumnSumsTest {
  @ParameterizedTest
  @EnumSource(DType.class)
  void matchTheInterpreterExactly(DType dtype) {
    GraphBuilder b = new GraphBuilder("colsums_" + dtype, dtype);
    Node x = b.input("x", Shape.of(37, 24));
    Node z = b.input("z", Shape.of(5, 6, 20));
    b.output("sum0", b.sum(x, 0));
    b.output("mean0", b.apply(Op.MEAN, Attrs.axis(0), x));
    b.output("sum_to", b.sumTo(b.mul(x, b.unary(Op.TANH, x)), Shape.of(24)));
    b.output("sum_to_3d", b.sumTo(z, Shape.of(20)));
    b.output("sum_to_rows", b.sumTo(z, Shape.of(6, 20)));
    Graph g = b.build();
    SplittableRandom r = new SplittableRandom(7);
    double[] xv = r.doubles(37 * 24, -1e3, 1e3).toArray();
    double[] zv = r.doubles(5 * 6 * 20, -1, 1).toArray();
    if (dtype == DType.F32) {
      for (double[] v : new double[][] {xv, zv}) {
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) v[i];
        }
      }
    }
    Map<String, double[]> in = Map.of("x", xv, "z", zv);
    Map<String, double[]> want = new Interpreter(g).predict(in);
    Map<String, double[]> got = Codegen.compile(g, "column sums", Codegen.Options.defaults()).predict(in);
    for (String out : want.keySet()) {
      assertArrayEquals(want.get(out), got.get(out), out);
    }
    String src = Codegen.generateSource(g, "column sums", 1, "p", "C", Codegen.Options.defaults());
    assertEquals(5, src.split("scratch_doubles_\\d+\\[i0\\] = 0\\.0;", -1).length - 1, "row-wise sums emitted");
  }
}
