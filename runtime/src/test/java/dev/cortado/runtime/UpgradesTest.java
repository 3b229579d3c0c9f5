package dev.cortado.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Quick-start classes and their background upgrade ({@link ModelState#upgradeLater}): the upgrade
 * starts only after the first step, warms the new class up on a state of its own (the model's
 * variables see only the real steps), and the next step after it is ready runs the new class; a
 * failed upgrade leaves the quick class running, is logged as a warning and is reported by {@link
 * ModelState#awaitUpgrades}.
 */
class UpgradesTest {
  private static final ModelSpec SPEC = ModelSpec.builder("counter", "none", false)
      .input("x", ModelSpec.BATCH, 1).parameter("w", 1).output("y", ModelSpec.BATCH, 1)
      .losses("loss").train("x").predict("x").evaluate("x").build();

  /** Every run of every instance, as "Quick train" or "Fast train", with the state it ran on. */
  private static final List<String> RUNS = new CopyOnWriteArrayList<>();
  private static final List<ModelState> STATES = new CopyOnWriteArrayList<>();

  /** Batch 2: training adds 1 to w and reports w as the loss; the same in both classes. */
  public abstract static class Counter extends CompiledModel {
    Counter(ModelState state) {
      super(state, 2);
    }

    @Override
    protected void runTrain(Object[] in, double[] losses) {
      boolean upgrading = Thread.getAllStackTraces().keySet().stream()
          .anyMatch(t -> t.getName().equals("cortado-upgrade-counter"));
      RUNS.add(getClass().getSimpleName() + " train" + (upgrading && this instanceof Quick ? " while upgrading" : ""));
      STATES.add(state());
      f64(0)[0] += 1;
      losses[0] = f64(0)[0];
    }

    @Override
    protected void runPredict(Object[] in, Object[] out) {
      out[0] = new double[] {f64(0)[0], f64(0)[0]};
    }

    @Override
    protected void runEvaluate(Object[] in, double[] losses) {
      losses[0] = f64(0)[0];
    }
  }

  public static final class Quick extends Counter {
    public Quick(ModelState state) {
      super(state);
    }
  }

  public static final class Fast extends Counter {
    public Fast(ModelState state) {
      super(state);
    }
  }

  /** Makes Quick instances marked for an upgrade, and answers the upgrade with {@code upgrade}. */
  private static Executable model(java.util.function.Supplier<Map<Integer, Class<? extends CompiledModel>>> upgrade) {
    ModelState.Specializer s = new ModelState.Specializer() {
      @Override
      public CompiledModel create(int batch, ModelState state) {
        CompiledModel m = new Quick(state);
        state.upgradeLater(this, batch);
        return m;
      }

      @Override
      public Map<Integer, Class<? extends CompiledModel>> upgrades(int[] batches, ModelState state) {
        RUNS.add("upgrades " + java.util.Arrays.toString(batches));
        return upgrade.get();
      }
    };
    return CompiledModel.lazy(SPEC, s);
  }

  private static double step(Executable exe) {
    return exe.trainStep(Map.of("x", new double[2]));
  }

  @Test
  void theNextStepAfterTheUpgradeRunsTheFastClassOnTheSameVariables() throws InterruptedException {
    RUNS.clear();
    STATES.clear();
    java.util.concurrent.CountDownLatch compiled = new java.util.concurrent.CountDownLatch(1);
    Executable exe = model(() -> {
      try {
        compiled.await(); // the "compiler" finishes when the test says so
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Map.of(2, Fast.class);
    });
    ModelState state = ((CompiledModel) exe).state();
    assertEquals(1.0, step(exe));
    assertEquals("Quick train", RUNS.get(0), "the upgrade starts after the first step, not before");
    assertFalse(state.awaitUpgrades(0), "0 ms: no wait while the faster class is still being made");
    assertSame(Quick.class, state.classFor(2), "nothing offered before the faster class is made");
    compiled.countDown();
    assertTrue(state.awaitUpgrades(60_000), "upgrade still running after a minute");
    assertSame(Fast.class, state.classFor(2));
    long warmUps = RUNS.stream().filter("Fast train"::equals).count();
    assertTrue(warmUps >= Upgrades.MIN_ROUNDS, "warmed up " + warmUps + " rounds");
    assertTrue(STATES.stream().filter(s -> s != state).count() >= warmUps, "the warm-up ran on a state of its own");
    assertArrayEquals(new double[] {1.0}, exe.parameter("w"), "the warm-up left the model's variables alone");

    RUNS.clear();
    assertEquals(2.0, step(exe));
    assertEquals(List.of("Fast train"), RUNS);
    assertSame(state, STATES.get(STATES.size() - 1));
    assertArrayEquals(new double[] {2.0, 2.0}, exe.predict(Map.of("x", new double[2])).get("y"));
  }

  @Test
  void aFailedUpgradeIsReportedAndTheQuickClassKeepsRunning() throws InterruptedException {
    RUNS.clear();
    Executable exe = model(() -> {
      throw new IllegalStateException("javac is out of memory");
    });
    ModelState state = ((CompiledModel) exe).state();
    List<java.util.logging.LogRecord> logged = new CopyOnWriteArrayList<>();
    java.util.logging.Logger log = java.util.logging.Logger.getLogger(Upgrades.class.getName());
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        logged.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(capture);
    log.setUseParentHandlers(false);
    try {
      step(exe);
      assertThrows(IllegalStateException.class, () -> state.awaitUpgrades(60_000));
    } finally {
      log.removeHandler(capture);
      log.setUseParentHandlers(true);
    }
    assertEquals(1, logged.size(), "one warning");
    assertEquals(java.util.logging.Level.WARNING, logged.get(0).getLevel());
    assertTrue(logged.get(0).getMessage().contains("'counter'"), logged.get(0).getMessage());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> state.awaitUpgrades(60_000));
    assertTrue(e.getMessage().contains("'counter'"), e.getMessage());
    assertEquals("javac is out of memory", e.getCause().getMessage());
    assertEquals(2.0, step(exe));
    assertSame(Quick.class, state.classFor(2));
  }

  @Test
  void aSizeWithoutAFasterClassKeepsItsQuickOne() throws InterruptedException {
    RUNS.clear();
    Executable exe = model(Map::of);
    ModelState state = ((CompiledModel) exe).state();
    assertTrue(state.awaitUpgrades(60_000), "awaiting before any step starts the upgrade");
    assertEquals(List.of(), RUNS, "no instance yet, so nothing to upgrade");
    step(exe);
    assertTrue(state.awaitUpgrades(60_000));
    assertEquals(List.of("Quick train", "upgrades [2]"), RUNS);
    step(exe);
    assertSame(Quick.class, state.classFor(2));
  }
}
