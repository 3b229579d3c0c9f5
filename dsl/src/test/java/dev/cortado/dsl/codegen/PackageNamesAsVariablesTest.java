package dev.cortado.dsl.codegen;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.runtime.Executable;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Variables named like the packages generated code names in full ({@code java.util.Arrays},
 * {@code jdk.incubator.vector}, {@code dev.cortado.runtime}) would shadow them as fields; the
 * generated class must still compile and train as the interpreter does.
 */
class PackageNamesAsVariablesTest {
  @Test
  void variablesNamedJavaJdkAndDevCompileAndTrain() {
    Model model = Model.define("shadow", m -> {
      m.dtype(F64);
      Tensor x = m.input("x", BATCH, 6);
      Tensor y = m.input("y", BATCH, 2);
      Tensor seq = m.gru("gru", x.reshape(BATCH, 3, 2), 4, r -> r.returnSequences(true));
      Tensor java = m.variable("java").shape(12, 2).initializer(glorotUniform());
      Tensor jdk = m.variable("jdk").shape(2).initializer(zeros());
      Tensor dev = m.variable("dev").shape(2).initializer(ones());
      Tensor out = flatten(seq).matmul(java).add(jdk).mul(dev);
      m.output("out", out);
      m.minimize(mse(out, y));
    });
    Executable compiled = model.compile(adam(0.01));
    Executable reference = model.interpret(adam(0.01));
    SplittableRandom r = new SplittableRandom(3);
    for (int s = 0; s < 3; s++) {
      Map<String, double[]> batch = Map.of("x", r.doubles(12, -1, 1).toArray(), "y", r.doubles(4, -1, 1).toArray());
      assertEquals(reference.trainStep(batch), compiled.trainStep(batch), 1e-9, "loss of step " + s);
    }
  }
}
