package dev.cortado.dsl;

import static dev.cortado.dsl.Cortado.BATCH;
import static dev.cortado.dsl.Cortado.mse;
import static dev.cortado.dsl.Cortado.sgd;
import static dev.cortado.dsl.Cortado.softmaxCrossEntropy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.codegen.Codegen;
import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.CompiledModel;
import dev.cortado.runtime.Executable;
import dev.cortado.runtime.Lockstep;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code model.compile(optimizer, 2)} on an MNIST-shaped model (392-256-64-10, batch 32, softmax
 * cross-entropy, SGD with momentum and weight decay), with the default split thresholds: its
 * large products and the first layer's update (fused with its weight gradient) are split over two
 * threads, independent pieces share a part (the other updates beside the first layer's weight
 * gradient), and every loss,
 * parameter, optimizer state, output and evaluation stays bit-identical to one thread.
 */
class ThreadsTest {
  private static final int[] SIZES = {392, 256, 64, 10};
  private static final int BATCH_SIZE = 32;

  /** Dense layers of the given widths (input first), ReLU between them. */
  static Model mlp(String name, int[] sizes, boolean classifier) {
    int last = sizes.length - 1;
    return Model.define(name, m -> {
      Tensor h = m.input("x", BATCH, sizes[0]);
      for (int l = 1; l < last; l++) {
        h = m.dense("fc" + l, h, sizes[l]).relu();
      }
      Tensor logits = m.dense("fc" + last, h, sizes[last]);
      m.output("pred", logits);
      Tensor y = m.input("y", BATCH, sizes[last]);
      m.minimize(classifier ? softmaxCrossEntropy(logits, y) : mse(logits, y));
    });
  }

  private static Optimizer optimizer() {
    return sgd(0.05).momentum(0.9).weightDecay(5e-4);
  }

  private static Map<String, float[]> batch(int rows, SplittableRandom r) {
    float[] x = new float[rows * SIZES[0]];
    float[] y = new float[rows * SIZES[3]];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble();
    }
    for (int b = 0; b < rows; b++) {
      y[b * SIZES[3] + r.nextInt(SIZES[3])] = 1f;
    }
    return Map.of("x", x, "y", y);
  }

  private static boolean workerRunning(String model) {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("cortado-" + model + "-1"));
  }

  @Test
  void twoThreadsGiveBitIdenticalStepsToOne() throws InterruptedException {
    Model model = mlp("mnistish", SIZES, true);
    Executable two = model.compile(optimizer(), 2);
    Executable exe = new Lockstep(two, model.compile(optimizer()));
    SplittableRandom r = new SplittableRandom(7);
    Map<String, float[]> fixed = batch(BATCH_SIZE, r);
    double first = exe.trainStepFloats(fixed);
    double last = first;
    for (int s = 1; s < 5; s++) {
      last = exe.trainStepFloats(fixed);
    }
    assertTrue(last < first, "training on one batch did not lower its loss: " + first + " -> " + last);
    // a short batch: another class, split too, on the same threads
    exe.trainStepFloats(batch(20, r));
    // with a kernel that starts slowly, the first steps run on quick-start classes while the split
    // ones compile in the background: wait for those, so that what follows does not depend on timing
    assertTrue(((CompiledModel) two).state().awaitUpgrades(120_000), "no upgrade within two minutes");
    // a part that has run faster on the caller alone (a loaded machine) still runs on both
    // threads every 64th or 256th time (StepThreads.EXPLORE): a count of steps, not a time
    boolean running = false;
    for (int s = 0; s <= 256 && !running; s++) {
      exe.trainStepFloats(fixed);
      running = workerRunning("mnistish");
    }
    assertTrue(running, "no worker thread: nothing was split");
    for (String p : exe.parameterNames()) {
      exe.parameter(p);
    }
    for (String s : exe.stateNames()) {
      exe.state(s);
    }
    Map<String, float[]> b = batch(BATCH_SIZE, r);
    exe.predictFloats(b);
    Map<String, double[]> d = Map.of("x", toDoubles(b.get("x")), "y", toDoubles(b.get("y")));
    exe.evaluate(d);
    two.close();
    assertFalse(workerRunning("mnistish"), "close() left the worker running");
    exe.trainStepFloats(batch(BATCH_SIZE, r));
  }

  @Test
  void aNonFiniteInputIsReportedAsOnOneThread() {
    // 64 rows of 392 floats: enough for the input scan to be shared out among the threads
    Model model = mlp("scan", SIZES, true);
    Executable two = model.compile(optimizer(), 2);
    Executable one = model.compile(optimizer());
    try {
      SplittableRandom r = new SplittableRandom(3);
      Map<String, float[]> good = batch(64, r);
      assertEquals(one.trainStepFloats(good), two.trainStepFloats(good));
      for (int at : new int[] {5, 64 * 392 / 2 + 3, 64 * 392 - 1}) {
        float[] x = good.get("x").clone();
        x[at] = Float.NaN;
        Map<String, float[]> bad = Map.of("x", x, "y", good.get("y"));
        String expected = assertThrows(IllegalArgumentException.class, () -> one.trainStepFloats(bad)).getMessage();
        assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> two.trainStepFloats(bad)).getMessage());
      }
      assertEquals(one.trainStepFloats(good), two.trainStepFloats(good));
    } finally {
      two.close();
    }
  }

  @Test
  void aModelTooSmallToGainIsNotSplit() {
    Model tiny = mlp("tiny", new int[] {4, 16, 3}, false);
    Codegen.Options one = Codegen.Options.defaults();
    String oneSource = Codegen.generateSource(tiny.trainingGraph(optimizer()), "t", 16, "p", "Tiny", one);
    String twoSource = Codegen.generateSource(tiny.trainingGraph(optimizer()), "t", 16, "p", "Tiny", one.withThreads(2));
    assertEquals(oneSource, twoSource);
    String mnist = Codegen.generateSource(mlp("m", SIZES, true).trainingGraph(optimizer()), "t", BATCH_SIZE, "p", "M",
        one.withThreads(2));
    assertTrue(mnist.contains("parallel(") && mnist.contains("runPart("), "the MNIST-shaped model was not split");
    // the first layer's weight gradient and its update run as one part, row range by row range
    assertTrue(mnist.contains(", then map update/fc1/kernel/"), "the fc1 update was not fused with its gradient");
    // independent pieces share a part: fc2's update and a gradient reduction run beside the fc1 weight
    // gradient's chunks (rather than on the caller after it), and no phase needs a part of its own
    assertTrue(mnist.contains("beside: map update/fc2/kernel/"), "the fc2 update does not run beside a part");
    assertTrue(mnist.contains("beside: reduce grad/sum"), "no gradient reduction runs beside a part");
    int phases = 0;
    int handOvers = 0;
    for (String method : mnist.split("private void ")) {
      if (method.startsWith("train_part")) {
        phases++;
      } else if (!java.util.List.of("predict_", "evaluate_", "gradient_", "apply_").stream().anyMatch(method::startsWith)) {
        // a kernel method of the fused training step (the other entries' methods carry their entry's name)
        handOvers += method.split("parallel\\(", -1).length - 1;
      }
    }
    assertTrue(handOvers > 0 && handOvers <= phases, handOvers + " hand-overs for " + phases + " phases");
  }

  @Test
  void aThreadCountOutOfRangeIsRejected() {
    Model m = mlp("m", new int[] {4, 16, 3}, false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.compile(optimizer(), 0));
    assertTrue(e.getMessage().contains("threads") && e.getMessage().contains("0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> m.compile(optimizer(), 65));
  }

  private static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
