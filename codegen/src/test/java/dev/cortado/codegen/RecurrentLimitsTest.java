package dev.cortado.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.codegen.compile.InMemoryCompiler;
import dev.cortado.interp.Interpreter;
import dev.cortado.ir.Attrs;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.Shape;
import dev.cortado.ir.VariableInfo;
import dev.cortado.op.Op;
import dev.cortado.optim.Sgd;
import dev.cortado.optim.TrainingGraph;
import dev.cortado.runtime.Executable;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A GRU and an LSTM of 256 units over 200 time steps (the loop over time keeps the code's size
 * independent of the sequence length): the training class stays within the JVM's limits (every
 * method under HotSpot's 8,000-byte JIT limit, the constant pool far below 65,535 entries), and
 * one training step at batch 2 matches the interpreter.
 */
class RecurrentLimitsTest {
  static final int STEPS = 200;
  static final int UNITS = 256;
  static final int FEATURES = 8;

  static Graph model(boolean gru, boolean sequences) {
    GraphBuilder b = new GraphBuilder((gru ? "gru" : "lstm") + "_long", DType.F64);
    Node x = b.input("x", Shape.of(Shape.BATCH, STEPS, FEATURES));
    Node y = b.input("y", Shape.of(Shape.BATCH, 1));
    int g = (gru ? 3 : 4) * UNITS;
    SplittableRandom r = new SplittableRandom(5);
    Node k = b.variable("rnn/kernel", Shape.of(FEATURES, g), VariableInfo.Role.PARAMETER, true, uniform(r, FEATURES * g, 0.3));
    Node rk = b.variable("rnn/recurrent_kernel", Shape.of(UNITS, g), VariableInfo.Role.PARAMETER, true,
        uniform(r, UNITS * g, 0.06));
    Shape biasShape = gru ? Shape.of(2, g) : Shape.of(g);
    Node bias = b.variable("rnn/bias", biasShape, VariableInfo.Role.PARAMETER, true,
        uniform(r, (int) biasShape.size(1), 0.1));
    Node h = b.apply(gru ? Op.GRU : Op.LSTM, Attrs.value(sequences ? 1 : 0), x, k, rk, bias);
    int width = sequences ? STEPS * UNITS : UNITS;
    if (sequences) {
      h = b.reshape(h, Shape.of(Shape.BATCH, width));
    }
    Node w = b.variable("out/kernel", Shape.of(width, 1), VariableInfo.Role.PARAMETER, true, uniform(r, width, 0.05));
    Node out = b.matmul(h, w, false, false);
    b.output("out", out);
    Node loss = b.apply(Op.MEAN, Attrs.axis(Attrs.ALL), b.unary(Op.SQUARE, b.sub(out, y)));
    b.loss(Graph.LOSS, loss);
    b.loss(Graph.DATA_LOSS, loss);
    return b.build();
  }

  private static double[] uniform(SplittableRandom r, int n, double scale) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextDouble(-scale, scale);
    }
    return v;
  }

  @ParameterizedTest(name = "gru {0}, returnSequences {1}")
  @CsvSource({"true, false", "false, true"})
  void longSequencesStayWithinTheJvmLimitsAndMatchTheInterpreter(boolean gru, boolean sequences) {
    Graph step = TrainingGraph.build(model(gru, sequences), new Sgd(0.01), Map.of());
    int batch = 2;
    String cls = Codegen.className(step, batch);
    String src = Codegen.generateSource(step, "sgd", batch, Codegen.RUNTIME_PACKAGE, cls, Codegen.Options.defaults());
    InMemoryCompiler.Compiled c = InMemoryCompiler.compile(Codegen.RUNTIME_PACKAGE + "." + cls, src);
    int largest = 0;
    for (byte[] bytes : c.classFiles().values()) {
      assertTrue(ClassFiles.constantPoolCount(bytes) < 4000, "constant pool " + ClassFiles.constantPoolCount(bytes));
      for (Map.Entry<String, Integer> m : ClassFiles.codeLengths(bytes).entrySet()) {
        assertTrue(m.getValue() < 8000, m.getKey() + " has " + m.getValue() + " bytes of bytecode");
        largest = Math.max(largest, m.getValue());
      }
    }
    System.out.printf("%s: %d lines of source, the largest method %d bytes%n", step.name(), src.lines().count(), largest);

    Executable compiled = Codegen.compile(step, "sgd", Codegen.Options.defaults());
    Executable reference = new Interpreter(step);
    SplittableRandom r = new SplittableRandom(9);
    double[] x = uniform(r, batch * STEPS * FEATURES, 1);
    Map<String, double[]> in = Map.of("x", x, "y", new double[] {0.5, -0.25});
    assertEquals(reference.trainStep(in), compiled.trainStep(in), 1e-9);
    for (String name : reference.parameterNames()) {
      double[] want = reference.parameter(name);
      double[] got = compiled.parameter(name);
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got[i], 1e-9 * (1 + Math.abs(want[i])), name + "[" + i + "]");
      }
    }
  }
}
