package dev.cortado.train;

import static dev.cortado.dsl.Cortado.exponentialLr;
import static dev.cortado.dsl.Cortado.lrSchedule;
import static dev.cortado.dsl.Cortado.sgd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.data.Dataset;
import dev.cortado.runtime.Executable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Early stopping and learning-rate schedules. */
class CallbacksTest {

  /**
   * Puts a scripted value under {@code name} into each epoch's metrics and records the
   * parameters at each epoch's end.
   */
  private static final class Script implements Callback {
    final String name;
    final double[] values;
    final List<double[]> kernels = new ArrayList<>();

    Script(String name, double... values) {
      this.name = name;
      this.values = values;
    }

    @Override
    public void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> metrics) {
      metrics.put(name, values[epoch]);
      kernels.add(run.executable().parameter("hidden/kernel"));
    }
  }

  private static History run(int epochs, Executable exe, Callback... callbacks) {
    Dataset data = Fixtures.blobs(30, 1);
    return Trainer.builder().quiet().epochs(epochs).batchSize(10).seed(3).callbacks(callbacks)
        .build().fit(exe, data);
  }

  @Test
  void stopsAfterPatienceEpochsWithoutImprovementAndRestoresTheBest() {
    Script script = new Script("score", 5, 3, 4, 3.05, 2.99, 1, 1, 1);
    EarlyStopping stop = new EarlyStopping("score").patience(2).minDelta(0.1)
        .restoreBestWeights(true);
    Executable exe = Fixtures.classifier(0).interpret(sgd(0.1));
    History h = run(8, exe, script, stop);
    assertEquals(4, h.epochs(), "epochs 2 and 3 do not beat 3 by more than 0.1");
    assertEquals(1, stop.bestEpoch());
    assertArrayEquals(script.kernels.get(1), exe.parameter("hidden/kernel"), 0.0);
    assertFalse(Arrays.equals(script.kernels.get(3), exe.parameter("hidden/kernel")));
  }

  @Test
  void withoutRestoreTheLastWeightsStay() {
    Script script = new Script("score", 5, 3, 4, 4);
    Executable exe = Fixtures.classifier(0).interpret(sgd(0.1));
    History h = run(8, exe, script, new EarlyStopping("score").patience(1));
    assertEquals(3, h.epochs());
    assertArrayEquals(script.kernels.get(2), exe.parameter("hidden/kernel"), 0.0);
  }

  @Test
  void minDeltaAndDirection() {
    History small = run(4, Fixtures.classifier(0).interpret(sgd(0.1)),
        new Script("score", 5, 4.95, 4.9, 4.85), new EarlyStopping("score").patience(2)
            .minDelta(0.1));
    assertEquals(3, small.epochs());
    History any = run(4, Fixtures.classifier(0).interpret(sgd(0.1)),
        new Script("score", 5, 4.95, 4.9, 4.85), new EarlyStopping("score").patience(2));
    assertEquals(4, any.epochs());
    History accuracy = run(6, Fixtures.classifier(0).interpret(sgd(0.1)),
        new Script("val_accuracy", 0.5, 0.7, 0.6, 0.9, 0.9, 0.9),
        new EarlyStopping("val_accuracy"));
    assertEquals(3, accuracy.epochs(), "accuracy is maximized; patience 0 stops at once");
    History max = run(6, Fixtures.classifier(0).interpret(sgd(0.1)),
        new Script("score", 1, 2, 1, 1, 1, 1),
        new EarlyStopping("score").mode(EarlyStopping.Mode.MAX));
    assertEquals(3, max.epochs());
  }

  @Test
  void onRealValidationLoss() {
    // At this learning rate the validation loss stalls and wobbles after some epochs.
    Dataset validation = Fixtures.blobs(30, 99);
    EarlyStopping stop = new EarlyStopping("val_loss").patience(1).restoreBestWeights(true);
    Executable exe = Fixtures.classifier(0).interpret(sgd(4.0));
    Trainer trainer = Trainer.builder().quiet().epochs(200).batchSize(6).seed(1)
        .callbacks(stop).build();
    History h = trainer.fit(exe, Fixtures.blobs(60, 2), validation);
    assertTrue(h.epochs() < 200, h.toString());
    assertEquals(h.bestEpoch("val_loss"), stop.bestEpoch());
    assertEquals(stop.bestEpoch() + 2, h.epochs(), "patience 1: one more epoch, then stop");
    assertEquals(h.get("val_loss", stop.bestEpoch()), trainer.evaluate(exe, validation)
        .get("loss"), 1e-12, "the restored weights are the best epoch's");
    assertTrue(h.last("val_loss") > h.get("val_loss", stop.bestEpoch()));
  }

  @Test
  void anUnknownMonitorIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        run(2, Fixtures.classifier(0).interpret(sgd(0.1)), new EarlyStopping("val_loss")));
    assertTrue(e.getMessage().contains("monitors \"val_loss\", which this run does not produce"),
        e.getMessage());
    assertTrue(e.getMessage().contains("loss"));
  }

  @Test
  void aPerEpochScheduleDrivesTheOptimizer() {
    Script kernels = new Script("unused", 0, 0, 0, 0);
    Executable exe = Fixtures.classifier(0).interpret(sgd(0.1));
    LearningRateSchedule schedule =
        LearningRateSchedule.perEpoch(lrSchedule(e -> e == 1 ? 0 : 1.0 / (e + 1)));
    History h = run(4, exe, schedule, kernels);
    assertArrayEquals(new double[] {1, 0, 1 / 3.0, 0.25}, h.values("lr_multiplier"), 0.0);
    assertArrayEquals(kernels.kernels.get(0), kernels.kernels.get(1), 0.0,
        "a zero multiplier stops learning for that epoch");
    assertFalse(Arrays.equals(kernels.kernels.get(1), kernels.kernels.get(2)));
  }

  @Test
  void aPerStepScheduleCountsStepsAcrossEpochs() {
    List<Double> seen = new ArrayList<>();
    Callback spy = new Callback() {
      @Override
      public void onBatchBegin(TrainingRun run, int epoch, int batch) {
        seen.add(run.executable().hyperparameter("lr_multiplier"));
      }
    };
    History h = run(2, Fixtures.classifier(0).interpret(sgd(0.1)),
        LearningRateSchedule.perStep(lrSchedule(step -> step * 0.1)), spy);
    assertEquals(List.of(0.0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5), seen);
    assertArrayEquals(new double[] {0.2, 0.5}, h.values("lr_multiplier"), 0.0);
  }

  @Test
  void aScheduleNeedsTheMultiplier() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(2,
        Fixtures.classifier(0).interpret(), LearningRateSchedule.perEpoch(exponentialLr(0.9))));
    assertTrue(e.getMessage().contains("\"lr_multiplier\", which this executable does not have"),
        e.getMessage());
  }
}
