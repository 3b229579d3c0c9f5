package dev.cortado.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Shows a run's progress, in Keras's style. On a terminal it redraws one line per epoch with
 * {@code \r}: batch count, a bar, elapsed time, speed in samples per second, ETA and the
 * epoch's running mean loss; the finished line adds the epoch's metrics. When the output is not
 * a terminal or the environment variable {@code CI} is set, it prints plain lines instead: one
 * per epoch, and one every {@link #PLAIN_INTERVAL_SECONDS} seconds within a long epoch, so logs
 * stay readable. Per-term regularization losses (names with a {@code /}) are left to the
 * history to keep the line short.
 *
 * <p>Hand-written rather than me.tongfei:progressbar: that library brings a terminal library
 * and a refresh thread to every application, and its fallback for a non-terminal still prints
 * bar updates; an epoch-structured line with metrics is a page of code.
 */
public final class ProgressBar implements Callback {

  /** Seconds between plain progress lines inside one epoch. */
  public static final int PLAIN_INTERVAL_SECONDS = 10;
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final int WIDTH = 30;

  private final PrintStream out;
  private final boolean terminal;
  private final LongSupplier clock;

  private long epochStart;
  private long lastDraw;
  private int rowsSeen;
  private double lossSum;
  private int lastLineLength;

  /**
   * A display writing to {@code out}.
   *
   * @param out where the display goes
   * @param terminal redraw one line (true) or print plain lines (false)
   * @param clock nanoseconds, {@code System::nanoTime} outside tests
   */
  public ProgressBar(PrintStream out, boolean terminal, LongSupplier clock) {
    this.out = out;
    this.terminal = terminal;
    this.clock = clock;
  }

  /**
   * To standard output; a bar if there is a console and {@code CI} is unset, else lines.
   *
   * @return the display
   */
  public static ProgressBar auto() {
    boolean terminal = System.console() != null && System.getenv("CI") == null;
    return new ProgressBar(System.out, terminal, System::nanoTime);
  }

  @Override
  public void onEpochBegin(TrainingRun run, int epoch) {
    epochStart = clock.getAsLong();
    lastDraw = epochStart;
    rowsSeen = 0;
    lossSum = 0;
    lastLineLength = 0;
    if (terminal) {
      out.println("Epoch " + (epoch + 1) + "/" + run.epochs());
    }
  }

  @Override
  public void onBatchEnd(TrainingRun run, int epoch, int batch, int rows, double loss) {
    rowsSeen += rows;
    lossSum += loss * rows;
    long now = clock.getAsLong();
    int done = batch + 1;
    int total = run.batchesPerEpoch();
    if (done == total) {
      return; // onEpochEnd draws the finished line
    }
    double elapsed = (now - epochStart) / 1e9;
    double eta = elapsed / done * (total - done);
    String status = String.format(Locale.ROOT, "%s - %.0f samples/s - ETA %s - loss: %.4f",
        seconds(elapsed), rowsSeen / Math.max(elapsed, 1e-9), clockTime(eta),
        lossSum / rowsSeen);
    if (terminal && now - lastDraw >= REDRAW_NANOS) {
      draw(counter(done, total) + " " + bar(done, total) + " - " + status, false);
      lastDraw = now;
    } else if (!terminal && now - lastDraw >= PLAIN_INTERVAL_SECONDS * 1_000_000_000L) {
      out.println("Epoch " + (epoch + 1) + "/" + run.epochs() + " - batch " + done + "/"
          + total + " - " + status);
      lastDraw = now;
    }
  }

  @Override
  public void onEpochEnd(TrainingRun run, int epoch, Map<String, Double> metrics) {
    double elapsed = (clock.getAsLong() - epochStart) / 1e9;
    StringBuilder line = new StringBuilder();
    int total = run.batchesPerEpoch();
    if (terminal) {
      line.append(counter(total, total)).append(' ').append(bar(total, total));
    } else {
      line.append("Epoch ").append(epoch + 1).append('/').append(run.epochs()).append(" - ")
          .append(total).append(" batches");
    }
    line.append(String.format(Locale.ROOT, " - %s - %.0f samples/s", seconds(elapsed),
        rowsSeen / Math.max(elapsed, 1e-9)));
    for (Map.Entry<String, Double> m : metrics.entrySet()) {
      if (!m.getKey().contains("/") && !History.isRedundant(m.getKey(), metrics.keySet())) {
        line.append(String.format(Locale.ROOT, " - %s: %.4f", m.getKey(), m.getValue()));
      }
    }
    draw(line.toString(), true);
  }

  @Override
  public void onTrainEnd(TrainingRun run, History history) {
    if (run.stopReason() != null) {
      out.println("Stopped after epoch " + history.epochs() + ": " + run.stopReason());
    }
    out.flush();
  }

  private void draw(String line, boolean finished) {
    if (!terminal) {
      out.println(line);
      return;
    }
    int pad = Math.max(0, lastLineLength - line.length());
    out.print("\r" + line + " ".repeat(pad));
    lastLineLength = line.length();
    if (finished) {
      out.println();
    }
    out.flush();
  }

  private static String counter(int done, int total) {
    String t = Integer.toString(total);
    return " ".repeat(t.length() - Integer.toString(done).length()) + done + "/" + t;
  }

  static String bar(int done, int total) {
    int filled = (int) ((long) WIDTH * done / total);
    StringBuilder b = new StringBuilder("[");
    b.append("=".repeat(filled));
    if (filled < WIDTH) {
      b.append('>').append(".".repeat(WIDTH - filled - 1));
    }
    return b.append(']').toString();
  }

  private static String seconds(double s) {
    return s < 10 ? String.format(Locale.ROOT, "%.2fs", s)
        : String.format(Locale.ROOT, "%.0fs", s);
  }

  static String clockTime(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
