package dev.cortado.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.train.History;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chunks a task cuts its rows into, a partition's index of an epoch, and the history file, without Spark. */
class ChunksAndFilesTest {

  @Test
  void chunksArePowersOfTwoWithNoLoneRowAfterTheFirst() {
    assertEquals(List.of(1), Chunks.of(1));
    assertEquals(List.of(3), Chunks.of(3));
    assertEquals(List.of(8, 3), Chunks.of(11));
    assertEquals(List.of(9), Chunks.of(9));
    assertEquals(List.of(4, 2), Chunks.of(6));
    assertEquals(List.of(4, 3), Chunks.of(7));
    int[] sizes = Chunks.sizes(24);
    for (int n = 1; n <= 24; n++) {
      int total = 0;
      for (int c : Chunks.of(n)) {
        total += c;
        assertTrue(c == 1 ? n == 1 : c > 1, n + " rows give a chunk of one");
        assertTrue(java.util.Arrays.binarySearch(sizes, c) >= 0, "chunk " + c + " of " + n + " rows is prepared");
      }
      assertEquals(n, total);
    }
    assertArrayEquals(new int[] {1, 2, 3, 4, 5, 8, 9, 16, 17}, sizes);
    assertThrows(IllegalArgumentException.class, () -> Chunks.of(0));
  }

  @Test
  void aShardSlicesEachGlobalBatchInItsOrder() {
    // rows 10..14 of a data set of 20, in an epoch whose order puts row i at position (19 - i)
    int[] position = new int[20];
    for (int i = 0; i < 20; i++) {
      position[i] = 19 - i;
    }
    List<Example> rows = new java.util.ArrayList<>();
    for (int i = 10; i < 15; i++) {
      rows.add(new Example(i, new double[][] {{i, -i}, {100 + i}}));
    }
    // batches of 4: positions 5..9 are rows 14..10, in batches 1 (positions 5..7) and 2 (8, 9)
    Shard s = Shard.of(7, rows.iterator(), position, 4, 5, List.of("x", "y"));
    assertEquals(7, s.partition());
    assertEquals(0, s.rowsOf(0));
    assertEquals(3, s.rowsOf(1));
    assertEquals(2, s.rowsOf(2));
    assertEquals(0, s.rowsOf(4));
    Map<String, double[]> b1 = s.slice(1, 1, 3);
    assertArrayEquals(new double[] {13, -13, 12, -12}, b1.get("x"));
    assertArrayEquals(new double[] {113, 112}, b1.get("y"));
    assertArrayEquals(new double[] {11, -11, 10, -10}, s.slice(2, 0, 2).get("x"));
  }

  @Test
  void theHistoryFileKeepsHostileNamesAndExactValues(@TempDir Path dir) throws Exception {
    Map<String, Double> e1 = new LinkedHashMap<>();
    e1.put("loss", 0.1 + 0.2);
    e1.put("val_a=b\tc\nd%", Double.NaN);
    Map<String, Double> e2 = new LinkedHashMap<>();
    e2.put("loss", Math.PI);
    e2.put("val_a=b\tc\nd%", -0.0);
    History h = History.empty().plus(e1).plus(e2);
    RunFiles files = new RunFiles(dir);
    files.save(SparkFixtures.driver(), h, 2);
    History back = files.history(2);
    assertEquals(h.metricNames(), back.metricNames());
    assertArrayEquals(h.values("loss"), back.values("loss"), 0.0);
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(back.get("val_a=b\tc\nd%", 1)));
    assertTrue(Double.isNaN(back.get("val_a=b\tc\nd%", 0)));
    assertEquals(2, files.last());
    try (var list = Files.list(dir)) {
      assertEquals(List.of("epoch-0002.history", "epoch-0002.safetensors"),
          list.map(p -> p.getFileName().toString()).sorted().toList());
    }
    Files.writeString(dir.resolve(RunFiles.historyName(2)), "not a history\n");
    IllegalStateException bad = assertThrows(IllegalStateException.class, () -> files.history(2));
    assertTrue(bad.getMessage().contains("is not a history file"), bad.getMessage());
    Files.delete(dir.resolve(RunFiles.historyName(2)));
    IllegalStateException missing = assertThrows(IllegalStateException.class, () -> files.history(2));
    assertTrue(missing.getMessage().contains("epoch-0002.history"), missing.getMessage());
  }
}
