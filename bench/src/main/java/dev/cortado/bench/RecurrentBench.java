package dev.cortado.bench;

import static dev.cortado.dsl.Cortado.*;

import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.runtime.CompiledModel;
import dev.cortado.runtime.Executable;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The recurrent models of the comparison with PyTorch ({@code bench/pytorch_peer.py --models
 * gru,lstm} defines the same): float32, x {@code [32, 32 steps, 16]}, a GRU or an LSTM of 64
 * units returning its last state, a dense layer of 10, softmax cross-entropy, Adam lr 1e-3, one
 * fixed batch, one thread. {@code main} prints the median µs per step of each without JMH
 * ({@code java -cp bench/target/benchmarks.jar dev.cortado.bench.RecurrentBench}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecurrentBench {
  static final int BATCH_SIZE = 32;
  static final int STEPS = 32;
  static final int FEATURES = 16;
  static final int UNITS = 64;
  static final int CLASSES = 10;

  @Param({"gru", "lstm"})
  public String model;

  private TrainStep step;

  @Setup
  public void setUp() {
    step = step(model);
  }

  @Benchmark
  public double trainStep() {
    return step.run();
  }

  /** The model: {@code gru} or {@code lstm}. */
  static Model model(String kind) {
    return Model.define(kind, m -> {
      m.dtype(F32);
      m.seed(42);
      Tensor x = m.input("x", BATCH, STEPS, FEATURES);
      Tensor y = m.input("y", BATCH, CLASSES);
      Tensor h = switch (kind) {
        case "gru" -> m.gru("rnn", x, UNITS);
        case "lstm" -> m.lstm("rnn", x, UNITS);
        default -> throw new IllegalArgumentException("unknown model '" + kind + "', expected gru or lstm");
      };
      Tensor logits = m.dense("out", h, CLASSES);
      m.output("logits", logits);
      m.minimize(softmaxCrossEntropy(logits, y));
    });
  }

  /**
   * The compiled training step on one fixed random batch, after the upgrade of its quick-start
   * class ({@code ModelState.upgradeLater}), so that every step timed runs the final class.
   */
  static TrainStep step(String kind) {
    Executable exe = model(kind).compile(adam(1e-3));
    SplittableRandom rng = new SplittableRandom(42);
    double[] x = new double[BATCH_SIZE * STEPS * FEATURES];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextGaussian();
    }
    double[] y = new double[BATCH_SIZE * CLASSES];
    for (int b = 0; b < BATCH_SIZE; b++) {
      y[b * CLASSES + rng.nextInt(CLASSES)] = 1;
    }
    Map<String, double[]> batch = Map.of("x", x, "y", y);
    exe.trainStep(batch);
    if (exe instanceof CompiledModel c) {
      try {
        if (!c.state().awaitUpgrades(120_000)) {
          throw new IllegalStateException(kind + ": the upgrade of the quick-start class took over two minutes");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return () -> exe.trainStep(batch);
  }

  /** Flops of one step: the gate products forward, twice that backward (no data gradient), the dense layer. */
  static long flops(String kind) {
    long gates = (kind.equals("gru") ? 3L : 4L) * UNITS;
    long forward = 2L * BATCH_SIZE * STEPS * (FEATURES + UNITS) * gates;
    return forward + 2L * BATCH_SIZE * STEPS * (FEATURES + 2L * UNITS) * gates + 3L * 2 * BATCH_SIZE * UNITS * CLASSES;
  }

  public static void main(String[] args) {
    boolean cpu = args.length > 0 && args[0].equals("--clock=cpu");
    StepTimer timer = new StepTimer(cpu, 3000, 30000, 2000, 10);
    System.out.printf("Java %s, %s, load average %.2f before the run%n", System.getProperty("java.version"),
        timer.clockName(), java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.println("| model | MFLOP/step | Cortado µs/step | GFLOP/s |");
    System.out.println("| --- | ---: | ---: | ---: |");
    for (String kind : new String[] {"gru", "lstm"}) {
      double us = timer.medianMicros(step(kind));
      System.out.printf("| %s [%d, %d steps, %d] %s %d, dense %d | %.3f | %.1f | %.2f |%n", kind, BATCH_SIZE, STEPS,
          FEATURES, kind.toUpperCase(java.util.Locale.ROOT), UNITS, CLASSES, flops(kind) / 1e6, us,
          flops(kind) / (us * 1e3));
    }
  }
}
