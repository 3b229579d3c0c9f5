package dev.cortado.bench;

import dev.cortado.runtime.Executable;
import java.util.ArrayList;
import java.util.List;

/**
 * Times the compiled training step of each convolutional model ({@link CnnModel}) on one thread
 * and prints a markdown table: median µs per step, GFLOP/s of the whole step, and the share of
 * one core's float32 peak that is. The PyTorch peer ({@code bench/run-pytorch.sh --models
 * cnn_digits,lenet}) prints the same columns.
 *
 * <p>Usage: {@code java --add-modules=jdk.incubator.vector -cp bench/target/benchmarks.jar
 * dev.cortado.bench.CnnTable [--models cnn_digits,lenet] [--clock wall|cpu] [--peak-gflops 116]}
 */
public final class CnnTable {
  private CnnTable() {}

  public static void main(String[] args) {
    List<CnnModel> models = List.of(CnnModel.values());
    boolean cpu = false;
    double peak = 0;
    int threads = 1;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--models" -> {
          List<CnnModel> m = new ArrayList<>();
          for (String s : args[++i].split(",")) {
            m.add(CnnModel.of(s.trim()));
          }
          models = m;
        }
        case "--clock" -> cpu = args[++i].equals("cpu");
        case "--peak-gflops" -> peak = Double.parseDouble(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    StepTimer timer = new StepTimer(cpu && threads == 1, 5000, 30000, 5000, 10);
    System.out.printf("Cortado compiled step, %d thread(s), %s, %s %s%n%n", threads, timer.clockName(),
        System.getProperty("java.vm.name"), System.getProperty("java.version"));
    System.out.println("| model | MFLOP/step | µs/step | GFLOP/s |" + (peak > 0 ? " of peak |" : ""));
    System.out.println("| --- | ---: | ---: | ---: |" + (peak > 0 ? " ---: |" : ""));
    for (CnnModel m : models) {
      Executable exe = m.define().compile(m.optimizer(), threads);
      double us = timer.medianMicros(m.step(exe));
      double gflops = m.flopsPerStep() / (us * 1e3);
      System.out.printf("| %s | %.1f | %.0f | %.1f |%s%n", m.description(), m.flopsPerStep() / 1e6, us, gflops,
          peak > 0 ? String.format(" %.0f%% |", 100 * gflops / peak) : "");
    }
  }
}
