package dev.cortado.codegen.pass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.codegen.pass.Passes.Entry;
import dev.cortado.ir.Attrs;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.Shape;
import dev.cortado.ir.VariableInfo;
import dev.cortado.op.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each pass on a small graph: what it removes, what it keeps, and that values are computed as the interpreter does. */
class PassesTest {
  private static long count(Graph g, Op op) {
    return g.nodes().stream().filter(n -> n.op() == op).count();
  }

  private static Node out(Graph g) {
    return g.outputs().get("out");
  }

  @Test
  void foldingEvaluatesConstantsAndRoundsToTheDtype() {
    for (DType dt : DType.values()) {
      GraphBuilder b = new GraphBuilder("fold", dt);
      Node x = b.input("x", Shape.of(Shape.BATCH, 2));
      Node c = b.add(b.constant(0.1), b.mul(b.constant(0.2), b.constant(1.0)));
      b.output("out", b.mul(x, c));
      Graph g = Passes.foldConstants(b.build());
      Node folded = out(g).input(1);
      assertEquals(Op.CONSTANT, folded.op());
      assertEquals(dt.round(dt.round(0.1) + dt.round(0.2)), folded.attrs().value(), 0.0, dt.toString());
    }
  }

  @Test
  void specializeFixesNumelAndTurnsDropoutOffOutsideTraining() {
    GraphBuilder b = new GraphBuilder("spec", DType.F64);
    Node x = b.input("x", Shape.of(Shape.BATCH, 3));
    Node step = b.variable(Graph.GLOBAL_STEP, Shape.SCALAR, VariableInfo.Role.STATE, false, new double[1]);
    Node mask = b.apply(Op.DROPOUT_MASK, Attrs.dropout(0.5, 9), x, step);
    b.output("out", b.div(b.mul(x, mask), b.add(b.numel(x, Attrs.ALL), b.numel(x, 0))));
    Graph g = b.build();
    Graph off = Passes.foldConstants(Passes.specialize(g, 5, false));
    assertEquals(0, count(off, Op.NUMEL));
    assertEquals(0, count(off, Op.DROPOUT_MASK));
    assertEquals(20.0, out(off).input(1).attrs().value(), 0.0);
    Graph on = Passes.specialize(g, 5, true);
    assertEquals(1, count(on, Op.DROPOUT_MASK), "a training step keeps its mask");
  }

  @Test
  void simplifyRemovesIdentities() {
    GraphBuilder b = new GraphBuilder("simplify", DType.F64);
    Node x = b.input("x", Shape.of(Shape.BATCH, 3));
    Node w = b.variable("w", Shape.of(4, 3), VariableInfo.Role.PARAMETER, true, new double[12]);
    Node t = b.unary(Op.TRANSPOSE, b.unary(Op.TRANSPOSE, b.neg(b.neg(x))));
    Node one = b.add(b.sub(b.div(b.mul(t, b.constant(1)), b.constant(1)), b.constant(0)), b.constant(0));
    Node mm = b.matmul(one, b.unary(Op.TRANSPOSE, w), false, false);
    b.output("out", b.reshape(b.reshape(mm, Shape.of(Shape.BATCH, 2, 2)), Shape.of(Shape.BATCH, 4)));
    Graph g = Passes.simplify(Passes.simplify(b.build()));
    Node o = out(g);
    assertEquals(Op.MATMUL, o.op(), g.toString());
    assertSame(g.inputs().get("x"), o.input(0));
    assertSame(g.variables().get("w").node(), o.input(1));
    assertTrue(o.attrs().transB(), "the transposed operand became the matmul's flag");
  }

  @Test
  void cseMergesEqualNodes() {
    GraphBuilder b = new GraphBuilder("cse", DType.F64);
    Node x = b.input("x", Shape.of(Shape.BATCH, 3));
    Node a1 = b.unary(Op.TANH, b.add(x, b.constant(2)));
    Node a2 = b.unary(Op.TANH, b.add(x, b.constant(2)));
    b.output("out", b.mul(a1, a2));
    Graph g = Passes.eliminateCommonSubexpressions(b.build());
    assertEquals(1, count(g, Op.TANH));
    assertEquals(1, count(g, Op.CONSTANT));
    assertSame(out(g).input(0), out(g).input(1));
  }

  @Test
  void extractKeepsWhatTheEntryComputesAndEveryLeaf() {
    GraphBuilder b = new GraphBuilder("extract", DType.F64);
    Node x = b.input("x", Shape.of(Shape.BATCH, 3));
    Node y = b.input("y", Shape.of(Shape.BATCH, 3));
    b.hyper("unused", 1);
    b.output("out", b.unary(Op.EXP, x));
    Node loss = b.sum(b.unary(Op.SQUARE, b.sub(x, y)));
    b.loss(Graph.LOSS, loss);
    Graph g = b.build();
    Graph predict = Passes.extract(g, Entry.PREDICT);
    assertEquals(0, count(predict, Op.SQUARE));
    assertEquals(List.of("x", "y"), List.copyOf(predict.inputs().keySet()));
    assertEquals(1, predict.hypers().size());
    assertTrue(predict.losses().isEmpty());
    Graph evaluate = Passes.extract(g, Entry.EVALUATE);
    assertEquals(0, count(evaluate, Op.EXP));
    assertFalse(evaluate.losses().isEmpty());
  }
}
