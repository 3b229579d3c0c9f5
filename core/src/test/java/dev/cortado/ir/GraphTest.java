package dev.cortado.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.op.Op;
import org.junit.jupiter.api.Test;

class GraphTest {
  @Test
  void broadcastingFollowsNumpyWithTheSymbolicBatch() {
    GraphBuilder b = new GraphBuilder("g", DType.F64);
    Node x = b.input("x", Shape.of(Shape.BATCH, 3));
    Node bias = b.variable("b", Shape.of(3), VariableInfo.Role.PARAMETER, true, new double[3]);
    Node col = b.input("c", Shape.of(Shape.BATCH, 1));
    assertEquals(Shape.of(Shape.BATCH, 3), b.add(x, bias).shape());
    assertEquals(Shape.of(Shape.BATCH, 3), b.mul(x, col).shape());
    assertEquals(Shape.of(Shape.BATCH, 3), b.add(b.constant(1), x).shape());
    ShapeException e = assertThrows(ShapeException.class,
        () -> b.add(x, b.variable("v", Shape.of(4), VariableInfo.Role.PARAMETER, true, new double[4])));
    assertTrue(e.getMessage().contains("[BATCH, 3]") && e.getMessage().contains("[4]"), e.getMessage());
  }

  @Test
  void reshapeKeepsTheElementCountAndTheBatch() {
    GraphBuilder b = new GraphBuilder("g", DType.F64);
    Node x = b.input("x", Shape.of(Shape.BATCH, 12));
    assertEquals(Shape.of(Shape.BATCH, 3, 4), b.reshape(x, Shape.of(Shape.BATCH, 3, 4)).shape());
    assertThrows(ShapeException.class, () -> b.reshape(x, Shape.of(Shape.BATCH, 5)));
    assertThrows(ShapeException.class, () -> b.reshape(x, Shape.of(12)));
  }

  @Test
  void verifierRejectsANodeOfAnotherGraph() {
    GraphBuilder other = new GraphBuilder("other", DType.F64);
    Node foreign = other.constant(1);
    other.constant(2);
    GraphBuilder b = new GraphBuilder("g", DType.F64);
    b.constant(3);
    b.output("y", foreign);
    IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
    assertTrue(e.getMessage().contains("output 'y'") && e.getMessage().contains("not a node of graph 'g'"),
        e.getMessage());
  }

  @Test
  void verifierRejectsAMixedDtype() {
    GraphBuilder f32 = new GraphBuilder("g", DType.F32);
    Node c = f32.constant(1);
    GraphBuilder b = GraphBuilder.from(new GraphBuilder("g", DType.F64).build());
    b.nodes().add(c);
    IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
    assertTrue(e.getMessage().contains("F32 in a F64 graph"), e.getMessage());
  }

  @Test
  void namesAreTakenOnce() {
    GraphBuilder b = new GraphBuilder("g", DType.F64);
    b.input("x", Shape.of(2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> b.variable("x", Shape.of(2), VariableInfo.Role.PARAMETER, true, new double[2]));
    assertTrue(e.getMessage().contains("'x'"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> b.variable("w", Shape.of(Shape.BATCH), VariableInfo.Role.PARAMETER, true, new double[1]));
  }

  @Test
  void aVariableWithTheWrongNumberOfInitialValuesLeavesTheBuilderAsItWas() {
    GraphBuilder b = new GraphBuilder("g", DType.F64);
    b.input("x", Shape.of(2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> b.variable("w", Shape.of(2, 3), VariableInfo.Role.PARAMETER, true, new double[5]));
    assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("[2, 3]"), e.getMessage());
    assertEquals(1, b.nodes().size());
    assertTrue(b.variables().isEmpty());
    Node w = b.variable("w", Shape.of(2, 3), VariableInfo.Role.PARAMETER, true, new double[6]);
    assertEquals(1, w.id());
    b.build();
  }

  @Test
  void printsOneNodePerLine() {
    GraphBuilder b = new GraphBuilder("g", DType.F64);
    Node x = b.input("x", Shape.of(Shape.BATCH, 2));
    b.output("y", b.unary(Op.TANH, x));
    String text = b.build().toString();
    assertTrue(text.contains("%0 x = INPUT() shape=[BATCH, 2] [BATCH, 2]"), text);
    assertTrue(text.contains("%1 tanh_1 = TANH(%0) [BATCH, 2]"), text);
    assertTrue(text.contains("outputs:\n  y = %1"), text);
  }

  @Test
  void aLossNameIsTakenOnce() {
    GraphBuilder b = new GraphBuilder("g", DType.F64);
    b.loss("regularization/w", b.constant(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> b.loss("regularization/w", b.constant(2)));
    assertTrue(e.getMessage().contains("'regularization/w'") && e.getMessage().contains("twice"), e.getMessage());
  }
}
