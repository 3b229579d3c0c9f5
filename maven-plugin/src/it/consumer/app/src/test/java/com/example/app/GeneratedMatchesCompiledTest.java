package com.example.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.example.models.HousePrices;
import com.example.models.Species;
import com.example.models.SpeciesExecutable;
import com.example.models.TinyCnn;
import com.example.app.generated.TinyCnnStep;
import dev.cortado.dsl.Model;
import dev.cortado.runtime.Executable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The class generated at build time against the same definition compiled at run time: the
 * same source, the same initial weights, and bit for bit the same numbers.
 */
class GeneratedMatchesCompiledTest {
  private static final Path GENERATED = Path.of("target/generated-sources/cortado/com/example");

  @Test
  void theFilesHoldExactlyWhatGenerateSourceReturns() throws Exception {
    Model prices = new HousePrices().build();
    assertEquals(prices.generateSource("com.example.app.generated", "HousePricesStep", prices.declaredOptimizer(), 8),
        Files.readString(GENERATED.resolve("app/generated/HousePricesStep.java")));
    assertEquals(prices.generateSource("com.example.app.generated", "HousePricesOne", prices.declaredOptimizer(), 1),
        Files.readString(GENERATED.resolve("app/generated/HousePricesOne.java")));
    assertEquals(new Species().build().generateSource("com.example.models", "SpeciesExecutable"),
        Files.readString(GENERATED.resolve("models/SpeciesExecutable.java")));
  }

  @Test
  void trainingStepsGiveTheSameNumbersAsModelCompile() throws Exception {
    Model model = new HousePrices().build();
    Executable compiled = model.compile(model.declaredOptimizer());
    Executable generated = Demo.housePrices();
    assertEquals(compiled.parameterNames(), generated.parameterNames());
    assertEquals(compiled.stateNames(), generated.stateNames());
    assertSameVariables(compiled, generated);
    assertFalse(generated.parameter("hidden/kernel")[0] == 0.0, "initialised, not zero");
    for (int step = 0; step < 25; step++) {
      Map<String, double[]> batch = Data.batch(step, step % 3 == 2 ? 1 : 8);
      assertEquals(compiled.trainStep(batch), generated.trainStep(batch), 0.0, "loss of step " + step);
      assertEquals(compiled.lastLosses(), generated.lastLosses(), "losses of step " + step);
    }
    assertSameVariables(compiled, generated);
    for (int rows : new int[] {8, 1}) {
      Map<String, double[]> test = Data.batch(99, rows);
      assertArrayEquals(compiled.predict(test).get("price"), generated.predict(test).get("price"), 0.0);
      assertEquals(compiled.evaluate(test), generated.evaluate(test));
    }
  }

  @Test
  void theStepCountKeepsCountingPastTwoToThe24() throws Exception {
    Model model = new HousePrices().build();
    Executable compiled = model.compile(model.declaredOptimizer());
    Executable generated = Demo.housePrices();
    double start = (1 << 24) - 2;
    for (Executable e : new Executable[] {compiled, generated}) {
      e.setState("optimizer/step", new double[] {start});
    }
    for (int step = 0; step < 5; step++) {
      Map<String, double[]> batch = Data.batch(step, 8);
      assertEquals(compiled.trainStep(batch), generated.trainStep(batch), 0.0, "loss of step " + step);
      assertArrayEquals(new double[] {start + step + 1}, generated.state("optimizer/step"), 0.0, "after step " + step);
    }
    assertSameVariables(compiled, generated);
  }

  @Test
  void aConvolutionalNetworkTrainsAsModelCompileDoes() throws Exception {
    Model model = new TinyCnn().build();
    Executable compiled = model.compile(model.declaredOptimizer());
    Executable generated = Demo.initialized(new TinyCnnStep());
    assertSameVariables(compiled, generated);
    java.util.SplittableRandom r = new java.util.SplittableRandom(11);
    for (int step = 0; step < 10; step++) {
      double[] x = r.doubles(4 * 6 * 6 * 2, -1, 1).toArray();
      double[] y = new double[4 * 3];
      for (int row = 0; row < 4; row++) {
        y[row * 3 + r.nextInt(3)] = 1;
      }
      Map<String, double[]> batch = Map.of("x", x, "y", y);
      assertEquals(compiled.trainStep(batch), generated.trainStep(batch), 0.0, "loss of step " + step);
    }
    assertSameVariables(compiled, generated);
    assertFalse(generated.parameter("conv/kernel")[0] == new TinyCnn().build().interpret().parameter("conv/kernel")[0],
        "trained");
  }

  @Test
  void inferenceGivesTheSameNumbersAsModelCompile() throws Exception {
    Model model = new Species().build();
    Executable compiled = model.compile();
    Executable generated = Demo.initialized(new SpeciesExecutable());
    assertSameVariables(compiled, generated);
    Map<String, double[]> x = Map.of("x", Data.batch(5, 32).get("x"));
    assertArrayEquals(compiled.predict(x).get("probs"), generated.predict(x).get("probs"), 0.0);
  }

  private static void assertSameVariables(Executable expected, Executable actual) {
    for (String p : expected.parameterNames()) {
      assertArrayEquals(expected.parameter(p), actual.parameter(p), 0.0, p);
    }
    for (String s : expected.stateNames()) {
      assertArrayEquals(expected.state(s), actual.state(s), 0.0, s);
    }
  }
}
