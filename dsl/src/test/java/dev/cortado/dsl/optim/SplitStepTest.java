package dev.cortado.dsl.optim;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.ir.DType;
import dev.cortado.optim.DecayMode;
import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.Executable;
import dev.cortado.runtime.Gradients;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The split step: {@code accumulateGradients} then {@code applyGradients} on one batch gives the
 * same bits as {@code trainStep}, in the interpreter and the compiled class, F32 and F64, for
 * several optimizers, decay modes, clipping, constraints, a schedule's multiplier, batch
 * normalization and dropout; and micro-batches accumulate to the large batch's gradient.
 */
class SplitStepTest {

  static Model mlp(DType dtype, boolean norm) {
    return Model.define("split", m -> {
      m.dtype(dtype);
      Tensor x = m.input("x", BATCH, 5);
      Tensor y = m.input("y", BATCH, 3);
      Tensor h = m.dense("fc1", x, 8, d -> d.activation(RELU).kernelRegularizer(l2(1e-3)).kernelConstraint(maxNorm(2.0)));
      if (norm) {
        h = dropout(m.batchNorm("bn", h), 0.25);
      }
      Tensor logits = m.dense("fc2", h, 3);
      m.output("logits", logits);
      m.minimize(softmaxCrossEntropy(logits, y));
    });
  }

  static Stream<Arguments> cases() {
    List<Optimizer> opts = List.of(
        sgd(0.1).momentum(0.9).nesterov(true).weightDecay(1e-2),
        adam(0.01).weightDecay(1e-2, DecayMode.COUPLED).clipByGlobalNorm(0.5),
        adamW(0.01).weightDecay(0.05).excludeFromWeightDecay("*/bias"),
        sgd(0.05).weightDecay(0.1, DecayMode.DECOUPLED_UNSCALED).clipByValue(0.2),
        rmsProp(0.01).weightDecay(1e-3, DecayMode.DECOUPLED),
        adagrad(0.1).clipByNorm(0.3));
    Stream.Builder<Arguments> s = Stream.builder();
    for (boolean compiled : new boolean[] {false, true}) {
      for (DType t : new DType[] {DType.F32, DType.F64}) {
        for (int i = 0; i < opts.size(); i++) {
          s.add(Arguments.of(compiled, t, opts.get(i), i % 2 == 0));
        }
      }
    }
    return s.build();
  }

  static Map<String, double[]> batch(SplittableRandom r, int rows) {
    double[] x = new double[rows * 5];
    double[] y = new double[rows * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextDouble(-2, 2);
    }
    for (int i = 0; i < rows; i++) {
      y[i * 3 + r.nextInt(3)] = 1;
    }
    Map<String, double[]> in = new HashMap<>();
    in.put("x", x);
    in.put("y", y);
    return in;
  }

  private static Executable make(Model m, Optimizer o, boolean compiled) {
    return compiled ? m.compile(o) : m.interpret(o);
  }

  private static void sameEverything(Executable a, Executable b) {
    for (String p : a.parameterNames()) {
      assertArrayEquals(a.parameter(p), b.parameter(p), 0.0, p);
    }
    for (String s : a.stateNames()) {
      assertArrayEquals(a.state(s), b.state(s), 0.0, s);
    }
    assertEquals(a.lastLosses(), b.lastLosses());
  }

  @ParameterizedTest(name = "compiled={0} {1} {2} norm={3}")
  @MethodSource("cases")
  void theHalvesGiveTheBitsOfTheFusedStep(boolean compiled, DType dtype, Optimizer opt, boolean norm) {
    Model model = mlp(dtype, norm);
    Executable fused = make(model, opt, compiled);
    Executable split = make(model, opt, compiled);
    SplittableRandom r = new SplittableRandom(7);
    for (int step = 0; step < 4; step++) {
      if (step == 2) {
        fused.setHyperparameter("lr_multiplier", 0.5);
        split.setHyperparameter("lr_multiplier", 0.5);
      }
      Map<String, double[]> in = batch(r, 6);
      double loss = fused.trainStep(in);
      Gradients g = split.newGradients();
      double loss2 = split.accumulateGradients(in, 1.0, g);
      assertEquals(6, g.rows());
      assertEquals(loss, loss2, 0.0);
      split.applyGradients(g);
      sameEverything(fused, split);
    }
  }

