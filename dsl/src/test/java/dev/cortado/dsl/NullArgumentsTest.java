package dev.cortado.dsl;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cortado.data.Batches;
import dev.cortado.data.Dataset;
import dev.cortado.data.Split;
import dev.cortado.data.Standardizer;
import dev.cortado.train.Trainer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** A null argument names the call and the parameter, across the DSL, training and data API. */
class NullArgumentsTest {

  private static void names(String expected, Executable call) {
    assertEquals(expected, assertThrows(NullPointerException.class, call).getMessage());
  }

  private static void inModel(String expected, java.util.function.Consumer<ModelBuilder> body) {
    names(expected, () -> Model.define("m", body));
  }

  @Test
  void theDefinitionApi() {
    names("Model.define: name", () -> Model.define(null, m -> {}));
    names("Model.define: body", () -> Model.define("m", null));
    inModel("ModelBuilder.input: inputName", m -> m.input(null, BATCH, 1));
    inModel("ModelBuilder.scope: body", m -> m.scope("s", (Runnable) null));
    inModel("ModelBuilder.dense: x", m -> m.dense("fc", null, 2));
    inModel("ModelBuilder.minimize: lossTensor", m -> m.minimize(null));
    inModel("ModelBuilder.output: t", m -> m.output("o", null));
    inModel("Variable.initializer: init", m -> m.variable("w").initializer(null));
    inModel("Variable.shape: dims", m -> m.variable("w").shape((int[]) null));
    inModel("Dense.activation: a", m -> m.dense("fc", m.input("x", BATCH, 1), 2, d -> d.activation(null)));
    inModel("add: operand 1", m -> m.input("x", BATCH, 1).add((Tensor) null));
    inModel("mse: b", m -> mse(m.input("x", BATCH, 1), null));
    inModel("softmaxCrossEntropy: logits", m -> softmaxCrossEntropy(null, m.input("x", BATCH, 1)));
    inModel("addN: terms[1]", m -> addN(m.input("x", BATCH, 1), null));
    Model model = Model.define("m", m -> m.output("o", m.input("x", BATCH, 1).mul(2.0)));
    names("Model.compile: optimizer", () -> model.compile(null));
    names("Model.interpret: optimizer", () -> model.interpret(null));
    names("Model.generateSource: className", () -> model.generateSource("p", null));
  }

  @Test
  void theTrainingAndDataApi() {
    Dataset d = Dataset.regression(new double[] {1, 2}, 1, new double[] {1, 2}, 1);
    Trainer t = Trainer.builder().quiet().build();
    Model model = Model.define("m", m -> m.output("o", m.input("x", BATCH, 1).mul(2.0)));
    names("Trainer.fit: train", () -> t.fit(model.interpret(), null));
    names("Trainer.fit: exe", () -> t.fit(null, d));
    names("Trainer.evaluate: data", () -> t.evaluate(model.interpret(), null));
    names("Trainer.Builder.inputs: targets", () -> Trainer.builder().inputs("x", null));
    names("Dataset.classification: classNames", () -> Dataset.classification(new double[] {1}, 1, new int[] {0}, null));
    names("Dataset.regression: targets", () -> Dataset.regression(new double[] {1}, 1, null, 1));
    names("Batches.of: data", () -> Batches.of(null, 2));
    names("Split.of: data", () -> Split.of(null, 0.5, 1));
    names("Standardizer.fit: train", () -> Standardizer.fit((Dataset) null));
    names("Standardizer.transform: values", () -> Standardizer.fit(d).transform((double[]) null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Dataset.oneHot(new int[70_000], 70_000));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("70000 rows and 70000 classes"), e.getMessage());
    names("inputs of a step of model 'm'", () -> model.interpret().predict(null));
    assertEquals(List.of("o"), List.copyOf(model.interpret().predict(Map.of("x", new double[] {1})).keySet()));
  }
}
