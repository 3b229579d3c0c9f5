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
  void timerScalesWithTheWork() {
    StepTimer timer = new StepTimer(true, 0, 300, 100, 5);
    double single = timer.medianMicros(() -> work(20_000));
    double quadruple = timer.medianMicros(() -> work(80_000));
    double ratio = quadruple / single;
    assertTrue(ratio > 2.5 && ratio < 6, "4× the work took " + ratio + "× the time ("
        + single + " µs, " + quadruple + " µs)");
  }

  private static double work(int n) {
    double s = 0;
    for (int i = 1; i <= n; i++) {
      s += Math.sqrt(i) / i;
    }
    return s;
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
