package dev.cortado.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.interp.Interpreter;
import dev.cortado.ir.Attrs;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.Shape;
import dev.cortado.ir.VariableInfo;
import dev.cortado.optim.TrainingGraph;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks every op's VJP against central differences in double, JAX-style: for a random upstream
 * u, the gradient of {@code Σ op(x)·u} from autodiff must match {@code (L(x+h) - L(x-h)) / 2h}
 * for every element of every input. Inputs are drawn away from kinks (0 for relu and abs, ties
 * for max) and in the domain of log, sqrt and pow.
 */
class VjpCheckTest {
  /** A case: an op, input shapes, how inputs are drawn, and how the node is built. */
  record Case(String name, Op op, int[][] shapes, double lo, double hi, BiFunction<GraphBuilder, List<Node>, Node> build) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case unary(Op op, double lo, double hi) {
    return new Case(op.label(), op, new int[][] {{3, 4}}, lo, hi, (b, x) -> b.unary(op, x.get(0)));
  }

  static Case binary(Op op, int[] a, int[] c, double lo, double hi) {
    return new Case(op.label() + java.util.Arrays.toString(a) + java.util.Arrays.toString(c), op, new int[][] {a, c},
        lo, hi, (b, x) -> b.apply(op, Attrs.NONE, x.get(0), x.get(1)));
  }

