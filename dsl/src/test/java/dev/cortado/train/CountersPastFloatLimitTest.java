package dev.cortado.train;

import static dev.cortado.dsl.Cortado.BATCH;
import static dev.cortado.dsl.Cortado.adam;
import static dev.cortado.dsl.Cortado.dropout;
import static dev.cortado.dsl.Cortado.exponentialLr;
import static dev.cortado.dsl.Cortado.mse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.optim.Adam;
import dev.cortado.optim.BaseOptimizer;
import dev.cortado.optim.Schedule;
import dev.cortado.runtime.Checkpoint;
import dev.cortado.runtime.Executable;
import dev.cortado.runtime.Safetensors;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A model's step counters keep counting past 2^24, where a float stops, in float32 and float64:
 * started at step 2^24 - 2 through the state API, five steps with the same batch and the same
 * weights and moments draw five different dropout masks, advance the schedule and Adam's bias
 * correction by exactly one step each (in float32 the correction's change, 4e-8 relative, is
 * below float resolution: the count and the agreement with the interpreter are checked there),
 * and a checkpoint keeps the counters exactly. In the interpreter and in the compiled class, which
 * must agree (Adam's update bit for bit). A checkpoint in the layout written before counters were kept in double
 * (every tensor F32, the counters too) still loads.
 */
class CountersPastFloatLimitTest {
  private static final long START = (1L << 24) - 2;
  private static final double LR = 0.01;
  private static final double BETA2 = 1 - 0x1p-24;
  private static final double GAMMA = 1 - 0x1p-20;
  private static final double U_GRADIENT = 0.5;

  @TempDir Path dir;

  private static Model model(DType dtype) {
    return Model.define("counters_" + dtype, m -> {
      m.dtype(dtype);
      m.seed(11);
      Tensor x = m.input("x", BATCH, 64);
      Tensor y = m.input("y", BATCH, 1);
      Tensor pred = m.dense("d", dropout(x, 0.5), 1);
      Tensor u = m.variable("u").shape(1);
      m.minimize(mse(pred, y).add(u.mul(U_GRADIENT).sum()));
    });
  }

  private static Adam optimizer() {
    return adam(LR).betas(0.9, BETA2);
  }

  private static Executable make(DType dtype, String mode) {
    return mode.equals("compiled") ? model(dtype).compile(optimizer()) : model(dtype).interpret(optimizer());
  }

  @ParameterizedTest
  @CsvSource({"F32, interpreter", "F32, compiled", "F64, interpreter", "F64, compiled"})
  void countersKeepMovingPastTwoToThe24(DType dtype, String mode) throws Exception {
    Executable exe = make(dtype, mode);
    Executable reference = model(dtype).interpret(optimizer());
    double tolerance = dtype == DType.F32 ? 1e-5 : 1e-12;
    SplittableRandom random = new SplittableRandom(5);
    double[] x = random.doubles(4 * 64, -1, 1).toArray();
    double[] y = random.doubles(4, -1, 1).toArray();
    Map<String, double[]> feed = Map.of("x", x, "y", y);
    exe.setParameter("u", new double[1]);
    Map<String, double[]> parameters = new HashMap<>();
    exe.parameterNames().forEach(p -> parameters.put(p, exe.parameter(p)));
    Map<String, double[]> moments = new HashMap<>();
    exe.stateNames().forEach(s -> moments.put(s, new double[exe.state(s).length]));
    exe.setState(Graph.GLOBAL_STEP, new double[] {START});
    exe.setState(BaseOptimizer.STEP, new double[] {START});
    Schedule schedule = exponentialLr(GAMMA);

    double[] losses = new double[5];
    double[] updates = new double[5];
    for (int i = 0; i < losses.length; i++) {
      long taken = START + i;
      assertEquals(taken, (long) exe.state(Graph.GLOBAL_STEP)[0], "global step before step " + i);
      assertEquals(taken, (long) exe.state(BaseOptimizer.STEP)[0], "optimizer step before step " + i);
      parameters.forEach(exe::setParameter);
      moments.forEach((s, zero) -> {
        if (!s.equals(Graph.GLOBAL_STEP) && !s.equals(BaseOptimizer.STEP)) {
          exe.setState(s, zero);
        }
      });
      double multiplier = schedule.apply(exe, (long) exe.state(BaseOptimizer.STEP)[0]);
      assertEquals(Math.pow(GAMMA, taken), multiplier, 1e-15, "the schedule at step " + taken);
      losses[i] = exe.trainStep(feed);
      updates[i] = exe.parameter("u")[0];
      assertEquals(expectedU(taken + 1, multiplier), updates[i], tolerance * Math.abs(updates[i]),
          "Adam's update of u at t = " + (taken + 1));

      // the reference interpreter, set to the same state, gives the same loss and update
      parameters.forEach(reference::setParameter);
      moments.forEach(reference::setState);
      reference.setState(Graph.GLOBAL_STEP, new double[] {taken});
      reference.setState(BaseOptimizer.STEP, new double[] {taken});
      reference.setHyperparameter(BaseOptimizer.LR_MULTIPLIER, multiplier);
      // the loss may differ in its last float bit (the compiled mean sums in another order)
      assertEquals(reference.trainStep(feed), losses[i], dtype == DType.F32 ? 1e-6 * Math.abs(losses[i]) : 0.0,
          "loss at step " + taken);
      assertEquals(reference.parameter("u")[0], updates[i], 0.0, "u at step " + taken);
    }
    for (int i = 0; i < losses.length; i++) {
      for (int j = i + 1; j < losses.length; j++) {
        assertNotEquals(losses[i], losses[j], "steps " + (START + i) + " and " + (START + j) + " drew one dropout mask");
        assertNotEquals(updates[i], updates[j], "Adam's update did not move from step " + (START + i));
      }
    }
    assertEquals(START + 5, (long) exe.state(Graph.GLOBAL_STEP)[0]);

    Path file = dir.resolve(mode + ".safetensors");
    Checkpoint.save(exe, file);
    Executable restored = make(dtype, mode);
    Checkpoint.load(restored, file);
    assertArrayEquals(new double[] {START + 5}, restored.state(Graph.GLOBAL_STEP), 0.0);
    assertArrayEquals(new double[] {START + 5}, restored.state(BaseOptimizer.STEP), 0.0);
  }

  @ParameterizedTest
  @CsvSource({"F32, interpreter", "F32, compiled", "F64, interpreter", "F64, compiled"})
  void aCheckpointWithFloatCountersStillLoads(DType dtype, String mode) throws Exception {
    Executable source = make(dtype, mode);
    Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
    for (String p : source.parameterNames()) {
      int[] shape = source.parameterShape(p);
      tensors.put(p, new Safetensors.Tensor(Safetensors.DType.F32,
          java.util.Arrays.stream(shape).asLongStream().toArray(), source.parameter(p)));
    }
    for (String s : source.stateNames()) {
      double[] v = s.equals(Graph.GLOBAL_STEP) || s.equals(BaseOptimizer.STEP) ? new double[] {START}
          : source.state(s);
      tensors.put(Checkpoint.STATE_PREFIX + s, new Safetensors.Tensor(Safetensors.DType.F32, new long[] {v.length}, v));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(Checkpoint.FORMAT_KEY, "cortado-checkpoint/1");
    metadata.put(Checkpoint.HYPERPARAMETER_PREFIX + BaseOptimizer.LR_MULTIPLIER, "1.0");
    Path file = dir.resolve("float-counters.safetensors");
    Safetensors.write(file, tensors, metadata);

    Executable exe = make(dtype, mode);
    Checkpoint.load(exe, file);
    assertArrayEquals(new double[] {START}, exe.state(Graph.GLOBAL_STEP), 0.0);
    assertArrayEquals(new double[] {START}, exe.state(BaseOptimizer.STEP), 0.0);
    SplittableRandom random = new SplittableRandom(7);
    Map<String, double[]> feed = Map.of("x", random.doubles(4 * 64, -1, 1).toArray(),
        "y", random.doubles(4, -1, 1).toArray());
    for (int i = 0; i < 4; i++) {
      exe.trainStep(feed);
    }
    assertArrayEquals(new double[] {START + 4}, exe.state(Graph.GLOBAL_STEP), 0.0);
    assertArrayEquals(new double[] {START + 4}, exe.state(BaseOptimizer.STEP), 0.0);
  }

  /** u after one Adam step from u = 0 and zero moments, gradient {@link #U_GRADIENT}, at step t. */
  private static double expectedU(long t, double multiplier) {
    double m = 0.1 * U_GRADIENT;
    double v = (1 - BETA2) * U_GRADIENT * U_GRADIENT;
    double stepSize = LR * multiplier / -Math.expm1(t * Math.log(0.9));
    double denom = Math.sqrt(v) / Math.sqrt(-Math.expm1(t * Math.log(BETA2))) + 1e-8;
    return -m * stepSize / denom;
  }
}
