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
 * compiled,compiled-2t,hand,hand-vector,interpreter] [--clock wall|cpu] [--warmup-ms 1000] [--max-warmup-ms
 * 15000] [--measure-ms 1000] [--rounds 10]}. An implementation that is not available prints
 * "n/a" (the Vector API column without {@code --add-modules jdk.incubator.vector}). The caption
 * gives the JVM, its flags and the load average: a table measured under load is slower than the
 * machine can do, less so with {@code --clock cpu}.
 * {@code compiled-2t} (two threads) needs the wall clock and prints "n/a" with {@code --clock cpu}.
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
    for (BenchModel model : models) {
      StringBuilder row = new StringBuilder();
      row.append(String.format(Locale.ROOT, "| %s | %.3f |", model.description(),
          model.flopsPerStep() / 1e6));
      for (Impl impl : impls) {
        row.append(' ').append(cell(model, impl, timer));
      }
      System.out.println(row);
    }
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
