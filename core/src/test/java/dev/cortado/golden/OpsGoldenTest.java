package dev.cortado.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.cortado.interp.Interpreter;
import dev.cortado.ir.Attrs;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.Shape;
import dev.cortado.ir.VariableInfo;
import dev.cortado.op.NDArray;
import dev.cortado.op.Op;
import dev.cortado.optim.TrainingGraph;
import dev.cortado.runtime.GoldenJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of PyTorch's {@code ops.json}: the op's output and the gradient of
 * {@code sum(output · upstream)} for each input, through the IR's own autodiff and interpreter.
 */
class OpsGoldenTest {
  /** How each golden op name is built from the IR's ops. */
  static final Map<String, BiFunction<GraphBuilder, List<Node>, Node>> OPS = Map.ofEntries(
      Map.entry("add_broadcast_bias", (b, x) -> b.add(x.get(0), x.get(1))),
      Map.entry("sub", (b, x) -> b.sub(x.get(0), x.get(1))),
      Map.entry("mul", (b, x) -> b.mul(x.get(0), x.get(1))),
      Map.entry("div", (b, x) -> b.div(x.get(0), x.get(1))),
      Map.entry("neg", (b, x) -> b.neg(x.get(0))),
      Map.entry("matmul", (b, x) -> b.matmul(x.get(0), x.get(1), false, false)),
      Map.entry("relu", (b, x) -> b.unary(Op.RELU, x.get(0))),
      Map.entry("sigmoid", (b, x) -> b.unary(Op.SIGMOID, x.get(0))),
      Map.entry("tanh", (b, x) -> b.unary(Op.TANH, x.get(0))),
      Map.entry("exp", (b, x) -> b.unary(Op.EXP, x.get(0))),
      Map.entry("log", (b, x) -> b.unary(Op.LOG, x.get(0))),
      Map.entry("sqrt", (b, x) -> b.unary(Op.SQRT, x.get(0))),
      Map.entry("square", (b, x) -> b.unary(Op.SQUARE, x.get(0))),
      Map.entry("abs", (b, x) -> b.unary(Op.ABS, x.get(0))),
      Map.entry("softplus", (b, x) -> b.unary(Op.SOFTPLUS, x.get(0))),
      Map.entry("leaky_relu_0.1", (b, x) -> b.apply(Op.LEAKY_RELU, Attrs.value(0.1), x.get(0))),
      Map.entry("softmax_last_axis", (b, x) -> b.unary(Op.SOFTMAX, x.get(0))),
      Map.entry("log_softmax_last_axis", (b, x) -> b.unary(Op.LOG_SOFTMAX, x.get(0))),
      Map.entry("sum_all", (b, x) -> b.sum(x.get(0))),
      Map.entry("sum_axis0", (b, x) -> b.sum(x.get(0), 0)),
      Map.entry("sum_axis1", (b, x) -> b.sum(x.get(0), 1)),
      Map.entry("mean_all", (b, x) -> b.apply(Op.MEAN, Attrs.axis(Attrs.ALL), x.get(0))),
      Map.entry("transpose", (b, x) -> b.unary(Op.TRANSPOSE, x.get(0))),
      Map.entry("reshape_3x4_to_2x6", (b, x) -> b.reshape(x.get(0), Shape.of(2, 6))),
      Map.entry("l2_loss", (b, x) -> b.mul(b.sum(b.unary(Op.SQUARE, x.get(0))), 0.5)),
      Map.entry("mse_mean", (b, x) -> b.apply(Op.MEAN, Attrs.axis(Attrs.ALL),
          b.unary(Op.SQUARE, b.sub(x.get(0), x.get(1))))),
      Map.entry("softmax_cross_entropy_mean", (b, x) -> b.apply(Op.SOFTMAX_CROSS_ENTROPY, Attrs.NONE, x.get(0), x.get(1))));

  static Stream<Arguments> cases() {
    @SuppressWarnings("unchecked")
    Map<String, Object> root = (Map<String, Object>) GoldenJson.load("ops.json");
    List<Arguments> out = new ArrayList<>();
    for (Object c : (List<?>) root.get("cases")) {
      Map<?, ?> m = (Map<?, ?>) c;
      out.add(Arguments.of(m.get("op"), m));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesPyTorch(String op, Map<?, ?> c) {
    BiFunction<GraphBuilder, List<Node>, Node> build = OPS.get(op);
    assertNotNull(build, "no IR recipe for golden op " + op);
    List<?> inputs = (List<?>) c.get("inputs");
    GraphBuilder b = new GraphBuilder(op, DType.F64);
    List<Node> xs = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      Object in = inputs.get(i);
      xs.add(b.variable("x" + i, Shape.of(GoldenJson.shapeOf(in)), VariableInfo.Role.PARAMETER, true,
          GoldenJson.flatten(in)));
    }
    Node y = build.apply(b, xs);
    Node upstream = b.variable("upstream", y.shape(), VariableInfo.Role.PARAMETER, false,
        GoldenJson.flatten(c.get("upstream")));
    b.output("y", y);
    b.loss(Graph.LOSS, b.sum(b.mul(y, upstream)));
    Graph g = TrainingGraph.build(b.build(), ctx -> { }, Map.of());
    Interpreter interp = new Interpreter(g);
    List<Node> targets = new ArrayList<>();
    targets.add(y);
    for (int i = 0; i < xs.size(); i++) {
      targets.add(g.gradients().get("x" + i));
    }
    List<NDArray> r = interp.run(Map.of(), targets, false);
    assertArrayEquals(GoldenJson.shapeOf(c.get("output")), r.get(0).shape(), op + " output shape");
    assertClose(GoldenJson.flatten(c.get("output")), r.get(0).data(), op + " output");
    List<?> grads = (List<?>) c.get("input_grads");
    for (int i = 0; i < xs.size(); i++) {
      assertClose(GoldenJson.flatten(grads.get(i)), r.get(i + 1).data(), op + " gradient of input " + i);
    }
  }

  static void assertClose(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-10 * Math.max(1, Math.abs(expected[i])), what + " [" + i + "]");
    }
  }
}
