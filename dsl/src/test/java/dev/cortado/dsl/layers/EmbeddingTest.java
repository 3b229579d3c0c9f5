package dev.cortado.dsl.layers;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.dsl.Model;
import dev.cortado.dsl.VariableSummary;
import dev.cortado.ir.Role;
import dev.cortado.runtime.Executable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * embedding: the rows picked by id, a dense scatter-add gradient (rows of absent ids get exactly 0
 * from the data, and their decay only), and ids that are not whole numbers in range rejected
 * before a step changes anything, with the same words in the interpreter and in compiled classes.
 */
class EmbeddingTest {
  private static Model model(boolean f32) {
    return Model.define("emb", m -> {
      m.dtype(f32 ? F32 : F64);
      m.seed(3);
      var ids = m.input("ids", BATCH, 3);
      var y = m.input("y", BATCH, 2);
      var e = m.embedding("emb", ids, 6, 2);
      var out = e.sum(1);
      m.output("out", out);
      m.minimize(mse(out, y));
    });
  }

  private static Map<String, double[]> batch(double... ids) {
    Map<String, double[]> in = new LinkedHashMap<>();
    in.put("ids", ids);
    double[] y = new double[ids.length / 3 * 2];
    for (int i = 0; i < y.length; i++) {
      y[i] = 0.25 * i - 0.5;
    }
    in.put("y", y);
    return in;
  }

  private static Executable exe(boolean compiled, boolean f32) {
    Model m = model(f32);
    return compiled ? m.compile(sgd(0.5)) : m.interpret(sgd(0.5));
  }

  @ParameterizedTest(name = "compiled {0}")
  @ValueSource(booleans = {false, true})
  void rowsArePickedByIdAndTheGradientIsAScatterAdd(boolean compiled) {
    Executable exe = exe(compiled, false);
    double[] table = exe.parameter("emb/embeddings");
    Map<String, double[]> in = batch(2, 0, 2, 5, 5, 5);
    double[] out = exe.predict(in).get("out");
    for (int j = 0; j < 2; j++) {
      assertEquals(2 * table[2 * 2 + j] + table[j], out[j], 1e-15);
      assertEquals(3 * table[5 * 2 + j], out[2 + j], 1e-15);
    }
    exe.trainStep(in);
    double[] after = exe.parameter("emb/embeddings");
    double[] y = in.get("y");
    // d(mse)/d out = 2 (out - y) / 4; row 2 is picked twice by row 0, row 5 three times by row 1
    for (int j = 0; j < 2; j++) {
      double g0 = 2 * (out[j] - y[j]) / 4;
      double g1 = 2 * (out[2 + j] - y[2 + j]) / 4;
      assertEquals(table[j] - 0.5 * g0, after[j], 1e-15);
      assertEquals(table[4 + j] - 0.5 * 2 * g0, after[4 + j], 1e-15);
      assertEquals(table[10 + j] - 0.5 * 3 * g1, after[10 + j], 1e-15);
      for (int row : new int[] {1, 3, 4}) {
        assertEquals(table[row * 2 + j], after[row * 2 + j], 0.0, "row " + row + " is in no batch");
      }
    }
  }

  @ParameterizedTest(name = "compiled {0}")
  @ValueSource(booleans = {false, true})
  void badIdsAreRejectedNamingTheInputThePositionAndTheValueAndChangeNothing(boolean compiled) {
    for (boolean f32 : new boolean[] {false, true}) {
      Executable exe = exe(compiled, f32);
      exe.trainStep(batch(1, 2, 3));
      Map<String, double[]> before = new LinkedHashMap<>();
      exe.parameterNames().forEach(n -> before.put(n, exe.parameter(n)));
      exe.stateNames().forEach(n -> before.put(n, exe.state(n)));
      for (double bad : new double[] {6, -1, 2.5, 1e12}) {
        Map<String, double[]> in = batch(0, 1, 2, 3, 4, bad);
        var e = assertThrows(IllegalArgumentException.class, () -> exe.trainStep(in));
        String msg = e.getMessage();
        assertTrue(msg.contains("input 'ids'") && msg.contains("position 5") && msg.contains(Double.toString(bad))
            && msg.contains("[0, 6)"), msg);
        var p = assertThrows(IllegalArgumentException.class, () -> exe.predict(in));
        assertEquals(msg, p.getMessage());
        var f = assertThrows(IllegalArgumentException.class, () -> exe.trainStepFloats(Map.of("ids",
            new float[] {0, 1, 2, 3, 4, (float) bad}, "y", new float[4])));
        assertTrue(f.getMessage().contains("position 5"), f.getMessage());
      }
      before.forEach((n, v) -> assertArrayEquals(v, exe.parameterNames().contains(n) ? exe.parameter(n) : exe.state(n),
          n + " changed"));
    }
  }

  @Test
  void theTableHasTheEmbeddingRoleAndTheContractsInitializer() {
    Model m = model(false);
    VariableSummary v = m.variables().stream().filter(s -> s.name().equals("emb/embeddings")).findFirst().orElseThrow();
    assertEquals(Role.EMBEDDING, v.role());
    assertArrayEquals(new int[] {6, 2}, v.shape());
    double[] t = m.interpret().parameter("emb/embeddings");
    for (double x : t) {
      assertTrue(x >= -0.05 && x <= 0.05, "uniform(-0.05, 0.05): " + x);
    }
    assertTrue(m.summary().contains("EMBEDDING") || m.summary().toLowerCase().contains("embedding"), m.summary());
  }

  @Test
  void idsMustBeAModelInput() {
    var e = assertThrows(IllegalArgumentException.class, () -> Model.define("e", m -> {
      var x = m.input("x", BATCH, 3);
      m.output("y", m.embedding("emb", x.add(1), 4, 2));
    }));
    assertTrue(e.getMessage().contains("embedding 'emb'") && e.getMessage().contains("model input"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Model.define("e", m -> {
      var x = m.input("x", BATCH, 3);
      m.output("y", m.embedding("emb", x, 0, 2));
    }));
    assertTrue(e.getMessage().contains("vocab"), e.getMessage());
  }
}
