package dev.cortado.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The table's format, its options, and that the timer measures work rather than overhead. */
class BenchTableTest {

  @Test
  void printsOneRowPerModelWithAPairOfCellsPerImplementation() {
    String out = run("--models", "tiny,small", "--impls", "hand,hand-vector", "--warmup-ms", "0",
        "--max-warmup-ms", "300", "--measure-ms", "60", "--rounds", "3", "--clock", "cpu");
    String[] lines = out.split("\n");
    assertTrue(lines[0].startsWith("JVM ") && lines[0].endsWith("thread CPU time"), lines[0]);
    assertEquals("| model | MFLOP/step | hand-written Java µs/step | GFLOP/s "
        + "| hand-written Java, Vector API µs/step | GFLOP/s |", lines[2]);
    String[] tiny = lines[4].split("\\|");
    assertEquals(" tiny 4-16-3 b16 ", tiny[1]);
    assertEquals(" 0.009 ", tiny[2]);
    double micros = Double.parseDouble(tiny[3].trim());
    double gflops = Double.parseDouble(tiny[4].trim());
    assertEquals(BenchModel.TINY.flopsPerStep() / (micros * 1e3), gflops, 0.01 + gflops * 0.01);
    assertTrue(lines[5].startsWith("| small 64-128-10 b32 | 1.294 |"), lines[5]);
    assertEquals(6, lines.length, out);
  }

  @Test
  void badOptionsNameTheCulprit() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BenchTable.main(new String[] {"--modle", "tiny"}));
    assertTrue(e.getMessage().contains("--modle"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> BenchTable.main(new String[] {"--models", "huge"}));
    assertTrue(e.getMessage().contains("huge"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> BenchTable.main(new String[] {"--clock", "sundial"}));
    assertTrue(e.getMessage().contains("sundial"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> BenchTable.main(new String[] {"--rounds"}));
    assertTrue(e.getMessage().contains("--rounds"), e.getMessage());
  }

  @Test
  void timerGivesTheMedianMicrosPerStep() {
    // A fake clock that each step advances by its own cost: the timer must report that cost,
    // whatever the groups, rounds and round length it chose.
    long[] nanos = {0};
    StepTimer timer = new StepTimer(true, 0, 0, 100, 5, () -> nanos[0]);
    assertEquals(20.0, timer.medianMicros(() -> advance(nanos, 20_000)), 1e-9);
    assertEquals(80.0, timer.medianMicros(() -> advance(nanos, 80_000)), 1e-9);
  }

  private static double advance(long[] nanos, long cost) {
    nanos[0] += cost;
    return 1;
  }

  private static String run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      BenchTable.main(args);
    } finally {
      System.setOut(old);
    }
    return buffer.toString(StandardCharsets.UTF_8).replace("\r", "");
  }
}
