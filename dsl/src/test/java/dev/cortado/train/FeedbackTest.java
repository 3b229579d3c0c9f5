package dev.cortado.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** History, progress output and the loss curve. */
class FeedbackTest {

  @TempDir Path dir;

  private static History sample() {
    History h = History.empty();
    for (int e = 0; e < 6; e++) {
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("loss", 1.0 / (e + 1));
      m.put("accuracy", 0.5 + e * 0.08);
      if (e >= 2) {
        m.put("val_loss", 0.6 - Math.abs(e - 4) * 0.1);
      }
      h = h.plus(m);
    }
    return h;
  }

  @Test
  void historyKeepsOrderFillsGapsAndFindsTheBestEpoch() {
    History h = sample();
    assertEquals(6, h.epochs());
    assertEquals(List.of("loss", "accuracy", "val_loss"), h.metricNames());
    double[] val = h.values("val_loss");
    assertTrue(Double.isNaN(val[0]) && Double.isNaN(val[1]));
    assertEquals(0.6, h.get("val_loss", 4), 1e-12);
    assertEquals(5, h.bestEpoch("loss"));
    assertEquals(5, h.bestEpoch("accuracy"), "accuracy is maximized");
    assertEquals(2, h.bestEpoch("val_loss"), "first of the lowest");
    History shorter = h.plus(Map.of("loss", 0.1));
    assertTrue(Double.isNaN(shorter.last("accuracy")));
    assertEquals(6, h.epochs(), "plus leaves the original alone");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> h.values("acc"));
    assertTrue(e.getMessage().contains("no metric \"acc\""), e.getMessage());
    assertEquals(Map.of("loss", 1.0, "accuracy", 0.5, "val_loss", Double.NaN).keySet(),
        h.epoch(0).keySet());
  }

  /** A clock that advances by a fixed step per read. */
  private static final class StepClock {
    long now;
    final long step;

    StepClock(long step) {
      this.step = step;
    }

    long read() {
      now += step;
      return now;
    }
  }

  private static String drive(boolean terminal, long nanosPerRead) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    StepClock clock = new StepClock(nanosPerRead);
    ProgressBar bar = new ProgressBar(out, terminal, clock::read);
    TrainingRun run = new TrainingRun(null, 2, 4, 30);
    for (int epoch = 0; epoch < 2; epoch++) {
      bar.onEpochBegin(run, epoch);
      for (int b = 0; b < 4; b++) {
        bar.onBatchEnd(run, epoch, b, b < 3 ? 8 : 6, 2.0 - epoch);
      }
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("loss", 2.0 - epoch);
      metrics.put("data_loss", 1.75 - epoch);
      if (epoch == 1) {
        metrics.put("regularization/w", 0.25);
      }
      metrics.put("val_accuracy", 0.75);
      bar.onEpochEnd(run, epoch, metrics);
    }
    run.stop("val_loss did not improve");
    bar.onTrainEnd(run, History.empty().plus(Map.of()).plus(Map.of()));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void plainLinesForLogsAndCi() {
    String text = drive(false, 4_000_000_000L);
    assertFalse(text.contains("\r"));
    String[] lines = text.split("\n");
    // One clock read per call, 4 s apart: the third batch ends 12 s into the epoch.
    assertEquals("Epoch 1/2 - batch 3/4 - 12s - 2 samples/s - ETA 0:04 - loss: 2.0000",
        lines[0]);
    String epochLine = Stream.of(lines).filter(l -> l.startsWith("Epoch 2/2 - 4 batches"))
        .findFirst().orElseThrow();
    assertTrue(epochLine.endsWith(" - loss: 1.0000 - data_loss: 0.7500 - val_accuracy: 0.7500"),
        epochLine);
    String first = Stream.of(lines).filter(l -> l.startsWith("Epoch 1/2 - 4 batches"))
        .findFirst().orElseThrow();
    assertTrue(first.endsWith(" - loss: 2.0000 - val_accuracy: 0.7500"), first);
    assertTrue(epochLine.contains(" - 20s - 2 samples/s"), epochLine);
    assertFalse(text.contains("regularization/w"));
    assertEquals("Stopped after epoch 2: val_loss did not improve", lines[lines.length - 1]);
  }

  @Test
  void aRedrawnBarOnATerminal() {
    String text = drive(true, 50_000_000L);
    assertTrue(text.startsWith("Epoch 1/2\n"), text);
    assertTrue(text.contains("\r2/4 [===============>..............] - "), text);
    assertTrue(text.contains("\r4/4 [==============================] - "), text);
    assertTrue(text.contains("Epoch 2/2\n"));
    assertEquals(2, text.split("\\[=+\\] - ", -1).length - 1, "one finished bar per epoch");
    assertEquals("0:05", ProgressBar.clockTime(4.6));
    assertEquals("1:01:01", ProgressBar.clockTime(3661));
  }

  @Test
  void lossCurveIsAPngWithOnePanelPerKind() throws IOException {
    Path png = dir.resolve("curves.png");
    LossCurve.write(sample(), png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(1280, image.getWidth());
    assertEquals(420, image.getHeight());
    Set<Integer> colours = new HashSet<>();
    for (int x = 0; x < image.getWidth(); x += 3) {
      for (int y = 0; y < image.getHeight(); y += 3) {
        colours.add(image.getRGB(x, y));
      }
    }
    assertTrue(colours.size() > 10, "something was drawn: " + colours.size() + " colours");
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(png), files.toList());
    }
    History plain = History.empty().plus(Map.of("loss", 1.0, "data_loss", 1.0));
    assertEquals(List.of("loss"), seriesNames(plain));
    History regularized = plain.plus(Map.of("loss", 1.0, "data_loss", 0.9,
        "regularization/w", 0.1));
    assertEquals(List.of("loss", "data_loss"), seriesNames(regularized));
    History lossOnly = History.empty().plus(Map.of("loss", 1.0)).plus(Map.of("loss", 0.5));
    assertEquals(1, LossCurve.charts(lossOnly).size());
    assertArrayEquals(new double[] {1, 0.5}, lossOnly.values("loss"), 0.0);
    assertThrows(IllegalArgumentException.class, () -> LossCurve.charts(History.empty()));
  }

  private static List<String> seriesNames(History h) {
    return LossCurve.charts(h).get(0).getSeriesCollection().stream()
        .map(series -> series.getName()).toList();
  }
}
