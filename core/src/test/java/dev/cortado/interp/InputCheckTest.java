package dev.cortado.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The interpreter checks inputs in declaration order, whatever order the graph reads them in. */
class InputCheckTest {
  @Test
  void batchMismatchNamesTheLaterDeclaredInput() {
    GraphBuilder b = new GraphBuilder("order", DType.F64);
    Node x = b.input("x", Shape.of(Shape.BATCH, 2));
    Node y = b.input("y", Shape.of(Shape.BATCH, 1));
    b.output("out", b.add(y, b.sum(x, 1)));
    Graph g = b.build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Interpreter(g).predict(Map.of("x", new double[] {1, 2, 3, 4}, "y", new double[] {1})));
    assertEquals("input 'y' has 1 rows but 'x' has 2: every input of one step needs the same batch size", e.getMessage());
  }
}
