package dev.cortado.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.interp.Interpreter;
import dev.cortado.ir.Attrs;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.Shape;
import dev.cortado.op.Op;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RELU ({@code Math.max(x, 0)}) and the ReLU derivative STEP(x; 0) ({@code min(max(x·2^k, 0), 1)})
 * are emitted without a branch; they equal the interpreter's selects bit for bit on every
 * non-NaN value where a scaled form could go wrong: ±0, the smallest subnormals, the largest
 * finite values, infinities. A NaN gives NaN in both (as PyTorch's relu): pinned here so that
 * a change to it is a decision. The values are a parameter's, set after the executable is made:
 * inputs must be finite, parameters are not checked.
 */
class BranchlessActivationTest {
  private static final double[] F32_EDGES = {0.0, -0.0, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
      Float.MAX_VALUE, -Float.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.5, -2.25, 1e-30,
      -1e-30, 3e38, 0.5};
  private static final double[] F64_EDGES = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL,
      Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.5, -2.25, 1e-300,
      -1e-300, 3e307, 0.5};

  private static Graph graph(DType dtype, int n) {
    GraphBuilder b = new GraphBuilder("edges_" + dtype, dtype);
    Node x = b.variable("x", Shape.of(n), dev.cortado.ir.VariableInfo.Role.PARAMETER, true, new double[n]);
    b.output("relu", b.unary(Op.RELU, x));
    b.output("step", b.apply(Op.STEP, Attrs.value(0), x));
    b.output("leaky_step", b.apply(Op.STEP, Attrs.value(0.25), x));
    return b.build();
  }

  private static dev.cortado.runtime.Executable withX(dev.cortado.runtime.Executable exe, double[] x) {
    exe.setParameter("x", x);
    return exe;
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void equalTheInterpreterOnEveryValue(DType dtype) {
    double[] edges = dtype == DType.F32 ? F32_EDGES : F64_EDGES;
    Graph g = graph(dtype, edges.length);
    Map<String, double[]> want = withX(new Interpreter(g), edges).predict(Map.of());
    Map<String, double[]> got = withX(Codegen.compile(g, "edges", Codegen.Options.defaults()), edges)
        .predict(Map.of());
    for (String out : want.keySet()) {
      for (int i = 0; i < edges.length; i++) {
        assertEquals(Double.doubleToRawLongBits(want.get(out)[i]), Double.doubleToRawLongBits(got.get(out)[i]),
            out + "(" + edges[i] + "): " + got.get(out)[i] + ", interpreter " + want.get(out)[i]);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void nanPropagatesAsInTheInterpreter(DType dtype) {
    Graph g = graph(dtype, 1);
    double[] nan = {Double.NaN};
    Map<String, double[]> want = withX(new Interpreter(g), nan).predict(Map.of());
    Map<String, double[]> got = withX(Codegen.compile(g, "nan", Codegen.Options.defaults()), nan).predict(Map.of());
    assertTrue(Double.isNaN(want.get("relu")[0]) && Double.isNaN(got.get("relu")[0]), "relu(NaN) is NaN in both");
    assertTrue(Double.isNaN(want.get("step")[0]) && Double.isNaN(got.get("step")[0]), "step(NaN) is NaN in both");
    assertEquals(0.25, want.get("leaky_step")[0], "STEP with a non-zero alpha keeps the select");
    assertEquals(0.25, got.get("leaky_step")[0], "STEP with a non-zero alpha keeps the select");
  }
}
