package dev.cortado.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import dev.cortado.runtime.CompiledModel;
import dev.cortado.runtime.Executable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad calls to a compiled executable fail as the interpreter's do, with the same message naming
 * the input, its shape and what came, and leave every variable as it was.
 */
class CompiledErrorsTest {
  static Graph forward(DType dt) {
    GraphBuilder b = new GraphBuilder("errors", dt);
    Node x = b.input("x", Shape.of(Shape.BATCH, 3));
    Node y = b.input("y", Shape.of(Shape.BATCH, 1));
    Node w = b.variable("w", Shape.of(3, 1), VariableInfo.Role.PARAMETER, true, new double[] {0.1, 0.2, 0.3});
    Node pred = b.matmul(x, w, false, false);
    b.output("pred", pred);
    Node d = b.sub(pred, y);
    Node loss = b.apply(Op.MEAN, Attrs.axis(Attrs.ALL), b.mul(d, d));
    b.loss(Graph.LOSS, loss);
    b.loss(Graph.DATA_LOSS, loss);
    return b.build();
  }

  static Graph training() {
    return TrainingGraph.build(forward(DType.F64), new Sgd(0.1), Map.of());
  }

  static final Map<String, double[]> GOOD = Map.of("x", new double[] {1, 2, 3, 4, 5, 6}, "y", new double[] {1, 2});

  /** Both executables reject the call with the same exception type and message. */
  static void sameFailure(Graph g, Consumer<Executable> call, String... mentions) {
    Executable compiled = Codegen.compile(g, "errors", Codegen.Options.defaults());
    Executable reference = new Interpreter(g);
    if (!g.updates().isEmpty()) {
      compiled.trainStep(GOOD);
      reference.trainStep(GOOD);
    }
    double[] before = compiled.parameter("w");
    RuntimeException want = assertThrows(RuntimeException.class, () -> call.accept(reference));
    RuntimeException got = assertThrows(RuntimeException.class, () -> call.accept(compiled));
    assertEquals(want.getClass(), got.getClass());
    assertEquals(want.getMessage(), got.getMessage());
    for (String m : mentions) {
      assertTrue(got.getMessage().contains(m), got.getMessage());
    }
    assertArrayEquals(before, compiled.parameter("w"), "a rejected call leaves the variables alone");
    assertArrayEquals(reference.parameter("w"), compiled.parameter("w"));
  }

  @Test
  void wrongLengthNamesTheInputAndItsShape() {
    sameFailure(training(), e -> e.trainStep(Map.of("x", new double[] {1, 2, 3, 4}, "y", new double[] {1})),
        "input 'x'", "[BATCH, 3]", "got 4");
  }

  @Test
  void missingAndUnknownInputs() {
    sameFailure(training(), e -> e.trainStep(Map.of("x", new double[] {1, 2, 3})), "missing input 'y'");
    sameFailure(training(), e -> e.predict(Map.of("x", new double[] {1, 2, 3}, "z", new double[] {1})),
        "unknown input 'z'", "[x, y]");
    sameFailure(training(), e -> e.trainStep(Map.of("x", new double[] {1, 2, 3, 4, 5, 6}, "y", new double[] {1})),
        "every input of one step needs the same batch size");
  }

  @Test
  void variablesAndScalarsByName() {
    sameFailure(training(), e -> e.setParameter("w", new double[] {1}), "'w' of shape [3, 1] takes 3 values, got 1");
    sameFailure(training(), e -> e.parameter("nope"), "no variable named 'nope'");
    sameFailure(training(), e -> e.state("w"), "no optimizer state named 'w'");
    sameFailure(training(), e -> e.hyperparameter("nope"), "no hyperparameter 'nope'");
  }

  @Test
  void inferenceOnlyModelsCannotTrain() {
    sameFailure(forward(DType.F64), e -> e.trainStep(GOOD), "inference only");
  }

  @Test
  void aGeneratedClassWithoutCompilerRunsOnlyItsOwnBatchSize() throws Exception {
    Graph g = training();
    String src = Codegen.generateSource(g, "errors", 2, "p", "Fixed", Codegen.Options.defaults());
    CompiledModel fixed = (CompiledModel) InMemoryCompiler.compile("p.Fixed", src).type().getConstructor().newInstance();
    assertEquals(List.of(0.0, 0.0, 0.0), List.of(fixed.parameter("w")[0], fixed.parameter("w")[1], fixed.parameter("w")[2]));
    fixed.setParameter("w", new double[] {0.1, 0.2, 0.3});
    Executable reference = new Interpreter(g);
    assertEquals(reference.trainStep(GOOD), fixed.trainStep(GOOD), 0.0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> fixed.predict(Map.of("x", new double[] {1, 2, 3})));
    assertTrue(e.getMessage().contains("generated for batch sizes [2] and cannot run batch 1"), e.getMessage());
    assertTrue(e.getMessage().contains("cortado-maven-plugin"), e.getMessage());
  }

  @Test
  void dumpWritesTheIrAfterEveryPassThePlanAndTheSource(@TempDir Path dir) throws Exception {
    Codegen.Options o = new Codegen.Options(Codegen.Options.defaults().matmul(), dir);
    String src = Codegen.generateSource(training(), "errors", 4, "p", "Dumped", o);
    Path model = dir.resolve("errors");
    assertEquals(src, Files.readString(model.resolve("Dumped.java")));
    try (var files = Files.list(model)) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      assertTrue(names.contains("b4-train-00-extract.ir"), names.toString());
      assertTrue(names.stream().anyMatch(n -> n.matches("b4-train-\\d+-fold\\.ir")), names.toString());
      assertTrue(names.stream().anyMatch(n -> n.matches("b4-predict-\\d+-cse\\.ir")), names.toString());
      assertTrue(names.stream().anyMatch(n -> n.matches("b4-evaluate-\\d+-plan\\.txt")), names.toString());
    }
  }
}
