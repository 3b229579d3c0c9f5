package dev.cortado.dsl;

import static dev.cortado.dsl.Cortado.*;
import static dev.cortado.dsl.DefinitionErrorsTest.contains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cortado.ir.Shape;
import dev.cortado.runtime.Executable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Non-finite numbers and sizes beyond a Java array, in the interpreter and the compiled class alike. */
class InputsAndSizesTest {

  private static Model regression() {
    return Model.define("reg", m -> {
      Tensor x = m.input("x", BATCH, 3);
      Tensor y = m.input("y", BATCH, 1);
      Tensor pred = m.dense("fc", x, 1);
      m.output("pred", pred);
      m.minimize(mse(pred, y));
    });
  }

  private static Executable make(Model model, boolean compiled) {
    return compiled ? model.compile(sgd(0.1)) : model.interpret(sgd(0.1));
  }

  private static Map<String, double[]> batch() {
    Map<String, double[]> in = new HashMap<>();
    in.put("x", new double[] {1, 2, 3, 4, 5, 6});
    in.put("y", new double[] {1, 2});
    return in;
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aNonFiniteInputOrTargetIsRejectedNamingItAndTheFirstBadPositionAndNothingChanges(boolean compiled) {
    Executable exe = make(regression(), compiled);
    exe.trainStep(batch());
    double[] kernel = exe.parameter("fc/kernel");
    double[] step = exe.stateNames().isEmpty() ? null : exe.state(exe.stateNames().get(0));
    Map<String, double[]> in = batch();
    in.get("x")[4] = Double.NaN;
    in.get("x")[5] = Double.POSITIVE_INFINITY;
    contains(assertThrows(IllegalArgumentException.class, () -> exe.trainStep(in)),
        "input 'x'", "NaN", "position 4", "row 1, element 1");
    Map<String, double[]> target = batch();
    target.get("y")[0] = Double.NEGATIVE_INFINITY;
    contains(assertThrows(IllegalArgumentException.class, () -> exe.trainStep(target)),
        "input 'y'", "-Infinity", "position 0");
    contains(assertThrows(IllegalArgumentException.class, () -> exe.predict(Map.of("x", in.get("x")))),
        "input 'x'", "position 4");
    contains(assertThrows(IllegalArgumentException.class, () -> exe.evaluate(target)), "input 'y'");
    contains(assertThrows(IllegalArgumentException.class,
        () -> exe.predictFloats(Map.of("x", new float[] {0, Float.NaN, 0}))), "input 'x'", "position 1");
    assertArrayEquals(kernel, exe.parameter("fc/kernel"), 0.0);
    if (step != null) {
      assertArrayEquals(step, exe.state(exe.stateNames().get(0)), 0.0);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aNonFiniteHyperparameterIsRejectedNamingIt(boolean compiled) {
    Executable exe = make(regression(), compiled);
    String name = exe.hyperparameterNames().get(0);
    double before = exe.hyperparameter(name);
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
      contains(assertThrows(IllegalArgumentException.class, () -> exe.setHyperparameter(name, bad)),
          "hyperparameter '" + name + "'", Double.toString(bad));
    }
    assertEquals(before, exe.hyperparameter(name));
  }

  @Test
  void nonFiniteLearningRatesAndRegularizerStrengthsAreRejectedNamingThem() {
    for (Function<Double, Object> f : List.<Function<Double, Object>>of(
        Cortado::sgd, Cortado::adam, Cortado::adamW, Cortado::rmsProp, Cortado::adagrad)) {
      contains(assertThrows(IllegalArgumentException.class, () -> f.apply(Double.NaN)), "lr", "NaN");
      contains(assertThrows(IllegalArgumentException.class, () -> f.apply(Double.POSITIVE_INFINITY)), "lr");
    }
    contains(assertThrows(IllegalArgumentException.class, () -> adam(1e-3).weightDecay(Double.NaN)), "NaN");
    contains(assertThrows(IllegalArgumentException.class, () -> l2(Double.NaN)), "l2", "NaN");
    contains(assertThrows(IllegalArgumentException.class, () -> l1(Double.POSITIVE_INFINITY)), "l1", "Infinity");
    contains(assertThrows(IllegalArgumentException.class, () -> l1l2(0.1, Double.NaN)), "l1l2", "l2 factor");
  }

  @Test
  void aVariableInputOrResultBeyondAJavaArrayIsRejectedAtDefinitionNamingIt() {
    contains(assertThrows(IllegalArgumentException.class, () -> Model.define("big", m ->
        m.scope("fc", () -> m.variable("w").shape(100_000, 100_000)))),
        "variable 'fc/w'", "[100000, 100000]", "10000000000", "Java array");
    contains(assertThrows(IllegalArgumentException.class, () -> Model.define("big", m ->
        m.input("images", BATCH, 65_536, 65_536))), "input 'images'", "per batch row", "Java array");
    // a product of dimensions that overflows even a long
    contains(assertThrows(IllegalArgumentException.class, () -> Model.define("big", m ->
        m.input("x", BATCH, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE))),
        "input 'x'", "more than " + Long.MAX_VALUE);
    // each operand fits; the broadcast result does not
    contains(assertThrows(IllegalArgumentException.class, () -> Model.define("big", m -> {
      Variable a = m.variable("a").shape(60_000, 1);
      Variable b = m.variable("b").shape(1, 60_000);
      a.mul(b);
    })), "mul", "[60000, 60000]", "variable 'a'", "variable 'b'", "Java array");
  }

  private static Model wide() {
    return Model.define("wide", m -> {
      Tensor x = m.input("x", BATCH, 1);
      Variable w = m.variable("w").shape(1, 100_000);
      m.output("h", x.matmul(w));
    });
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aBatchTooLargeForTheStepsArraysIsRejectedNamingTheInputBeforeAnythingIsAllocated(boolean compiled) {
    Model model = wide();
    Executable exe = compiled ? model.compile() : model.interpret();
    int limit = Shape.MAX_ELEMENTS / 100_000;
    contains(assertThrows(IllegalArgumentException.class,
        () -> exe.predict(Map.of("x", new double[limit + 1]))),
        "input 'x'", "has " + (limit + 1) + " rows", "than the " + limit, "[BATCH, 100000]", "split the batch");
    assertEquals(100_000, exe.predict(Map.of("x", new double[] {2})).get("h").length);
  }

  @Test
  void maxBatchCountsEveryBatchDimension() {
    assertEquals(Shape.MAX_ELEMENTS / 7, Shape.of(BATCH, 7).maxBatch());
    assertEquals(46340, Shape.of(BATCH, BATCH).maxBatch()); // 46340^2 <= 2^31 - 9 < 46341^2
    assertEquals(Integer.MAX_VALUE, Shape.of(3, 4).maxBatch());
  }

  @Test
  void parameterNamesUnderStateSlashAreReservedForCheckpoints() {
    contains(assertThrows(IllegalArgumentException.class, () -> Model.define("clash", m ->
        m.scope("state", () -> m.scope("fc", () -> m.variable("kernel").shape(2).add(1.0))))),
        "variable 'state/fc/kernel'", "reserved", "checkpoint");
    contains(assertThrows(IllegalArgumentException.class, () -> Model.define("clash", m ->
        m.variable("__metadata__").shape(2).add(1.0))), "'__metadata__'", "reserved");
    // a scope merely containing "state" is fine
    Model ok = Model.define("ok", m -> m.scope("statefc", () -> m.output("o", m.variable("w").shape(2).add(1.0))));
    assertEquals(List.of("statefc/w"), ok.interpret().parameterNames());
  }

  @Test
  void mseRefusesToBroadcastAndNamesBothShapesAndTensors() {
    contains(assertThrows(IllegalArgumentException.class, () -> Model.define("bcast", m -> {
      Tensor x = m.input("x", BATCH, 3);
      Tensor y = m.input("y", BATCH);
      m.minimize(mse(m.dense("fc", x, 1), y));
    })), "mse", "[BATCH, 1]", "[BATCH]", "'y'", "same shape", "does not broadcast");
    contains(assertThrows(IllegalArgumentException.class, () -> Model.define("bcast", m -> {
      Tensor logits = m.input("logits", BATCH, 3);
      Tensor labels = m.input("labels", BATCH, 1);
      softmaxCrossEntropy(logits, labels);
    })), "softmaxCrossEntropy", "[BATCH, 3]", "[BATCH, 1]", "'logits'", "'labels'");
  }

  @Test
  void aLossOrOutputFromAnotherModelNamesTheTensorAndBothModels() {
    Tensor[] foreign = new Tensor[1];
    Model.define("first", m -> foreign[0] = m.input("z", BATCH, 1));
    contains(assertThrows(IllegalArgumentException.class, () -> Model.define("second", m -> {
      m.input("x", BATCH, 1);
      m.minimize(foreign[0].mean());
    })), "minimize", "'z'", "model 'first'", "model 'second'");
    contains(assertThrows(IllegalArgumentException.class, () -> Model.define("second", m ->
        m.output("o", foreign[0]))), "output", "'z'", "model 'first'");
    contains(assertThrows(IllegalArgumentException.class, () -> Model.define("second", m ->
        mse(m.input("x", BATCH, 1), foreign[0]))), "mse", "'z'", "model 'first'", "model 'second'");
    contains(assertThrows(IllegalArgumentException.class, () -> Model.define("second", m ->
        m.input("x", BATCH, 1).add(foreign[0]))), "add", "'z'", "model 'first'");
  }
}