  static Stream<Case> cases() {
    List<Case> cs = new ArrayList<>();
    for (Op op : List.of(Op.ADD, Op.SUB, Op.MUL, Op.MAXIMUM, Op.MINIMUM)) {
      cs.add(binary(op, new int[] {3, 4}, new int[] {3, 4}, -2, 2));
      cs.add(binary(op, new int[] {3, 4}, new int[] {4}, -2, 2));
      cs.add(binary(op, new int[] {3, 1}, new int[] {1, 4}, -2, 2));
    }
    cs.add(binary(Op.DIV, new int[] {3, 4}, new int[] {4}, 0.5, 2));
    cs.add(binary(Op.DIV, new int[] {3, 4}, new int[] {}, 0.5, 2));
    cs.add(binary(Op.POW, new int[] {3, 4}, new int[] {3, 4}, 0.5, 2));
    cs.add(binary(Op.POW, new int[] {3, 4}, new int[] {}, 0.5, 2));
    for (Op op : List.of(Op.NEG, Op.RELU, Op.SIGMOID, Op.TANH, Op.EXP, Op.EXPM1, Op.SQUARE, Op.ABS, Op.SOFTPLUS,
        Op.SOFTMAX, Op.LOG_SOFTMAX)) {
      cs.add(unary(op, -2, 2));
    }
    cs.add(unary(Op.LOG, 0.3, 3));
    cs.add(unary(Op.SQRT, 0.3, 3));
    cs.add(new Case("leaky_relu", Op.LEAKY_RELU, new int[][] {{3, 4}}, -2, 2,
        (b, x) -> b.apply(Op.LEAKY_RELU, Attrs.value(0.2), x.get(0))));
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        int[] a = ta ? new int[] {4, 3} : new int[] {3, 4};
        int[] c = tb ? new int[] {5, 4} : new int[] {4, 5};
        cs.add(new Case("matmul ta=" + ta + " tb=" + tb, Op.MATMUL, new int[][] {a, c}, -2, 2,
            (b, x) -> b.matmul(x.get(0), x.get(1), ta, tb)));
      }
    }
    cs.add(new Case("transpose", Op.TRANSPOSE, new int[][] {{3, 4}}, -2, 2, (b, x) -> b.unary(Op.TRANSPOSE, x.get(0))));
    cs.add(new Case("reshape", Op.RESHAPE, new int[][] {{3, 4}}, -2, 2, (b, x) -> b.reshape(x.get(0), Shape.of(6, 2))));
    cs.add(new Case("broadcast_to", Op.BROADCAST_TO, new int[][] {{4}}, -2, 2,
        (b, x) -> b.broadcastTo(x.get(0), Shape.of(3, 4))));
    cs.add(new Case("sum_to", Op.SUM_TO, new int[][] {{3, 4}}, -2, 2, (b, x) -> b.sumTo(x.get(0), Shape.of(1, 4))));
    for (Op op : List.of(Op.SUM, Op.MEAN, Op.MAX)) {
      cs.add(new Case(op.label() + " all", op, new int[][] {{3, 4}}, -2, 2,
          (b, x) -> b.apply(op, Attrs.axis(Attrs.ALL), x.get(0))));
      for (int axis = 0; axis < 2; axis++) {
        int ax = axis;
        cs.add(new Case(op.label() + " axis " + axis, op, new int[][] {{3, 4}}, -2, 2,
            (b, x) -> b.reduce(op, x.get(0), ax)));
      }
    }
    cs.add(new Case("matmul rank 3 along the last axis", Op.MATMUL, new int[][] {{2, 3, 4}, {4, 5}}, -2, 2,
        (b, x) -> b.matmul(x.get(0), x.get(1), false, false)));
    cs.add(new Case("matmul rank 3 transposed", Op.MATMUL, new int[][] {{2, 3, 4}, {2, 3, 5}}, -2, 2,
        (b, x) -> b.matmul(x.get(0), x.get(1), true, false)));
    // windows: [kh, kw, sh, sw, top, bottom, left, right]
    for (int[] w : List.of(new int[] {3, 3, 1, 1, 1, 1, 1, 1}, new int[] {2, 3, 2, 1, 0, 1, 1, 1},
        new int[] {2, 2, 2, 2, 0, 0, 0, 0})) {
      cs.add(new Case("patches " + java.util.Arrays.toString(w), Op.PATCHES, new int[][] {{2, 5, 4, 2}}, -2, 2,
          (b, x) -> b.apply(Op.PATCHES, Attrs.ints(null, w), x.get(0))));
    }
    int[] aw = {3, 2, 2, 1, 1, 1, 0, 1};
    Shape image = Shape.of(2, 5, 4, 2);
    int[] ps = Windows.patches(image, Attrs.ints(null, aw)).dims();
    cs.add(new Case("patches_adjoint", Op.PATCHES_ADJOINT, new int[][] {ps}, -2, 2,
        (b, x) -> b.apply(Op.PATCHES_ADJOINT, Attrs.ints(image, aw), x.get(0))));
    // max pooling: tiled, overlapping with padding, strided past the last column
    for (int[] w : List.of(new int[] {2, 2, 2, 2, 0, 0, 0, 0}, new int[] {3, 2, 1, 2, 1, 1, 0, 1},
        new int[] {2, 3, 2, 2, 0, 0, 0, 0})) {
      cs.add(new Case("max_pool " + java.util.Arrays.toString(w), Op.MAX_POOL, new int[][] {{2, 5, 4, 2}}, -2, 2,
          (b, x) -> b.apply(Op.MAX_POOL, Attrs.ints(null, w), x.get(0))));
    }
    cs.add(new Case("permute", Op.PERMUTE, new int[][] {{2, 3, 4}}, -2, 2,
        (b, x) -> b.apply(Op.PERMUTE, Attrs.ints(null, 2, 0, 1), x.get(0))));
    cs.add(new Case("max axis 3 of rank 5 (a pooling window)", Op.MAX, new int[][] {{2, 2, 2, 4, 3}}, -2, 2,
        (b, x) -> b.reduce(Op.MAX, x.get(0), 3)));
    for (int seq = 0; seq < 2; seq++) {
      Attrs a = Attrs.value(seq);
      cs.add(new Case("gru seq=" + seq, Op.GRU, new int[][] {{2, 3, 4}, {4, 9}, {3, 9}, {2, 9}}, -1, 1,
          (b, x) -> b.apply(Op.GRU, a, x.get(0), x.get(1), x.get(2), x.get(3))));
      cs.add(new Case("lstm seq=" + seq, Op.LSTM, new int[][] {{2, 3, 4}, {4, 12}, {3, 12}, {12}}, -1, 1,
          (b, x) -> b.apply(Op.LSTM, a, x.get(0), x.get(1), x.get(2), x.get(3))));
    }
    // lookups: ids (repeated, one row never picked) held in a frozen variable, the table or rows differentiated
    double[] ids = {2, 0, 2, 4, 1, 2};
    java.util.function.Function<GraphBuilder, Node> idsOf = b -> b.variable("ids", Shape.of(2, 3),
        VariableInfo.Role.PARAMETER, false, ids);
    cs.add(new Case("gather", Op.GATHER, new int[][] {{6, 4}}, -2, 2,
        (b, x) -> b.apply(Op.GATHER, Attrs.NONE, idsOf.apply(b), x.get(0))));
    cs.add(new Case("scatter_add", Op.SCATTER_ADD, new int[][] {{2, 3, 4}}, -2, 2,
        (b, x) -> b.apply(Op.SCATTER_ADD, Attrs.shape(Shape.of(6, 4)), idsOf.apply(b), x.get(0))));
    cs.add(new Case("slice axis 1", Op.SLICE, new int[][] {{3, 5, 2}}, -2, 2,
        (b, x) -> b.apply(Op.SLICE, Attrs.ints(null, 1, 1, 4), x.get(0))));
    cs.add(new Case("slice last axis", Op.SLICE, new int[][] {{3, 5}}, -2, 2,
        (b, x) -> b.apply(Op.SLICE, Attrs.ints(null, 1, 3, 5), x.get(0))));
    cs.add(new Case("pad axis 0", Op.PAD, new int[][] {{2, 3}}, -2, 2,
        (b, x) -> b.apply(Op.PAD, Attrs.ints(null, 0, 1, 4), x.get(0))));
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        int[] a = ta ? new int[] {2, 4, 3} : new int[] {2, 3, 4};
        int[] c = tb ? new int[] {2, 5, 4} : new int[] {2, 4, 5};
        cs.add(new Case("batch_matmul ta=" + ta + " tb=" + tb, Op.BATCH_MATMUL, new int[][] {a, c}, -2, 2,
            (b, x) -> b.apply(Op.BATCH_MATMUL, Attrs.matmul(ta, tb), x.get(0), x.get(1))));
      }
    }
    cs.add(new Case("softmax_cross_entropy", Op.SOFTMAX_CROSS_ENTROPY, new int[][] {{3, 4}, {3, 4}}, -2, 2,
        (b, x) -> b.apply(Op.SOFTMAX_CROSS_ENTROPY, Attrs.NONE, x.get(0), x.get(1))));
    return cs.stream();
  }

  /** Ops that have no gradient by design; every other op must have a case above. */
  static final Set<Op> NO_GRADIENT = EnumSet.of(Op.INPUT, Op.VARIABLE, Op.HYPER, Op.CONSTANT, Op.STEP, Op.SIGN,
      Op.GREATER_EQUAL, Op.ARGMAX_MASK, Op.NUMEL, Op.DROPOUT_MASK, Op.GRU_GRAD, Op.LSTM_GRAD, Op.RNN_ROWS,
      Op.MAX_POOL_GRAD,
      // its value depends on the mode (central differences here run outside training); its rule
      // (the identity on the training branch) is checked by the batchNorm golden case
      Op.IN_TRAINING);

  @Test
  void everyDifferentiableOpIsChecked() {
    Set<Op> covered = EnumSet.noneOf(Op.class);
    cases().forEach(c -> covered.add(c.op()));
    for (Op op : Op.values()) {
      assertTrue(covered.contains(op) || NO_GRADIENT.contains(op), op + " has neither a VJP check nor a no-gradient mark");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void vjpMatchesCentralDifferences(Case c) {
    SplittableRandom rnd = new SplittableRandom(c.name().hashCode());
    GraphBuilder b = new GraphBuilder(c.name(), DType.F64);
    List<Node> xs = new ArrayList<>();
    for (int i = 0; i < c.shapes().length; i++) {
      Shape s = Shape.of(c.shapes()[i]);
      double[] v = new double[s.size(1)];
      for (int j = 0; j < v.length; j++) {
        double r = rnd.nextDouble(c.lo(), c.hi());
        v[j] = Math.abs(r) < 0.1 ? r + Math.copySign(0.2, r) : r;   // away from the kinks at 0
      }
      xs.add(b.variable("x" + i, s, VariableInfo.Role.PARAMETER, true, v));
    }
    Node y = c.build().apply(b, xs);
    double[] u = new double[y.shape().size(1)];
    for (int j = 0; j < u.length; j++) {
      u[j] = rnd.nextDouble(-1, 1);
    }
    Node up = b.variable("u", y.shape(), VariableInfo.Role.PARAMETER, false, u);
    b.loss(Graph.LOSS, b.sum(b.mul(y, up)));
    Graph g = TrainingGraph.build(b.build(), ctx -> { }, Map.of());
    Interpreter interp = new Interpreter(g);
    Node loss = g.losses().get(Graph.LOSS);
    for (int i = 0; i < xs.size(); i++) {
      String name = "x" + i;
      double[] analytic = interp.run(Map.of(), List.of(g.gradients().get(name)), false).get(0).data();
      double[] x = interp.parameter(name);
      for (int j = 0; j < x.length; j++) {
        double h = 1e-6;
        double[] p = x.clone();
        p[j] = x[j] + h;
        interp.setParameter(name, p);
        double lp = interp.run(Map.of(), List.of(loss), false).get(0).get(0);
        p[j] = x[j] - h;
        interp.setParameter(name, p);
        double lm = interp.run(Map.of(), List.of(loss), false).get(0).get(0);
        interp.setParameter(name, x);
        double numeric = (lp - lm) / (2 * h);
        assertEquals(numeric, analytic[j], 1e-6 * Math.max(1, Math.abs(numeric)),
            c + ": d/d" + name + "[" + j + "]");
      }
    }
  }
}
