package dev.cortado.dsl.layers;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.runtime.Executable;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The ops that compose attention, on small tensors whose results are written out by hand (numpy's
 * meaning): slice, concat, batched matmul, softmax along an axis; each through the interpreter and
 * compiled. Their gradients are checked by central differences in VjpCheckTest and by the
 * self-attention golden case; bad axes and shapes are rejected naming the tensor.
 */
class AttentionOpsTest {
  /** x = [[[0, 1, 2], [3, 4, 5]], [[6, 7, 8], [9, 10, 11]]] as a batch of 2 of [2, 3]. */
  private static final double[] X = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};

  private static void check(BiFunction<Tensor, Tensor, Tensor> f, double[] want) {
    Model m = Model.define("ops", b -> {
      b.dtype(F64);
      Tensor x = b.input("x", BATCH, 2, 3);
      Tensor z = b.input("z", BATCH, 3, 2);
      b.output("out", f.apply(x, z));
    });
    double[] z = new double[12];
    for (int i = 0; i < 12; i++) {
      z[i] = (i % 3) - 1;
    }
    for (Executable exe : new Executable[] {m.interpret(), m.compile()}) {
      double[] got = exe.predict(Map.of("x", X, "z", z)).get("out");
      assertArrayEquals(want, got, 1e-12);
    }
  }

  @Test
  void sliceKeepsARangeOfOneAxis() {
    check((x, z) -> x.slice(2, 1, 3), new double[] {1, 2, 4, 5, 7, 8, 10, 11});
    check((x, z) -> x.slice(1, 1, 2), new double[] {3, 4, 5, 9, 10, 11});
    check((x, z) -> x.slice(-1, 0, 1), new double[] {0, 3, 6, 9});
  }

  @Test
  void concatJoinsAlongAnAxis() {
    check((x, z) -> concat(2, x.slice(2, 2, 3), x.slice(2, 0, 2)), new double[] {2, 0, 1, 5, 3, 4, 8, 6, 7, 11, 9, 10});
    check((x, z) -> concat(1, x, x.slice(1, 0, 1)), new double[] {0, 1, 2, 3, 4, 5, 0, 1, 2, 6, 7, 8, 9, 10, 11, 6, 7, 8});
  }

  @Test
  void rank3MatmulIsBatched() {
    // z[s] = [[-1, 0], [1, -1], [0, 1]] for both s
    check((x, z) -> x.matmul(z), new double[] {1, 1, 1, 1, 1, 1, 1, 1});
    check((x, z) -> x.matmul(x.transpose(0, 2, 1)), new double[] {5, 14, 14, 50, 149, 212, 212, 302});
  }

  @Test
  void softmaxAlongAnAxis() {
    double e = Math.exp(3);
    double lo = 1 / (1 + e);
    double hi = e / (1 + e);
    check((x, z) -> x.softmax(1), new double[] {lo, lo, lo, hi, hi, hi, lo, lo, lo, hi, hi, hi});
    check((x, z) -> x.logSoftmax(1), new double[] {Math.log(lo), Math.log(lo), Math.log(lo), Math.log(hi),
        Math.log(hi), Math.log(hi), Math.log(lo), Math.log(lo), Math.log(lo), Math.log(hi), Math.log(hi), Math.log(hi)});
  }

  @Test
  void badAxesAndShapesAreRejected() {
    for (BiFunction<Tensor, Tensor, Tensor> bad : java.util.List.<BiFunction<Tensor, Tensor, Tensor>>of(
        (x, z) -> x.slice(0, 0, 1), (x, z) -> x.slice(2, 2, 5), (x, z) -> x.slice(3, 0, 1),
        (x, z) -> concat(1, x, z), (x, z) -> concat(0, x, x), (x, z) -> x.softmax(0),
        (x, z) -> x.matmul(x))) {
      var e = assertThrows(IllegalArgumentException.class, () -> Model.define("bad", b -> {
        Tensor x = b.input("x", BATCH, 2, 3);
        Tensor z = b.input("z", BATCH, 3, 2);
        b.output("out", bad.apply(x, z));
      }));
      assertTrue(e.getMessage().contains("[BATCH, 2, 3]") || e.getMessage().contains("'x'"), e.getMessage());
    }
  }
}
