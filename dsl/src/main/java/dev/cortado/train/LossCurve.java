package dev.cortado.train;

import dev.cortado.runtime.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * Draws a training history as a PNG with XChart: a loss panel ({@code loss}, {@code val_loss},
 * and {@code data_loss}/{@code val_data_loss} when regularization terms make them differ) and, when the history has them, an
 * accuracy panel ({@code accuracy}, {@code val_accuracy}), side by side; x is the epoch counted
 * from 1. Epochs where a metric is NaN are left out of its line. Rendering needs no display
 * (AWT headless) but does need a font installed.
 */
public final class LossCurve {

  private static final int WIDTH = 640;
  private static final int HEIGHT = 420;

  private LossCurve() {}

  /**
   * Writes the curves to {@code png}, atomically.
   *
   * @param history the run's metrics
   * @param png the file to write
   * @throws IOException if the file cannot be written
   */
  public static void write(History history, Path png) throws IOException {
    List<XYChart> charts = charts(history);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BitmapEncoder.saveBitmap(charts, 1, charts.size(), bytes, BitmapEncoder.BitmapFormat.PNG);
    AtomicFiles.write(png, bytes.toByteArray());
  }

  /**
   * The panels, for a caller who shows or saves them another way.
   *
   * @param history the run's metrics
   * @return the charts, losses first
   */
  public static List<XYChart> charts(History history) {
    if (history.epochs() == 0) {
      throw new IllegalArgumentException("the history has no epochs to draw");
    }
    List<XYChart> charts = new ArrayList<>();
    charts.add(panel(history, "Loss", List.of("loss", "val_loss", "data_loss",
        "val_data_loss")));
    if (history.has("accuracy") || history.has("val_accuracy")) {
      charts.add(panel(history, "Accuracy", List.of("accuracy", "val_accuracy")));
    }
    return charts;
  }

  private static XYChart panel(History history, String title, List<String> names) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle("epoch").yAxisTitle(title.toLowerCase(java.util.Locale.ROOT)).build();
    chart.getStyler().setMarkerSize(4);
    boolean drawn = false;
    for (String name : names) {
      if (!history.has(name) || History.isRedundant(name, history.metricNames())) {
        continue;
      }
      double[] values = history.values(name);
      List<Integer> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (int e = 0; e < values.length; e++) {
        if (Double.isFinite(values[e])) {
          x.add(e + 1);
          y.add(values[e]);
        }
      }
      if (!x.isEmpty()) {
        chart.addSeries(name, x, y);
        drawn = true;
      }
    }
    if (!drawn) {
      throw new IllegalArgumentException("the history has none of " + names + " to draw; it has "
          + history.metricNames());
    }
    return chart;
  }
}
