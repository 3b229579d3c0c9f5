package dev.cortado.dsl.optim;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.codegen.compile.InMemoryCompiler;
import dev.cortado.dsl.Model;
import dev.cortado.ir.DType;
import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.CompiledModel;
import dev.cortado.runtime.Executable;
import dev.cortado.runtime.Gradients;
import dev.cortado.runtime.ModelState;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The split step's halves are generated only when asked for: a class compiled at run time gets
 * them on the first {@code accumulateGradients} or {@code applyGradients}, with the model's state
 * carried over and the bits of {@code trainStep}; a class generated at build time without them
 * says how to get them and changes nothing.
 */
class SplitStepOnDemandTest {
  static final int ROWS = 6;

  private static boolean declaresHalves(Class<?> c) {
    try {
      c.getDeclaredMethod("runGradient", Object[].class, double[].class);
      c.getDeclaredMethod("runApply", Object[].class, double[].class);
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static void sameParametersAndState(Executable a, Executable b) {
    for (String p : a.parameterNames()) {
      assertArrayEquals(a.parameter(p), b.parameter(p), 0.0, p);
    }
    for (String s : a.stateNames()) {
      assertArrayEquals(a.state(s), b.state(s), 0.0, s);
    }
  }

  @Test
  void theFirstSplitCallSwapsInAClassWithTheHalvesAndKeepsTheState() {
    Model model = SplitStepTest.mlp(DType.F32, true);
    Optimizer opt = adamW(0.01).clipByGlobalNorm(1.0);
    Executable fused = model.compile(opt);
    Executable mixed = model.compile(opt);
    ModelState state = ((CompiledModel) mixed).state();
    SplittableRandom r = new SplittableRandom(5);
    Map<String, double[]> first = SplitStepTest.batch(r, ROWS);
    fused.trainStep(first);
    mixed.trainStep(first);
    Class<?> plain = state.classFor(ROWS);
    assertFalse(declaresHalves(plain), "trainStep alone compiles no halves");
    assertFalse(state.splitStep());

    Map<String, double[]> second = SplitStepTest.batch(r, ROWS);
    fused.trainStep(second);
    Gradients g = mixed.newGradients();
    mixed.accumulateGradients(second, 1.0, g);
    mixed.applyGradients(g);
    Class<?> withHalves = state.classFor(ROWS);
    assertNotSame(plain, withHalves);
    assertTrue(declaresHalves(withHalves), "the split call compiled the halves");
    assertTrue(state.splitStep());
    sameParametersAndState(fused, mixed);

    Map<String, double[]> third = SplitStepTest.batch(r, ROWS);
    assertEquals(fused.trainStep(third), mixed.trainStep(third), 0.0);
    assertSame(withHalves, state.classFor(ROWS), "no class is compiled again");
    sameParametersAndState(fused, mixed);

    mixed.accumulateGradients(SplitStepTest.batch(r, 2), 1.0, mixed.newGradients());
    assertTrue(declaresHalves(state.classFor(2)), "a size met after the split call is made with the halves at once");
  }

  @Test
  void applyFirstCompilesOneClassWithTheHalves() {
    Model model = SplitStepTest.mlp(DType.F64, false);
    Executable exe = model.compile(sgd(0.1));
    Executable ref = model.interpret(sgd(0.1));
    Gradients g = exe.newGradients();
    java.util.Arrays.fill(g.get("fc2/bias"), 0.5);
    exe.applyGradients(g);
    ref.applyGradients(g);
    ModelState state = ((CompiledModel) exe).state();
    assertEquals(java.util.Set.of(1), state.batchSizes());
    assertTrue(declaresHalves(state.classFor(1)));
    sameParametersAndState(ref, exe);
  }

  /** Wide enough (256 x 392 x 32 multiply-adds in the first product) that a step is split over two threads. */
  static Model wide() {
    return Model.define("wide", m -> {
      dev.cortado.dsl.Tensor x = m.input("x", BATCH, 392);
      dev.cortado.dsl.Tensor y = m.input("y", BATCH, 10);
      dev.cortado.dsl.Tensor logits = m.dense("fc2", m.dense("fc1", x, 256, d -> d.activation(RELU)), 10);
      m.output("logits", logits);
      m.minimize(softmaxCrossEntropy(logits, y));
    });
  }

  @Test
  void theHalvesOnTwoThreadsGiveTheBitsOfTheFusedStep() {
    Model model = wide();
    Optimizer opt = adam(0.01).clipByGlobalNorm(0.5);
    Executable fused = model.compile(opt, 2);
    Executable split = model.compile(opt, 2);
    SplittableRandom r = new SplittableRandom(9);
    try {
      for (int step = 0; step < 3; step++) {
        double[] x = new double[32 * 392];
        double[] y = new double[32 * 10];
        for (int i = 0; i < x.length; i++) {
          x[i] = r.nextDouble(-1, 1);
        }
        for (int i = 0; i < 32; i++) {
          y[i * 10 + r.nextInt(10)] = 1;
        }
        Map<String, double[]> in = Map.of("x", x, "y", y);
        double loss = fused.trainStep(in);
        Gradients g = split.newGradients();
        assertEquals(loss, split.accumulateGradients(in, 1.0, g), 0.0);
        split.applyGradients(g);
        sameParametersAndState(fused, split);
      }
    } finally {
      fused.close();
      split.close();
    }
  }

  @Test
  void aBuildTimeClassWithoutTheHalvesSaysHowToGetThem() throws Exception {
    Model model = SplitStepTest.mlp(DType.F32, false);
    String src = model.generateSource("p", "PlainBuilt", sgd(0.1), ROWS);
    assertFalse(src.contains("runGradient") || src.contains("runApply") || src.contains("state_gradient"),
        "no halves and no gradient buffers unless asked for");
    Class<?> c = InMemoryCompiler.compile("p.PlainBuilt", src).type();
    Executable exe = (Executable) c.getConstructor().newInstance();
    Executable start = model.interpret(sgd(0.1));
    for (String p : start.parameterNames()) {
      exe.setParameter(p, start.parameter(p));
    }
    Map<String, double[]> in = SplitStepTest.batch(new SplittableRandom(3), ROWS);
    IllegalStateException e = assertThrows(IllegalStateException.class, exe::newGradients);
    for (String hint : new String[] {"p.PlainBuilt", "<splitStep>true</splitStep>", "model.compile(optimizer)"}) {
      assertTrue(e.getMessage().contains(hint), e.getMessage());
    }
    Gradients g = start.newGradients();
    assertThrows(IllegalStateException.class, () -> exe.accumulateGradients(in, 1.0, g));
    assertThrows(IllegalStateException.class, () -> exe.applyGradients(g));
    assertEquals(0, g.rows());
    sameParametersAndState(start, exe);
    exe.trainStep(in);
    start.trainStep(in);
    for (String p : start.parameterNames()) {
      assertArrayEquals(start.parameter(p), exe.parameter(p), 1e-5, p);
    }
  }
}