  @ParameterizedTest(name = "compiled={0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void microBatchesAccumulateToTheLargeBatchsGradient(boolean compiled) {
    Model model = mlp(DType.F64, false);
    Optimizer opt = adamW(0.01);
    Executable whole = make(model, opt, compiled);
    Executable parts = make(model, opt, compiled);
    SplittableRandom r = new SplittableRandom(11);
    Map<String, double[]> in = batch(r, 10);
    Gradients big = whole.newGradients();
    whole.accumulateGradients(in, 1.0, big);
    Gradients acc = parts.newGradients();
    int[] cuts = {0, 3, 7, 10};
    for (int k = 0; k + 1 < cuts.length; k++) {
      int lo = cuts[k];
      int hi = cuts[k + 1];
      Map<String, double[]> mb = new HashMap<>();
      mb.put("x", java.util.Arrays.copyOfRange(in.get("x"), lo * 5, hi * 5));
      mb.put("y", java.util.Arrays.copyOfRange(in.get("y"), lo * 3, hi * 3));
      parts.accumulateGradients(mb, (hi - lo) / 10.0, acc);
    }
    assertEquals(10, acc.rows());
    for (String p : big.names()) {
      double[] a = big.get(p);
      double[] b = acc.get(p);
      for (int i = 0; i < a.length; i++) {
        assertEquals(a[i], b[i], 1e-12 * (1 + Math.abs(a[i])), p + "[" + i + "]");
      }
    }
    whole.applyGradients(big);
    parts.applyGradients(acc);
    for (String p : whole.parameterNames()) {
      assertArrayEquals(whole.parameter(p), parts.parameter(p), 1e-12, p);
    }
  }

  @ParameterizedTest(name = "compiled={0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void gradientsAreCheckedBeforeAnythingChanges(boolean compiled) {
    Model model = mlp(DType.F32, false);
    Executable exe = make(model, sgd(0.1), compiled);
    Gradients g = exe.newGradients();
    assertEquals(List.of("fc1/kernel", "fc1/bias", "fc2/kernel", "fc2/bias"), g.names());
    g.get("fc2/bias")[1] = Double.NaN;
    double[] before = exe.parameter("fc1/kernel");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> exe.applyGradients(g));
    assertTrue(e.getMessage().contains("fc2/bias") && e.getMessage().contains("index 1"), e.getMessage());
    assertArrayEquals(before, exe.parameter("fc1/kernel"), 0.0);
    Gradients other = new Gradients(List.of("w"), List.of(3));
    e = assertThrows(IllegalArgumentException.class, () -> exe.accumulateGradients(batch(new SplittableRandom(1), 2), 1, other));
    assertTrue(e.getMessage().contains("[w]") && e.getMessage().contains("fc1/kernel"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> g.get("nope"));
  }

  @Test
  void aClassGeneratedAtBuildTimeWithTheSplitStepHasTheHalves() throws Exception {
    Model model = mlp(DType.F32, false);
    Optimizer opt = adamW(0.01).clipByGlobalNorm(1.0);
    String src = model.generateSource("p", "SplitBuilt", opt, 6, true);
    assertTrue(src.contains("runGradient") && src.contains("runApply"), "the source has both halves");
    Class<?> c = dev.cortado.codegen.compile.InMemoryCompiler.compile("p.SplitBuilt", src).type();
    Executable fused = (Executable) c.getConstructor().newInstance();
    Executable split = (Executable) c.getConstructor().newInstance();
    Executable start = model.interpret(opt);
    for (String p : start.parameterNames()) {
      fused.setParameter(p, start.parameter(p));
      split.setParameter(p, start.parameter(p));
    }
    SplittableRandom r = new SplittableRandom(3);
    for (int step = 0; step < 3; step++) {
      Map<String, double[]> in = batch(r, 6);
      fused.trainStep(in);
      Gradients g = split.newGradients();
      split.accumulateGradients(in, 1.0, g);
      split.applyGradients(g);
      sameEverything(fused, split);
    }
  }

  @Test
  void gradientBuffersAreNeitherParametersNorSavedState() {
    Executable exe = mlp(DType.F32, true).compile(adam(0.01));
    assertTrue(exe.parameterNames().stream().noneMatch(n -> n.startsWith("state/")), exe.parameterNames().toString());
    assertTrue(exe.stateNames().stream().noneMatch(n -> n.startsWith("state/")), exe.stateNames().toString());
  }
}
