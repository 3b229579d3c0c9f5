package dev.cortado.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.codegen.compile.InMemoryCompiler;
import dev.cortado.ir.Attrs;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.Shape;
import dev.cortado.ir.VariableInfo;
import dev.cortado.op.Op;
import dev.cortado.optim.Adam;
import dev.cortado.optim.TrainingGraph;
import dev.cortado.runtime.Executable;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A 784-1024-1024-10 MLP (1.86 million parameters) trained by Adam: the class compiles, every
 * method's bytecode stays under HotSpot's 8,000-byte JIT limit, and a step runs and lowers the loss.
 */
class LargeModelTest {
  static Graph mlp(int... sizes) {
    GraphBuilder b = new GraphBuilder("mlp" + sizes.length, DType.F32);
    Node h = b.input("x", Shape.of(Shape.BATCH, sizes[0]));
    Node y = b.input("y", Shape.of(Shape.BATCH, sizes[sizes.length - 1]));
    SplittableRandom r = new SplittableRandom(7);
    for (int l = 1; l < sizes.length; l++) {
      double[] w = new double[sizes[l - 1] * sizes[l]];
      double scale = Math.sqrt(6.0 / (sizes[l - 1] + sizes[l]));
      for (int i = 0; i < w.length; i++) {
        w[i] = r.nextDouble(-scale, scale);
      }
      Node k = b.variable("fc" + l + "/kernel", Shape.of(sizes[l - 1], sizes[l]), VariableInfo.Role.PARAMETER, true, w);
      Node bias = b.variable("fc" + l + "/bias", Shape.of(sizes[l]), VariableInfo.Role.PARAMETER, true, new double[sizes[l]]);
      h = b.add(b.matmul(h, k, false, false), bias);
      if (l < sizes.length - 1) {
        h = b.unary(Op.RELU, h);
      }
    }
    b.output("logits", h);
    Node loss = b.apply(Op.SOFTMAX_CROSS_ENTROPY, Attrs.NONE, h, y);
    b.loss(Graph.LOSS, loss);
    b.loss(Graph.DATA_LOSS, loss);
    return b.build();
  }

  @Test
  void everyMethodOfAMillionParameterModelStaysUnderTheJitLimit() {
    Graph forward = mlp(784, 1024, 1024, 10);
    long params = forward.variables().values().stream().mapToLong(v -> v.shape().size(1)).sum();
    assertTrue(params > 1_000_000, "parameters: " + params);
    Graph step = TrainingGraph.build(forward, Adam.adam(1e-3), Map.of());
    int batch = 16;
    assertMethodsUnderLimit(step, batch);

    Executable exe = Codegen.compile(step, "adam(lr=0.001)", Codegen.Options.defaults());
    SplittableRandom r = new SplittableRandom(1);
    float[] x = new float[batch * 784];
    float[] y = new float[batch * 10];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble();
    }
    for (int i = 0; i < batch; i++) {
      y[i * 10 + r.nextInt(10)] = 1;
    }
    double first = exe.trainStepFloats(Map.of("x", x, "y", y));
    double later = first;
    for (int s = 0; s < 3; s++) {
      later = exe.trainStepFloats(Map.of("x", x, "y", y));
    }
    assertTrue(Double.isFinite(first) && later < first, "loss " + first + " then " + later);
    assertEquals(batch * 10, exe.predictFloats(Map.of("x", x)).get("logits").length);
  }

  /** Compiles the class for {@code batch} and checks every method; returns the largest. */
  static int assertMethodsUnderLimit(Graph step, int batch) {
    String cls = Codegen.className(step, batch);
    String src = Codegen.generateSource(step, "adam", batch, Codegen.RUNTIME_PACKAGE, cls, Codegen.Options.defaults());
    InMemoryCompiler.Compiled c = InMemoryCompiler.compile(Codegen.RUNTIME_PACKAGE + "." + cls, src);
    int methods = 0;
    int largest = 0;
    for (byte[] bytes : c.classFiles().values()) {
      for (Map.Entry<String, Integer> m : ClassFiles.codeLengths(bytes).entrySet()) {
        assertTrue(m.getValue() < 8000, m.getKey() + " has " + m.getValue() + " bytes of bytecode");
        largest = Math.max(largest, m.getValue());
        methods++;
      }
    }
    assertTrue(methods > 5, "methods: " + methods);
    System.out.printf("%s at batch %d: %d methods, the largest %d bytes%n", step.name(), batch, methods, largest);
    return largest;
  }

  @Test
  void aDeepNarrowModelIsSplitIntoManyMethods() {
    int[] sizes = new int[41];
    java.util.Arrays.fill(sizes, 3);
    Graph step = TrainingGraph.build(mlp(sizes), Adam.adam(1e-3), Map.of());
    assertTrue(assertMethodsUnderLimit(step, 4) > 1500, "the budget should fill methods well");
  }

  @Test
  void hundredsOfVariablesAndLossTermsStayUnderTheLimitToo() {
    GraphBuilder b = new GraphBuilder("many_terms", DType.F64);
    Node x = b.input("x", Shape.of(Shape.BATCH, 1));
    Node data = b.apply(Op.MEAN, Attrs.axis(Attrs.ALL), b.unary(Op.SQUARE, x));
    Node total = data;
    java.util.Map<String, Node> terms = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 450; i++) {
      Node w = b.variable("w" + i, Shape.of(1), VariableInfo.Role.PARAMETER, true, new double[] {i * 0.01});
      Node term = b.mul(b.sum(b.unary(Op.SQUARE, b.mul(w, x))), 0.01);
      terms.put("regularization/w" + i, term);
      total = b.add(total, term);
    }
    b.loss(Graph.LOSS, total);
    b.loss(Graph.DATA_LOSS, data);
    terms.forEach(b::loss);
    Graph step = TrainingGraph.build(b.build(), new dev.cortado.optim.Sgd(0.1), Map.of());
    assertMethodsUnderLimit(step, 2);
    Executable exe = Codegen.compile(step, "adam", Codegen.Options.defaults());
    Executable ref = new dev.cortado.interp.Interpreter(step);
    Map<String, double[]> in = Map.of("x", new double[] {0.5, -1});
    assertEquals(ref.trainStep(in), exe.trainStep(in), 1e-12);
    assertEquals(ref.lastLosses(), exe.lastLosses());
    assertEquals(ref.parameter("w449")[0], exe.parameter("w449")[0], 1e-15);
  }

  @Test
  void methodSizesAreMeasuredFromRealClassFiles() {
    String src = "package p; public class M { int f(int a) { return a + 1; } }";
    Map<String, Integer> lengths = ClassFiles.codeLengths(InMemoryCompiler.compile("p.M", src).classFiles().get("p.M"));
    assertEquals(4, lengths.get("f(I)I"));
    assertEquals(5, lengths.get("<init>()V"));
  }
}
