package dev.cortado.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the rest of the machine was over an interval, in cores: CPU time spent by all
 * processes (Linux {@code /proc/stat}, all CPUs) minus this JVM's own CPU time, over the wall time.
 * 0 means this benchmark had the machine to itself; on the shared 2-core machine other builds
 * push it to 1–2. NaN where {@code /proc/stat} or the JVM's process CPU time is not available.
 */
final class OtherLoad {
  private static final Path STAT = Path.of("/proc/stat");
  /** Linux reports /proc/stat in USER_HZ ticks, 100 per second on every common configuration. */
  private static final double TICK_NANOS = 1e7;

  private final long busyTicks;
  private final long processNanos;
  private final long wallNanos;

  private OtherLoad(long busyTicks, long processNanos, long wallNanos) {
    this.busyTicks = busyTicks;
    this.processNanos = processNanos;
    this.wallNanos = wallNanos;
  }

  /** A reading now, to compare with a later one. */
  static OtherLoad now() {
    return new OtherLoad(busyTicks(), processNanos(), System.nanoTime());
  }

  /** Cores the rest of the machine kept busy between {@code this} reading and now. */
  double coresSince() {
    OtherLoad later = now();
    if (busyTicks < 0 || later.busyTicks < 0 || processNanos < 0 || later.processNanos < 0) {
      return Double.NaN;
    }
    double busy = (later.busyTicks - busyTicks) * TICK_NANOS;
    double mine = later.processNanos - processNanos;
    return Math.max(0, busy - mine) / (later.wallNanos - wallNanos);
  }

  private static long busyTicks() {
    try {
      String[] f = Files.readAllLines(STAT).get(0).trim().split("\\s+");
      long busy = 0;
      // cpu user nice system idle iowait irq softirq steal ...: all but idle and iowait
      for (int i = 1; i < Math.min(f.length, 9); i++) {
        busy += i == 4 || i == 5 ? 0 : Long.parseLong(f[i]);
      }
      return busy;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long processNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }
}
