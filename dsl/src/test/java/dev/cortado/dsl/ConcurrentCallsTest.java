package dev.cortado.dsl;

import static dev.cortado.dsl.Cortado.sgd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.Executable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The thread-safety contract of {@link Executable} under contention, in the interpreter and in
 * compiled classes on one thread and split over two: many threads start together on a latch and call
 * the same executable many times, and every result is compared, bit for bit, with results
 * computed on one thread first. Predictions run side by side and equal the one-thread ones;
 * concurrent training steps run one after the other (on one batch, any order gives the same
 * variables and the same losses as the same number of steps on one thread); a prediction made
 * while another thread trains equals the prediction before or after some step, never a mix, and
 * one thread never sees the variables go back.
 */
class ConcurrentCallsTest {
  private static final int[] SIZES = {64, 96, 32, 8};
  private static final int CALLERS = 6;

  static Stream<Arguments> modes() {
    return Stream.of(
        Arguments.of("interpreter", (Function<Model, Executable>) m -> m.interpret(optimizer())),
        Arguments.of("compiled", (Function<Model, Executable>) m -> m.compile(optimizer())),
        // every kernel split, however small: the worker threads are shared by concurrent calls
        Arguments.of("compiled on two threads", (Function<Model, Executable>) m -> dev.cortado.codegen.Codegen.compile(
            m.trainingGraph(optimizer()), "split", dev.cortado.codegen.Codegen.Options.defaults().withThreads(2).withSplitFrom(0))));
  }

  private static Optimizer optimizer() {
    return sgd(0.05).momentum(0.9);
  }

  private static Model model(String name) {
    return ThreadsTest.mlp(name, SIZES, true);
  }

  private static Map<String, double[]> batch(int rows, SplittableRandom r) {
    double[] x = new double[rows * SIZES[0]];
    double[] y = new double[rows * SIZES[3]];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble(-1, 1);
    }
    for (int b = 0; b < rows; b++) {
      y[b * SIZES[3] + r.nextInt(SIZES[3])] = 1;
    }
    return Map.of("x", x, "y", y);
  }

  /** Runs {@code body(i)} on {@code n} threads released together, and rethrows the first failure. */
  private static void together(int n, ThrowingIntConsumer body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch ready = new CountDownLatch(n);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int t = i;
        futures.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          body.accept(t);
          return null;
        }));
      }
      ready.await();
      go.countDown();
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof Exception x) {
            throw x;
          }
          throw (Error) e.getCause();
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @FunctionalInterface
  private interface ThrowingIntConsumer {
    void accept(int i) throws Exception;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void predictionsOnManyThreadsEqualThoseOnOne(String mode, Function<Model, Executable> make) throws Exception {
    Executable exe = make.apply(model("shared"));
    SplittableRandom r = new SplittableRandom(11);
    for (int s = 0; s < 3; s++) {
      exe.trainStep(batch(16, r));
    }
    // batches of three sizes: each size has an instance (a class) of its own in compiled code
    int[] rows = {16, 5, 16, 1, 16, 5, 16, 3};
    List<Map<String, double[]>> batches = new ArrayList<>();
    List<double[]> want = new ArrayList<>();
    List<Double> wantLoss = new ArrayList<>();
    for (int k : rows) {
      Map<String, double[]> b = batch(k, r);
      batches.add(b);
      want.add(exe.predict(b).get("pred"));
      wantLoss.add(exe.evaluate(b).get("loss"));
    }
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    together(CALLERS, t -> {
      for (int i = 0; i < 150; i++) {
        int k = (i * 7 + t) % batches.size();
        double[] got = exe.predict(batches.get(k)).get("pred");
        if (!Arrays.equals(want.get(k), got)) {
          wrong.add("thread " + t + " call " + i + " batch " + k);
        }
        if (i % 10 == 0 && exe.evaluate(batches.get(k)).get("loss") != (double) wantLoss.get(k)) {
          wrong.add("thread " + t + " evaluation " + i + " batch " + k);
        }
      }
    });
    assertTrue(wrong.isEmpty(), mode + ": " + wrong.size() + " results differ from one thread's, first " + wrong.peek());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void concurrentTrainingStepsRunOneAfterTheOther(String mode, Function<Model, Executable> make) throws Exception {
    int steps = 60;
    Map<String, double[]> fixed = batch(16, new SplittableRandom(5));
    Executable alone = make.apply(model("alone"));
    double[] lossesAlone = new double[steps];
    for (int s = 0; s < steps; s++) {
      lossesAlone[s] = alone.trainStep(fixed);
    }
    Executable shared = make.apply(model("alone"));
    ConcurrentLinkedQueue<Double> losses = new ConcurrentLinkedQueue<>();
    together(CALLERS, t -> {
      for (int s = 0; s < steps / CALLERS; s++) {
        losses.add(shared.trainStep(fixed));
      }
    });
    double[] got = losses.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double[] want = lossesAlone.clone();
    Arrays.sort(want);
    assertArrayEquals(want, got, mode + ": the steps' losses are not those of " + steps + " steps one after the other");
    for (String p : alone.parameterNames()) {
      assertArrayEquals(alone.parameter(p), shared.parameter(p), mode + ": variable " + p);
    }
    for (String s : alone.stateNames()) {
      assertArrayEquals(alone.state(s), shared.state(s), mode + ": optimizer state " + s);
    }
    assertEquals(alone.lastLosses(), shared.lastLosses(), mode);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void aPredictionWhileAnotherThreadTrainsSeesTheVariablesBeforeOrAfterAStep(String mode,
      Function<Model, Executable> make) throws Exception {
    int steps = 40;
    SplittableRandom r = new SplittableRandom(3);
    Map<String, double[]> fixed = batch(16, r);
    Map<String, double[]> probe = batch(16, r);
    Executable alone = make.apply(model("probe"));
    List<double[]> after = new ArrayList<>(); // after.get(k): the prediction after k steps
    after.add(alone.predict(probe).get("pred"));
    for (int s = 0; s < steps; s++) {
      alone.trainStep(fixed);
      after.add(alone.predict(probe).get("pred"));
    }
    Executable shared = make.apply(model("probe"));
    AtomicBoolean trained = new AtomicBoolean();
    CountDownLatch firstPredictions = new CountDownLatch(CALLERS - 1);
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    int[] seen = new int[CALLERS];
    together(CALLERS, t -> {
      if (t == 0) {
        firstPredictions.await(); // every predicting thread is running before the steps start
        for (int s = 0; s < steps; s++) {
          shared.trainStep(fixed);
        }
        trained.set(true);
        return;
      }
      int last = 0;
      try {
        while (!trained.get()) {
          double[] got = shared.predict(probe).get("pred");
          int k = last;
          while (k <= steps && !Arrays.equals(after.get(k), got)) {
            k++;
          }
          if (k > steps) {
            wrong.add("thread " + t + ": a prediction equal to none after " + last + " or more steps");
            return;
          }
          last = k;
          if (seen[t]++ == 0) {
            firstPredictions.countDown();
          }
        }
      } finally {
        if (seen[t] == 0) {
          firstPredictions.countDown(); // failed before its first prediction: the steps still run
        }
      }
    });
    assertTrue(wrong.isEmpty(), mode + ": " + wrong);
    assertArrayEquals(after.get(steps), shared.predict(probe).get("pred"), mode + ": after the steps");
    for (int t = 1; t < CALLERS; t++) {
      assertTrue(seen[t] > 0, mode + ": thread " + t + " made no prediction");
    }
  }
}
