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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Evaluate's forward pass is predict's: the kernels both have alike (here the hidden layer; the
 * logits go to another buffer when they are not an output) are emitted once, as predict's kernel
 * methods, which runEvaluate calls before its own; both entry points still give the
 * interpreter's numbers.
 */
class SharedKernelsTest {
  static Graph classifier() {
    SplittableRandom r = new SplittableRandom(11);
    GraphBuilder b = new GraphBuilder("shared", DType.F64);
    Node x = b.input("x", Shape.of(Shape.BATCH, 20));
    Node y = b.input("y", Shape.of(Shape.BATCH, 3));
    Node w1 = b.variable("w1", Shape.of(20, 16), VariableInfo.Role.PARAMETER, true, r.doubles(320, -0.3, 0.3).toArray());
    Node w2 = b.variable("w2", Shape.of(16, 3), VariableInfo.Role.PARAMETER, true, r.doubles(48, -0.3, 0.3).toArray());
    Node logits = b.matmul(b.unary(Op.RELU, b.matmul(x, w1, false, false)), w2, false, false);
    b.output("logits", logits);
    Node loss = b.apply(Op.SOFTMAX_CROSS_ENTROPY, Attrs.NONE, logits, y);
    b.loss(Graph.LOSS, loss);
    b.loss(Graph.DATA_LOSS, loss);
    return TrainingGraph.build(b.build(), new Sgd(0.1), Map.of());
  }

  @Test
  void evaluateCallsPredictsKernelMethodsAndAddsOnlyItsLoss() {
    String src = Codegen.generateSource(classifier(), "shared", 8, "p", "C", Codegen.Options.defaults());
    String evaluate = body(src, "runEvaluate");
    assertTrue(evaluate.contains("predict_"), src);
    Matcher own = Pattern.compile("evaluate_\\w+\\(\\)").matcher(evaluate);
    List<String> ownMethods = new ArrayList<>();
    while (own.find()) {
      ownMethods.add(own.group().replace("()", ""));
    }
    // one method of its own, named after what it computes
    assertEquals(List.of("evaluate_loss"), ownMethods, evaluate);
    assertTrue(body(src, "evaluate_loss").contains("// xent"), "evaluate's own methods end with the loss");
    assertEquals(1, count(evaluate, "predict_\\w+\\(\\)"), "predict's hidden layer: " + evaluate);
    String hidden = "// map relu_5 carrying matmul_4";
    // train's own copy (ReLU's derivative reads the output, so train fuses the layer as predict
    // does) and predict's, which evaluate calls
    assertEquals(2, count(src, hidden), "the fused hidden layer in train and in predict only:\n" + src);
  }

  @Test
  void predictAndEvaluateStillMatchTheInterpreter() {
    Graph g = classifier();
    SplittableRandom r = new SplittableRandom(5);
    double[] y = new double[8 * 3];
    for (int i = 0; i < 8; i++) {
      y[i * 3 + r.nextInt(3)] = 1;
    }
    Map<String, double[]> in = Map.of("x", r.doubles(8 * 20, -1, 1).toArray(), "y", y);
    Executable compiled = Codegen.compile(g, "shared", Codegen.Options.defaults());
    Executable reference = new Interpreter(g);
    assertArrayEquals(reference.predict(in).get("logits"), compiled.predict(in).get("logits"), 1e-12);
    assertEquals(reference.evaluate(in).get(Graph.LOSS), compiled.evaluate(in).get(Graph.LOSS), 1e-12);
  }

  private static int count(String s, String regex) {
    Matcher m = Pattern.compile(regex).matcher(s);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** The text of method {@code name}'s body, up to the next method. */
  private static String body(String src, String name) {
    int start = src.indexOf("void " + name + "(");
    assertTrue(start >= 0, "no method " + name + " in\n" + src);
    int end = src.indexOf("\n    }\n", start);
    return src.substring(start, end);
  }
}
