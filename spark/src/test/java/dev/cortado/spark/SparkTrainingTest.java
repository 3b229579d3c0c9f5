package dev.cortado.spark;

import static dev.cortado.spark.SparkFixtures.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.data.Dataset;
import dev.cortado.runtime.Executable;
import dev.cortado.train.EarlyStopping;
import dev.cortado.train.History;
import dev.cortado.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Synchronous data-parallel training on {@code local[2]} against {@code Trainer} on one machine
 * with the same global batches; a failed task retried; a resumed run; validation and early
 * stopping.
 */
class SparkTrainingTest extends LocalSparkTest {
  private static SparkTrainer.Builder trainer(int epochs) {
    return SparkTrainer.builder().features(features()).epochs(epochs).batchSize(24).seed(5);
  }

  private static void assertClose(Executable a, Executable b, double relative) {
    for (String p : a.parameterNames()) {
      double[] x = a.parameter(p);
      double[] y = b.parameter(p);
      double diff = 0;
      double norm = 0;
      for (int i = 0; i < x.length; i++) {
        diff = Math.max(diff, Math.abs(x[i] - y[i]));
        norm = Math.max(norm, Math.abs(x[i]));
      }
      assertTrue(diff <= relative * norm, p + ": largest difference " + diff + " against largest value " + norm);
    }
  }

  private static void assertSameBits(Executable a, Executable b) {
    for (String p : a.parameterNames()) {
      assertArrayEquals(a.parameter(p), b.parameter(p), 0.0, p);
    }
    for (String s : a.stateNames()) {
      assertArrayEquals(a.state(s), b.state(s), 0.0, s);
    }
  }

  @Test
  void equalsSingleMachineTrainingWithTheSameGlobalBatches() throws Exception {
    double[][] data = data(100, 1);
    Executable distributed = driver();
    Executable single = driver();
    // three partitions of 33, 33, 34 rows: global batches of 24 span partitions unevenly
    History h = trainer(3).build().fit(distributed, workers(), frame(spark, data, 3));
    History reference = Trainer.builder().epochs(3).batchSize(24).seed(5).quiet().build()
        .fit(single, Dataset.regression(data[0], FEATURES, data[1], CLASSES));
    assertClose(single, distributed, 1e-9);
    for (int e = 0; e < 3; e++) {
      assertEquals(reference.get("loss", e), h.get("loss", e), 1e-9 * reference.get("loss", e));
    }
    // training moved the parameters: the comparison is not between two untouched models
    Executable untouched = driver();
    assertTrue(Math.abs(untouched.parameter("fc2/bias")[0] - distributed.parameter("fc2/bias")[0]) > 1e-3);
  }

  /** Counts failures injected in this JVM (local mode runs the tasks here). */
  static final AtomicInteger FAILURES = new AtomicInteger();
  static final AtomicInteger RETRIES = new AtomicInteger();

  @Test
  void aTaskThatFailsOnceIsRetriedWithoutChangingTheResult() throws Exception {
    double[][] data = data(64, 2);
    Executable clean = driver();
    trainer(2).build().fit(clean, workers(), frame(spark, data, 2));
    Executable failed = driver();
    FAILURES.set(0);
    RETRIES.set(0);
    trainer(2).taskHook((step, partition, attempt) -> {
      if (step == 3 && partition == 1) {
        if (attempt == 0) {
          FAILURES.incrementAndGet();
          throw new IllegalStateException("injected failure of step 3, partition 1");
        }
        RETRIES.incrementAndGet();
      }
    }).build().fit(failed, workers(), frame(spark, data, 2));
    assertEquals(1, FAILURES.get());
    assertEquals(1, RETRIES.get());
    assertSameBits(clean, failed);
  }

