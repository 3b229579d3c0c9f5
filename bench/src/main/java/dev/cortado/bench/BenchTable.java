package dev.cortado.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Prints the comparison table in a few seconds, without JMH: for each model a row, for each
 * implementation the median µs per step and GFLOP/s ({@link BenchModel#flopsPerStep()} / time).
 *
 * <p>Each cell warms its step up for {@code --warmup-ms} (C2 needs a fraction of a second per
 * step method; until then a step is about 10× slower), then times {@code --rounds} rounds over
 * {@code --measure-ms} and reports the median round. Usage: {@code java -cp
 * bench/target/benchmarks.jar dev.cortado.bench.BenchTable [--models tiny,small,mnist] [--impls
 * compiled,hand,interpreter] [--warmup-ms 1500] [--measure-ms 1000] [--rounds 10]}. An
 * implementation that does not exist yet prints "n/a"; a footnote says where a Cortado model's
 * optimizer differs from the hand-written step's. The machine is shared: the caption gives the
 * load average, and a table measured under load is slower than the machine can do.
 */
public final class BenchTable {
  private BenchTable() {}

  /** Runs the table; see the class comment for the options. */
  public static void main(String[] args) {
    List<BenchModel> models = new ArrayList<>(Arrays.asList(BenchModel.values()));
    List<Impl> impls = new ArrayList<>(Arrays.asList(Impl.values()));
    long warmupMs = 1500;
    long measureMs = 1000;
    int rounds = 10;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--models":
          models.clear();
          for (String s : require(args[i], value).split(",")) {
            models.add(BenchModel.of(s.trim()));
          }
          break;
        case "--impls":
          impls.clear();
          for (String s : require(args[i], value).split(",")) {
            impls.add(Impl.of(s.trim()));
          }
          break;
        case "--warmup-ms":
          warmupMs = Long.parseLong(require(args[i], value));
          break;
        case "--measure-ms":
          measureMs = Long.parseLong(require(args[i], value));
          break;
        case "--rounds":
          rounds = Integer.parseInt(require(args[i], value));
          break;
        default:
          throw new IllegalArgumentException("unknown option '" + args[i] + "'");
      }
      i++;
    }
    System.out.println(environment());
    System.out.println();
    StringBuilder header = new StringBuilder("| model | MFLOP/step |");
    StringBuilder rule = new StringBuilder("| --- | ---: |");
    for (Impl impl : impls) {
      header.append(' ').append(impl.title()).append(" µs/step | GFLOP/s |");
      rule.append(" ---: | ---: |");
    }
    System.out.println(header);
    System.out.println(rule);
    List<String> notes = new ArrayList<>();
    for (BenchModel model : models) {
      StringBuilder row = new StringBuilder();
      row.append(String.format(Locale.ROOT, "| %s | %.3f |", model.description(),
          model.flopsPerStep() / 1e6));
      for (Impl impl : impls) {
        row.append(' ').append(cell(model, impl, warmupMs, measureMs, rounds, notes));
      }
      System.out.println(row);
    }
    if (!notes.isEmpty()) {
      System.out.println();
      for (int i = 0; i < notes.size(); i++) {
        System.out.println("(" + (i + 1) + ") " + notes.get(i));
      }
    }
  }

  /** One implementation's {@code µs/step | GFLOP/s |} cell pair, "n/a" if it does not exist yet. */
  private static String cell(BenchModel model, Impl impl, long warmupMs, long measureMs,
      int rounds, List<String> notes) {
    TrainStep step;
    try {
      step = impl.create(model, 42);
    } catch (UnsupportedOperationException e) {
      return "n/a | n/a |";
    }
    double micros = medianMicros(step, warmupMs, measureMs, rounds);
    String mark = "";
    String note = impl.note(model);
    if (note != null) {
      String text = impl.title() + ", " + model.label() + ": " + note;
      if (!notes.contains(text)) {
        notes.add(text);
      }
      mark = " (" + (notes.indexOf(text) + 1) + ")";
    }
    return String.format(Locale.ROOT, "%s%s | %.2f |", formatMicros(micros), mark,
        model.flopsPerStep() / (micros * 1e3));
  }

  private static String require(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException("option " + option + " needs a value");
    }
    return value;
  }

  /** The JVM, its flags and the core count, for the table's caption. */
  static String environment() {
    return String.format(Locale.ROOT,
        "JVM %s %s (%s), flags %s, %d cores, load average %.2f before the run",
        System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
        System.getProperty("java.vm.vendor"),
        ManagementFactory.getRuntimeMXBean().getInputArguments(),
        Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  static String formatMicros(double micros) {
    return String.format(Locale.ROOT, micros < 10 ? "%.2f" : micros < 1000 ? "%.1f" : "%.0f",
        micros);
  }

  /** Warms {@code step} up, then returns the median over rounds of the mean µs per step. */
  static double medianMicros(TrainStep step, long warmupMs, long measureMs, int rounds) {
    double sink = 0;
    long end = System.nanoTime() + warmupMs * 1_000_000L;
    while (System.nanoTime() < end) {
      sink += step.run();
    }
    double[] perRound = new double[rounds];
    long roundNanos = Math.max(1, measureMs * 1_000_000L / rounds);
    for (int r = 0; r < rounds; r++) {
      long start = System.nanoTime();
      long stop = start + roundNanos;
      long steps = 0;
      long now;
      do {
        sink += step.run();
        steps++;
        now = System.nanoTime();
      } while (now < stop);
      perRound[r] = (now - start) / 1e3 / steps;
    }
    if (!Double.isFinite(sink)) {
      throw new IllegalStateException("a step returned a non-finite loss: " + sink);
    }
    Arrays.sort(perRound);
    return perRound[rounds / 2];
  }
}
