package dev.cortado.spark;

import dev.cortado.runtime.AtomicFiles;
import dev.cortado.runtime.Checkpoint;
import dev.cortado.runtime.Executable;
import dev.cortado.train.EarlyStopping;
import dev.cortado.train.History;
import dev.cortado.train.TrainingRun;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of a run's checkpoint directory: after epoch {@code e},
 * {@code epoch-000e.history} (every completed epoch's metrics, one line each) and then
 * {@code epoch-000e.safetensors} (parameters and optimizer state), each written by
 * {@link AtomicFiles} (a new temporary file, forced to disk and renamed). The history is written first, so a checkpoint in the
 * directory always has its history beside it.
 */
final class RunFiles {
  static final String HISTORY_FORMAT = "cortado-history/1";

  private final Path dir;

  RunFiles(Path dir) {
    this.dir = dir;
  }

  /** Writes the history and then the checkpoint of {@code epochs} completed epochs. */
  void save(Executable driver, History history, int epochs) throws IOException {
    AtomicFiles.write(dir.resolve(historyName(epochs)), format(history).getBytes(StandardCharsets.UTF_8));
    Checkpoint.save(driver, dir.resolve(SparkTrainer.checkpointName(epochs)));
  }

  /** The epochs completed by the last checkpoint of the directory (0: none). */
  int last() throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int last = 0;
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (name.matches("epoch-\\d{4,9}\\.safetensors")) {
          last = Math.max(last, Integer.parseInt(name.substring(6, name.length() - 12)));
        }
      }
    }
    return last;
  }

  /** Loads the checkpoint after {@code epochs} epochs into {@code driver}; false if there is no such file. */
  boolean load(Executable driver, int epochs) throws IOException {
    Path p = dir.resolve(SparkTrainer.checkpointName(epochs));
    if (!Files.isRegularFile(p)) {
      return false;
    }
    Checkpoint.load(driver, p);
    return true;
  }

  /** The history saved with the checkpoint after {@code epochs} epochs. */
  History history(int epochs) throws IOException {
    Path p = dir.resolve(historyName(epochs));
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("checkpoint " + SparkTrainer.checkpointName(epochs) + " has no history file "
          + p.getFileName() + " beside it; cannot resume its history and early stopping");
    }
    List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(0).equals(HISTORY_FORMAT)) {
      throw new IllegalStateException(p + " is not a history file (its first line is not " + HISTORY_FORMAT + ")");
    }
    if (lines.size() - 1 != epochs) {
      throw new IllegalStateException(p + " holds " + (lines.size() - 1) + " epochs, expected " + epochs);
    }
    History h = History.empty();
    for (int i = 1; i < lines.size(); i++) {
      h = h.plus(parse(lines.get(i), p, i + 1));
    }
    return h;
  }

  /**
   * Loads the last checkpoint of the directory into {@code driver} and returns the history saved
   * with it (empty if there is none). Early stopping ({@code stopping}, if not null) sees each
   * restored epoch again, with the parameters of that epoch's checkpoint where it is still in
   * the directory, so its best value, best epoch, patience and best weights are those of the
   * interrupted run.
   */
  History restore(Executable driver, EarlyStopping stopping, TrainingRun run) throws IOException {
    int last = last();
    if (last == 0) {
      return History.empty();
    }
    History history = history(last);
    History replayed = History.empty();
    for (int e = 0; e < last; e++) {
      Map<String, Double> metrics = history.epoch(e);
      if (stopping != null) {
        load(driver, e + 1);
        stopping.onEpochEnd(run, e, new LinkedHashMap<>(metrics));
      }
      replayed = replayed.plus(metrics);
      run.record(replayed);
    }
    load(driver, last);
    return history;
  }

  static String historyName(int epochs) {
    return String.format("epoch-%04d.history", epochs);
  }

  /** A header line, then one line per epoch of {@code name=value} pairs split by tabs (names URL-encoded, values exact). */
  static String format(History h) {
    StringBuilder b = new StringBuilder(HISTORY_FORMAT).append('\n');
    for (int e = 0; e < h.epochs(); e++) {
      List<String> pairs = new ArrayList<>();
      h.epoch(e).forEach((k, v) -> pairs.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + v));
      b.append(String.join("\t", pairs)).append('\n');
    }
    return b.toString();
  }

  private static Map<String, Double> parse(String line, Path file, int lineNumber) {
    Map<String, Double> m = new LinkedHashMap<>();
    if (line.isEmpty()) {
      return m;
    }
    for (String pair : line.split("\t")) {
      int eq = pair.indexOf('=');
      try {
        m.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), Double.parseDouble(pair.substring(eq + 1)));
      } catch (RuntimeException e) {
        throw new IllegalStateException(file + " line " + lineNumber + ": cannot read '" + pair + "' as name=value", e);
      }
    }
    return m;
  }
}
