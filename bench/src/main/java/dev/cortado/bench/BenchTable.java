package dev.cortado.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Prints the comparison table in a few seconds, without JMH: for each model a row, for each
 * implementation the median µs per step and GFLOP/s ({@link BenchModel#flopsPerStep()} / time),
 * each cell timed by {@link StepTimer}.
 *
 * <p>Usage: {@code java [--add-modules jdk.incubator.vector] -cp bench/target/benchmarks.jar
 * dev.cortado.bench.BenchTable [--models tiny,small,mnist] [--impls
 * compiled,compiled-2t,hand,hand-vector,interpreter] [--clock wall|cpu] [--interleave] [--warmup-ms 1000] [--max-warmup-ms
 * 15000] [--measure-ms 1000] [--rounds 10]}. An implementation that is not available prints
 * "n/a" (the Vector API column without {@code --add-modules jdk.incubator.vector}). The caption
 * gives the JVM, its flags and the load average: a table measured under load is slower than the
 * machine can do, less so with {@code --clock cpu}.
 * {@code compiled-2t} (two threads) needs the wall clock and prints "n/a" with {@code --clock cpu}.
 * With {@code --interleave} the implementations of a row are timed round by round in turn
 * rather than one after the other, so that a burst of load from other processes hits them all
 * alike; with both compiled columns it also prints the median per-round ratio of one to two
 * threads, over all rounds and over the quiet ones (other processes under 0.1 core busy, from
 * {@code /proc/stat}).
 */
public final class BenchTable {
  private BenchTable() {}

  /** Runs the table; see the class comment for the options. */
  public static void main(String[] args) {
    List<BenchModel> models = new ArrayList<>(Arrays.asList(BenchModel.values()));
    List<Impl> impls = new ArrayList<>(Arrays.asList(Impl.values()));
    long warmupMs = 1000;
    long maxWarmupMs = 15000;
    long measureMs = 1000;
    int rounds = 10;
    boolean cpuClock = false;
    boolean interleave = false;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--interleave":
          interleave = true;
          continue;
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
        case "--max-warmup-ms":
          maxWarmupMs = Long.parseLong(require(args[i], value));
          break;
        case "--measure-ms":
          measureMs = Long.parseLong(require(args[i], value));
          break;
        case "--clock":
          String clock = require(args[i], value);
          if (!clock.equals("wall") && !clock.equals("cpu")) {
            throw new IllegalArgumentException("--clock takes wall or cpu, got '" + clock + "'");
          }
          cpuClock = clock.equals("cpu");
          break;
        case "--rounds":
          rounds = Integer.parseInt(require(args[i], value));
          break;
        default:
          throw new IllegalArgumentException("unknown option '" + args[i] + "'");
      }
      i++;
    }
    StepTimer timer = new StepTimer(cpuClock, warmupMs, maxWarmupMs, measureMs, rounds);
    System.out.println(environment() + ", " + timer.clockName());
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
      if (interleave) {
        row.append(interleavedCells(model, impls, timer, notes));
      } else {
        for (Impl impl : impls) {
          row.append(' ').append(cell(model, impl, timer));
        }
      }
      System.out.println(row);
    }
    if (!notes.isEmpty()) {
      System.out.println();
      notes.forEach(System.out::println);
    }
  }

  /**
   * A row's cells with every implementation timed round by round in turn ({@link
   * StepTimer#interleaved}); with both one- and two-thread compiled steps, a note on the median
   * of their per-round ratio.
   */
  private static String interleavedCells(BenchModel model, List<Impl> impls, StepTimer timer, List<String> notes) {
    List<Impl> present = new ArrayList<>();
    List<TrainStep> steps = new ArrayList<>();
    for (Impl impl : impls) {
      if (impl == Impl.COMPILED_2T && timer.cpuClock()) {
        continue;
      }
      try {
        steps.add(impl.create(model, 42));
        present.add(impl);
      } catch (UnsupportedOperationException e) {
        // n/a below
      }
    }
    double[][] perRound = timer.interleaved(steps);
    StringBuilder cells = new StringBuilder();
    for (Impl impl : impls) {
      int k = present.indexOf(impl);
      if (k < 0) {
        cells.append(impl == Impl.COMPILED_2T && timer.cpuClock() ? " n/a (wall clock only) | n/a |" : " n/a | n/a |");
        continue;
      }
      double micros = median(perRound[k].clone());
      cells.append(String.format(Locale.ROOT, " %s | %.2f |", formatMicros(micros), model.flopsPerStep() / (micros * 1e3)));
    }
    int one = present.indexOf(Impl.COMPILED);
    int two = present.indexOf(Impl.COMPILED_2T);
    if (one >= 0 && two >= 0) {
      double[] others = perRound[present.size()];
      List<Double> all = new ArrayList<>();
      List<Double> quiet = new ArrayList<>();
      for (int r = 0; r < others.length; r++) {
        double ratio = perRound[one][r] / perRound[two][r];
        all.add(ratio);
        if (others[r] < QUIET_CORES) {
          quiet.add(ratio);
        }
      }
      notes.add(String.format(Locale.ROOT, "%s: 1 thread ÷ 2 threads, round by round: median %s over all %d rounds "
          + "(other processes kept %.2f cores busy, median); median %s over the %d rounds in which they kept under %.1f "
          + "core busy", model.label(), ratio(all), all.size(), median(others.clone()), ratio(quiet), quiet.size(),
          QUIET_CORES));
    }
    return cells.toString();
  }

  /** Rounds in which other processes kept fewer cores than this busy count as quiet. */
  static final double QUIET_CORES = 0.1;

  private static String ratio(List<Double> ratios) {
    if (ratios.isEmpty()) {
      return "n/a";
    }
    double[] v = ratios.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    return String.format(Locale.ROOT, "%.2f× (%.2f–%.2f)", v[v.length / 2], v[0], v[v.length - 1]);
  }

  private static double median(double[] v) {
    Arrays.sort(v);
    return v[v.length / 2];
  }

  /** One implementation's {@code µs/step | GFLOP/s |} cell pair, "n/a" if it does not exist yet. */
  private static String cell(BenchModel model, Impl impl, StepTimer timer) {
    if (impl == Impl.COMPILED_2T && timer.cpuClock()) {
      return "n/a (wall clock only) | n/a |";
    }
    TrainStep step;
    try {
      step = impl.create(model, 42);
    } catch (UnsupportedOperationException e) {
      return "n/a | n/a |";
    }
    double micros = timer.medianMicros(step);
    return String.format(Locale.ROOT, "%s | %.2f |", formatMicros(micros),
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
}
