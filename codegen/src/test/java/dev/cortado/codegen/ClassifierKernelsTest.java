package dev.cortado.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import dev.cortado.op.Op;
import dev.cortado.optim.Sgd;
import dev.cortado.optim.TrainingGraph;
import dev.cortado.runtime.Executable;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The kernels of a classifier's training step that save passes over memory keep the results:
 * the cross-entropy kernel also writes the softmax its gradient needs (one {@code Math.exp} per
 * logit in the step, not two), and the ReLU derivative carried on {@code dY·Wᵀ} reads a copied
 * row of the pre-activation. In F64 the compiled step equals the interpreter bit for bit.
 */
class ClassifierKernelsTest {
  private static final int IN = 9;
  private static final int HIDDEN = 19;
  private static final int CLASSES = 7;
  private static final int BATCH = 6;

  private static Graph classifier(DType dtype) {
    GraphBuilder b = new GraphBuilder("clf_" + dtype, dtype);
    Node x = b.input("x", Shape.of(Shape.BATCH, IN));
    Node y = b.input("y", Shape.of(Shape.BATCH, CLASSES));
    SplittableRandom r = new SplittableRandom(3);
    Node w1 = b.variable("fc1/kernel", Shape.of(IN, HIDDEN), VariableInfo.Role.PARAMETER, true,
        r.doubles(IN * HIDDEN, -0.5, 0.5).toArray());
    Node w2 = b.variable("fc2/kernel", Shape.of(HIDDEN, CLASSES), VariableInfo.Role.PARAMETER, true,
        r.doubles(HIDDEN * CLASSES, -0.5, 0.5).toArray());
    Node bias = b.variable("fc1/bias", Shape.of(HIDDEN), VariableInfo.Role.PARAMETER, true,
        r.doubles(HIDDEN, -0.1, 0.1).toArray());
    Node h = b.unary(Op.RELU, b.add(b.matmul(x, w1, false, false), bias));
    Node logits = b.matmul(h, w2, false, false);
    b.output("logits", logits);
    Node loss = b.apply(Op.SOFTMAX_CROSS_ENTROPY, Attrs.NONE, logits, y);
    b.loss(Graph.LOSS, loss);
    b.loss(Graph.DATA_LOSS, loss);
    return TrainingGraph.build(b.build(), new Sgd(0.1).momentum(0.9), Map.of());
  }

  private static Map<String, double[]> batch(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] y = new double[BATCH * CLASSES];
    for (int i = 0; i < BATCH; i++) {
      y[i * CLASSES + r.nextInt(CLASSES)] = 1;
    }
    return Map.of("x", r.doubles(BATCH * IN, -2, 2).toArray(), "y", y);
  }

  @Test
  void theTrainingStepComputesEachExponentialOnce() {
    String src = Codegen.generateSource(classifier(DType.F32), "clf", BATCH, "p", "C", Codegen.Options.defaults());
    String train = src.substring(src.indexOf("void runTrain("), src.indexOf("void runPredict("));
    assertEquals(1, count(train, "Math.exp("), train);
    assertTrue(java.util.regex.Pattern.compile("// xent [^\n]*, and softmax ").matcher(train).find(),
        "the softmax the cross-entropy writes has no block of its own: " + train);
    assertTrue(train.contains("scratch_operand_1x" + HIDDEN), "the ReLU derivative reads a copied row: " + train);
  }

  @Test
  void f64StepsEqualTheInterpreterBitForBit() {
    Graph step = classifier(DType.F64);
    Executable want = new Interpreter(step);
    Executable got = Codegen.compile(step, "clf", Codegen.Options.defaults());
    for (long s = 0; s < 4; s++) {
      Map<String, double[]> in = batch(s);
      assertEquals(want.trainStep(in), got.trainStep(in), 0.0, "loss of step " + s);
      for (String v : new String[] {"fc1/kernel", "fc1/bias", "fc2/kernel"}) {
        assertArrayEquals(want.parameter(v), got.parameter(v), 0.0, v + " after step " + s);
      }
    }
  }

  private static int count(String s, String what) {
    Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
