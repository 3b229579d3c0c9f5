package dev.cortado.train;

import static dev.cortado.dsl.Cortado.sgd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.data.Dataset;
import dev.cortado.data.Split;
import dev.cortado.runtime.Executable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fit loop on the reference interpreter. */
class TrainerTest {

  private static Trainer.Builder quiet() {
    return Trainer.builder().quiet();
  }

  /** Records every batch the trainer reports. */
  private static final class BatchLog implements Callback {
    final List<int[]> batches = new ArrayList<>(); // epoch, batch, rows
    final List<Double> losses = new ArrayList<>();

    @Override
    public void onBatchEnd(TrainingRun run, int epoch, int batch, int rows, double loss) {
      batches.add(new int[] {epoch, batch, rows});
      losses.add(loss);
    }
  }

  @Test
  void fitLearnsAndRecordsEveryMetric() {
    Split split = Split.stratified(Fixtures.blobs(150, 1), 0.2, 7);
    Executable exe = Fixtures.classifier(0).interpret(sgd(0.1));
    BatchLog log = new BatchLog();
    Trainer trainer = quiet().epochs(15).batchSize(16).seed(5).callbacks(log).build();
    History h = trainer.fit(exe, split.train(), split.test());

    assertEquals(15, h.epochs());
    assertEquals(List.of("loss", "data_loss", "regularization/hidden/kernel", "accuracy",
        "val_loss", "val_data_loss", "val_regularization/hidden/kernel", "val_accuracy"),
        h.metricNames());
    assertTrue(h.last("loss") < 0.5 * h.get("loss", 0), h.toString());
    assertTrue(h.last("val_accuracy") >= 0.9, h.toString());
    for (int e = 0; e < 15; e++) {
      assertEquals(h.get("loss", e), h.get("data_loss", e)
          + h.get("regularization/hidden/kernel", e), 1e-12);
    }
    // 120 rows in batches of 16: 7 full batches and one of 8, each epoch.
    assertEquals(15 * 8, log.batches.size());
    assertEquals(8, log.batches.get(7)[2]);
    double weighted = 0;
    for (int b = 0; b < 8; b++) {
      weighted += log.losses.get(b) * log.batches.get(b)[2];
    }
    assertEquals(weighted / 120, h.get("loss", 0), 1e-12, "epoch loss is the row-weighted mean");
    Map<String, Double> again = trainer.evaluate(exe, split.test());
    assertEquals(h.last("val_loss"), again.get("loss"), 1e-12);
    assertEquals(h.last("val_accuracy"), again.get("accuracy"), 1e-12);
  }

  @Test
  void theSameSeedGivesTheSameRunAndAnotherSeedAnother() {
    Dataset data = Fixtures.blobs(60, 2);
    History a = quiet().epochs(3).batchSize(8).seed(1).build()
        .fit(Fixtures.classifier(0).interpret(sgd(0.05)), data);
    History b = quiet().epochs(3).batchSize(8).seed(1).build()
        .fit(Fixtures.classifier(0).interpret(sgd(0.05)), data);
    History c = quiet().epochs(3).batchSize(8).seed(2).build()
        .fit(Fixtures.classifier(0).interpret(sgd(0.05)), data);
    assertArrayEquals(a.values("loss"), b.values("loss"), 0.0);
    assertNotEquals(a.last("loss"), c.last("loss"));
  }

  @Test
  void aValidationSplitHoldsOutStratifiedRows() {
    Dataset data = Fixtures.blobs(90, 3);
    BatchLog log = new BatchLog();
    History h = quiet().epochs(1).batchSize(100).validationSplit(0.2).callbacks(log).build()
        .fit(Fixtures.classifier(0).interpret(sgd(0.05)), data);
    assertEquals(72, log.batches.get(0)[2], "ceil(0.2 * 90) = 18 rows held out");
    assertTrue(h.has("val_loss") && h.has("val_accuracy"));
    Trainer split = quiet().validationSplit(0.2).build();
    assertThrows(IllegalArgumentException.class, () ->
        split.fit(Fixtures.classifier(0).interpret(sgd(0.05)), data, data));
  }

