package dev.cortado.dsl;

import static dev.cortado.dsl.Cortado.BATCH;
import static dev.cortado.dsl.Cortado.dropout;
import static dev.cortado.dsl.Cortado.sgd;
import static dev.cortado.dsl.Cortado.softmaxCrossEntropy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.codegen.Codegen;
import dev.cortado.codegen.emit.BlockedMatmul;
import dev.cortado.codegen.emit.MatmulKernel;
import dev.cortado.codegen.emit.VectorMatmul;
import dev.cortado.ir.Graph;
import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.CompiledModel;
import dev.cortado.runtime.Executable;
import dev.cortado.runtime.Lockstep;
import dev.cortado.runtime.ModelState;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Codegen.Options#withQuickStart}: a model whose kernel is slow to start (the Vector API
 * kernel where this JVM has the module, else the blocked kernel with four rows per pass) runs its
 * first steps on the quick-start class and then on the kernel's own class, swapped in between two
 * steps, and every loss, parameter, optimizer state, output and evaluation is bit-identical to the
 * same model on the kernel's own class from the first step, with one thread and with two, dropout
 * included; an inference-only model starts quick as well.
 */
class QuickStartTest {
  private static final int ROWS = 24;

  private static Model model() {
    return Model.define("quick", m -> {
      Tensor h = dropout(m.dense("fc1", m.input("x", BATCH, 40), 64).relu(), 0.25);
      h = m.dense("fc2", h, 32).relu();
      Tensor logits = m.dense("fc3", h, 6);
      m.output("pred", logits);
      m.minimize(softmaxCrossEntropy(logits, m.input("y", BATCH, 6)));
    });
  }

  private static Optimizer optimizer() {
    return sgd(0.05).momentum(0.9).weightDecay(5e-4);
  }

  private static Map<String, float[]> batch(SplittableRandom r) {
    float[] x = new float[ROWS * 40];
    float[] y = new float[ROWS * 6];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int b = 0; b < ROWS; b++) {
      y[b * 6 + r.nextInt(6)] = 1f;
    }
    return Map.of("x", x, "y", y);
  }

  @ParameterizedTest(name = "{0} thread(s)")
  @ValueSource(ints = {1, 2})
  void theSwapChangesNoResult(int threads) throws InterruptedException {
    MatmulKernel kernel = VectorMatmul.available() ? VectorMatmul.preferred() : new BlockedMatmul(4);
    Codegen.Options own = new Codegen.Options(kernel, null).withThreads(threads).withSplitFrom(0);
    Graph step = model().trainingGraph(optimizer());
    Executable reference = Codegen.compile(step, "quick start", own);
    Executable quick = Codegen.compile(step, "quick start", own.withQuickStartFrom(0));
    reference.prepare(ROWS); // compiled first, so that the upgrade finds its class in the compiler's cache
    Executable exe = new Lockstep(quick, reference);
    ModelState state = ((CompiledModel) quick).state();
    SplittableRandom r = new SplittableRandom(11);

    exe.trainStepFloats(batch(r));
    Class<?> ownClass = ((CompiledModel) reference).state().classFor(ROWS);
    assertNotSame(ownClass, state.classFor(ROWS), "the first step ran the kernel's own class");
    for (int s = 0; s < 3; s++) {
      exe.trainStepFloats(batch(r));
    }
    assertTrue(state.awaitUpgrades(120_000), "no upgrade within two minutes");
    double before = exe.trainStepFloats(batch(r));
    assertSame(ownClass, state.classFor(ROWS), "the upgrade is not the kernel's own class");
    double after = before;
    for (int s = 0; s < 5; s++) {
      after = exe.trainStepFloats(batch(r));
    }
    assertTrue(Double.isFinite(after), "loss " + after);
    exe.predictFloats(batch(r));
    Map<String, float[]> b = batch(r);
    exe.evaluate(Map.of("x", toDoubles(b.get("x")), "y", toDoubles(b.get("y"))));
    for (String p : exe.parameterNames()) {
      exe.parameter(p);
    }
    for (String s : exe.stateNames()) {
      exe.state(s);
    }
    quick.close();
    reference.close();
  }

  @org.junit.jupiter.api.Test
  void anInferenceModelStartsQuickToo() throws InterruptedException {
    Codegen.Options own = new Codegen.Options(new BlockedMatmul(4), null);
    Graph forward = dev.cortado.codegen.pass.Passes.verify(model().graph());
    Executable reference = Codegen.compile(forward, "inference", own);
    reference.prepare(ROWS);
    Executable quick = Codegen.compile(forward, "inference", own.withQuickStartFrom(0));
    Executable exe = new Lockstep(quick, reference);
    SplittableRandom r = new SplittableRandom(3);
    exe.predictFloats(batch(r));
    ModelState state = ((CompiledModel) quick).state();
    assertTrue(state.awaitUpgrades(120_000), "no upgrade within two minutes");
    exe.predictFloats(batch(r));
    assertSame(((CompiledModel) reference).state().classFor(ROWS), state.classFor(ROWS));
    exe.predictFloats(batch(r));
  }

  @org.junit.jupiter.api.Test
  void aStepUnderTheThresholdStartsOnTheKernelsOwnClass() throws InterruptedException {
    Codegen.Options own = new Codegen.Options(new BlockedMatmul(4), null);
    Graph step = model().trainingGraph(optimizer());
    long work = Codegen.matmulWork(step, ROWS);
    // 24·40·64 + 24·64·32 + 24·32·6 forward, as much again for the weight gradients, and the
    // input gradients of the second and third layers
    assertEquals(2L * (24 * 40 * 64 + 24 * 64 * 32 + 24 * 32 * 6) + 24 * 64 * 32 + 24 * 32 * 6, work);
    Executable reference = Codegen.compile(step, "threshold", own);
    reference.prepare(ROWS);
    Executable exe = Codegen.compile(step, "threshold", own.withQuickStartFrom(work + 1));
    exe.prepare(ROWS);
    ModelState state = ((CompiledModel) exe).state();
    assertSame(((CompiledModel) reference).state().classFor(ROWS), state.classFor(ROWS));
    assertTrue(state.awaitUpgrades(0), "an upgrade was marked");
    Executable atThreshold = Codegen.compile(step, "threshold", own.withQuickStartFrom(work));
    atThreshold.prepare(ROWS);
    assertNotSame(((CompiledModel) reference).state().classFor(ROWS), ((CompiledModel) atThreshold).state().classFor(ROWS));
  }

  private static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