  @Test
  void aResumedRunEndsWhereAnUninterruptedOneDoesWithItsHistoryAndPatience(@TempDir Path dir) throws Exception {
    double[][] data = data(48, 3);
    // minDelta so large that no epoch after the first improves: patience 2 stops after epoch 3
    Executable whole = driver();
    History all = trainer(5).earlyStopping(new EarlyStopping("loss").patience(2).minDelta(1e9))
        .checkpoints(dir.resolve("whole")).build().fit(whole, workers(), frame(spark, data, 2));
    assertEquals(3, all.epochs());
    for (int e = 1; e <= 3; e++) {
      assertTrue(Files.isRegularFile(dir.resolve("whole").resolve(SparkTrainer.checkpointName(e))));
    }
    Executable first = driver();
    History cut = trainer(2).earlyStopping(new EarlyStopping("loss").patience(2).minDelta(1e9))
        .checkpoints(dir.resolve("cut")).build().fit(first, workers(), frame(spark, data, 2));
    assertEquals(2, cut.epochs());
    assertTrue(cut.stopReason().isEmpty());
    // resumed with epochs(5): the restored epochs count, and so does the patience they used up;
    // a fresh patience would train epochs 3 to 5
    Executable resumed = driver();
    History rest = trainer(5).earlyStopping(new EarlyStopping("loss").patience(2).minDelta(1e9))
        .checkpoints(dir.resolve("cut")).resume(true).build().fit(resumed, workers(), frame(spark, data, 2));
    assertEquals(3, rest.epochs());
    assertEquals(all.stopReason(), rest.stopReason());
    assertArrayEquals(all.values("loss"), rest.values("loss"), 0.0);
    assertSameBits(whole, resumed);
  }

  @Test
  void aResumedRunRestoresTheBestWeightsOfAnEpochBeforeTheCut(@TempDir Path dir) throws Exception {
    double[][] data = data(40, 7);
    // no epoch after the first improves: the run stops after epoch 3 and puts epoch 1's weights back
    Executable whole = driver();
    trainer(5).earlyStopping(new EarlyStopping("loss").patience(2).minDelta(1e9).restoreBestWeights(true))
        .build().fit(whole, workers(), frame(spark, data, 2));
    Executable first = driver();
    trainer(2).earlyStopping(new EarlyStopping("loss").patience(2).minDelta(1e9).restoreBestWeights(true))
        .checkpoints(dir).build().fit(first, workers(), frame(spark, data, 2));
    Executable resumed = driver();
    trainer(5).earlyStopping(new EarlyStopping("loss").patience(2).minDelta(1e9).restoreBestWeights(true))
        .checkpoints(dir).resume(true).build().fit(resumed, workers(), frame(spark, data, 2));
    assertSameBits(whole, resumed);
    // the weights are epoch 1's, which the resumed run never held: it started from epoch 2's
    Executable afterOne = driver();
    trainer(1).build().fit(afterOne, workers(), frame(spark, data, 2));
    for (String p : afterOne.parameterNames()) {
      assertArrayEquals(afterOne.parameter(p), resumed.parameter(p), 0.0, p);
    }
  }

  @Test
  void aResumedRunWithoutEarlyStoppingTrainsTheEpochsLeft(@TempDir Path dir) throws Exception {
    double[][] data = data(40, 6);
    Executable whole = driver();
    History all = trainer(3).build().fit(whole, workers(), frame(spark, data, 2));
    trainer(1).checkpoints(dir).build().fit(driver(), workers(), frame(spark, data, 2));
    Executable resumed = driver();
    History rest = trainer(3).checkpoints(dir).resume(true).build().fit(resumed, workers(), frame(spark, data, 2));
    assertArrayEquals(all.values("loss"), rest.values("loss"), 0.0);
    assertSameBits(whole, resumed);
    assertTrue(Files.isRegularFile(dir.resolve(RunFiles.historyName(3))));
  }

  @Test
  void validationAndEarlyStopping() throws Exception {
    double[][] data = data(40, 4);
    double[][] val = data(20, 5);
    org.apache.spark.sql.Dataset<Row> v = frame(spark, val, 2);
    Executable exe = driver();
    History h = trainer(5).validation(v).earlyStopping(new EarlyStopping("val_loss").patience(1).minDelta(1e9)).build()
        .fit(exe, workers(), frame(spark, data, 2));
    assertEquals(2, h.epochs());
    assertTrue(h.stopReason().isPresent());
    assertTrue(h.has("val_loss"));
    double expected = exe.evaluate(java.util.Map.of("x", val[0], "y", val[1])).get("loss");
    assertEquals(expected, h.get("val_loss", 1), 1e-12 * expected);
  }
}