  @Test
  void theBatchHookSeesEachTrainingBatchWithASeededGenerator() {
    Dataset data = Fixtures.blobs(30, 4);
    List<String> seen = new ArrayList<>();
    List<Double> draws = new ArrayList<>();
    BatchHook flip = (batch, epoch, random) -> {
      seen.add(epoch + ":" + batch.size());
      draws.add(random.nextDouble());
      double[] f = batch.features();
      for (int i = 0; i < f.length; i++) {
        f[i] = -f[i];
      }
      return batch.withFeatures(f);
    };
    Trainer trainer = quiet().epochs(2).batchSize(12).seed(9).batchHook(flip).build();
    Executable hooked = Fixtures.classifier(0).interpret(sgd(0.05));
    History withHook = trainer.fit(hooked, data, data);
    // Training batches only: validating on the same 30 rows would add 3 more per epoch.
    assertEquals(List.of("0:12", "0:12", "0:6", "1:12", "1:12", "1:6"), seen);
    assertEquals(6, draws.stream().distinct().count());
    List<Double> first = new ArrayList<>(draws);
    draws.clear();
    trainer.fit(Fixtures.classifier(0).interpret(sgd(0.05)), data, data);
    assertEquals(first, draws, "the hook's generator is seeded");
    History plain = quiet().epochs(2).batchSize(12).seed(9).build()
        .fit(Fixtures.classifier(0).interpret(sgd(0.05)), data, data);
    assertNotEquals(plain.last("loss"), withHook.last("loss"));
  }

  @Test
  void dropoutIsOnInTrainingStepsAndOffInPredictAndEvaluate() {
    Dataset data = Fixtures.blobs(24, 5);
    Map<String, double[]> in = Map.of("x", data.features(), "y", data.targets());
    Executable dropped = Fixtures.classifier(0.5).interpret(sgd(1e-12));
    Executable plain = Fixtures.classifier(0).interpret(sgd(1e-12));
    for (String p : plain.parameterNames()) {
      assertArrayEquals(plain.parameter(p), dropped.parameter(p), 0.0, "same seed, same init");
    }
    Map<String, double[]> x = Map.of("x", data.features());
    assertArrayEquals(plain.predict(x).get("logits"), dropped.predict(x).get("logits"), 0.0);
    assertArrayEquals(dropped.predict(x).get("logits"), dropped.predict(x).get("logits"), 0.0);
    double evaluated = dropped.evaluate(in).get("loss");
    assertEquals(plain.evaluate(in).get("loss"), evaluated, 0.0);
    double trained = dropped.trainStep(in);
    assertNotEquals(evaluated, trained, "dropout changes the training forward pass");
    assertEquals(plain.trainStep(in), evaluated, 1e-12);
  }

  @Test
  void aNonFiniteLossStopsTheRun() {
    Dataset data = Fixtures.blobs(30, 6);
    double[] f = data.features();
    f[3] = 1e300;
    Dataset huge = data.withFeatures(f, 2);
    TrainingRun[] runs = new TrainingRun[1];
    Callback grab = new Callback() {
      @Override
      public void onTrainEnd(TrainingRun run, History history) {
        runs[0] = run;
      }
    };
    History h = quiet().epochs(5).batchSize(30).shuffle(false).callbacks(grab).build()
        .fit(Fixtures.classifier(0).interpret(sgd(1.0)), huge);
    assertTrue(h.epochs() < 5, h.toString());
    assertTrue(runs[0].stopReason().startsWith("the loss became"), runs[0].stopReason());
    assertEquals(runs[0].stopReason(), h.stopReason().orElseThrow(), "a quiet run keeps the reason in its history");
    assertTrue(h.stopReason().get().matches("the loss became (NaN|-?Infinity) in epoch \\d+, batch \\d+"), h.stopReason().get());
  }

  @Test
  void badSettingsAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.builder().batchSize(0).build());
    assertTrue(e.getMessage().contains("batchSize"));
    assertThrows(IllegalArgumentException.class, () -> Trainer.builder().epochs(0).build());
    assertThrows(IllegalArgumentException.class,
        () -> Trainer.builder().validationSplit(1).build());
    Trainer wrongOutput = quiet().output("probs").build();
    IllegalArgumentException out = assertThrows(IllegalArgumentException.class, () ->
        wrongOutput.fit(Fixtures.classifier(0).interpret(sgd(0.1)), Fixtures.blobs(9, 1)));
    assertTrue(out.getMessage().contains("no output \"probs\""), out.getMessage());
  }
}
