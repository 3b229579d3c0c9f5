package dev.cortado.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Standardization, splits and batches. */
class DataPrepTest {

  /** Rows whose first feature is the row index, so gathered rows can be traced. */
  private static Dataset indexed(int rows, int classes) {
    double[] f = new double[rows * 2];
    int[] labels = new int[rows];
    SplittableRandom random = new SplittableRandom(5);
    for (int r = 0; r < rows; r++) {
      f[2 * r] = r;
      f[2 * r + 1] = random.nextDouble(-3, 7);
      labels[r] = r % 7 < 4 ? 0 : 1 + r % classes % (classes - 1);
    }
    List<String> names = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      names.add("c" + c);
    }
    return Dataset.classification(f, 2, labels, names);
  }

  @Test
  void standardizerFitsOnTrainAndAppliesTheSameStatisticsToTest() {
    double[] train = {1, 5, 2, 5, 3, 5, 6, 5};
    Standardizer s = Standardizer.fit(train, 2);
    assertArrayEquals(new double[] {3, 5}, s.mean(), 1e-15);
    double std = Math.sqrt((4 + 1 + 0 + 9) / 4.0); // population std, as StandardScaler
    assertArrayEquals(new double[] {std, 1}, s.scale(), 1e-15);
    double[] z = s.transform(train);
    assertEquals(0, z[0] + z[2] + z[4] + z[6], 1e-12);
    assertEquals(4, z[0] * z[0] + z[2] * z[2] + z[4] * z[4] + z[6] * z[6], 1e-12);
    assertEquals(0, z[1]);
    assertArrayEquals(new double[] {(10 - 3) / std, 2}, s.transform(new double[] {10, 7}),
        1e-12);
    assertArrayEquals(train, s.inverseTransform(z), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> s.transform(indexed(3, 2).withFeatures(
        new double[9], 3)));
  }

  @Test
  void splitIsSeededCompleteAndDisjoint() {
    Dataset d = indexed(150, 3);
    Split a = Split.of(d, 0.2, 42);
    assertEquals(30, a.test().rows());
    assertEquals(120, a.train().rows());
    assertEquals(a, Split.of(d, 0.2, 42));
    assertNotEquals(a.test(), Split.of(d, 0.2, 43).test());
    assertEquals(Split.of(indexed(10, 3), 0.25, 1).test().rows(), 3, "ceil, as sklearn");
    Set<Double> seen = new HashSet<>();
    for (Dataset part : List.of(a.train(), a.test())) {
      for (int r = 0; r < part.rows(); r++) {
        assertTrue(seen.add(part.feature(r, 0)));
        int row = (int) part.feature(r, 0);
        assertEquals(d.labels()[row], part.labels()[r]);
        assertEquals(d.feature(row, 1), part.feature(r, 1));
      }
    }
    assertEquals(150, seen.size());
    assertThrows(IllegalArgumentException.class, () -> Split.of(d, 1.0, 1));
  }

  @Test
  void stratifiedSplitKeepsEachClassShare() {
    Dataset d = indexed(140, 3);
    int[] all = d.classCounts();
    Split s = Split.stratified(d, 0.25, 7);
    int[] test = s.test().classCounts();
    assertEquals(35, s.test().rows());
    for (int c = 0; c < all.length; c++) {
      assertTrue(Math.abs(test[c] - 0.25 * all[c]) < 1, c + ": " + Arrays.toString(test));
    }
    assertEquals(s, Split.stratified(d, 0.25, 7));
    Set<Double> rows = new HashSet<>();
    for (Dataset part : List.of(s.train(), s.test())) {
      for (int r = 0; r < part.rows(); r++) {
        rows.add(part.feature(r, 0));
      }
    }
    assertEquals(140, rows.size());
  }

  @Test
  void batchesCoverEveryRowOnceWithAPartialLastBatch() {
    Dataset d = indexed(23, 3);
    Batches batches = Batches.of(d, 5).shuffle(11);
    assertEquals(5, batches.count());
    List<int[]> orders = new ArrayList<>();
    for (int epoch = 0; epoch < 3; epoch++) {
      List<Integer> sizes = new ArrayList<>();
      int[] order = new int[23];
      int k = 0;
      for (Batch b : batches.epoch(epoch)) {
        sizes.add(b.size());
        for (int i = 0; i < b.size(); i++) {
          int row = b.rows()[i];
          order[k++] = row;
          assertEquals(row, b.features()[2 * i], 0.0);
          assertEquals(d.labels()[row], b.labels()[i]);
          assertEquals(1.0, b.targets()[i * 3 + d.labels()[row]]);
        }
      }
      assertEquals(List.of(5, 5, 5, 5, 3), sizes);
      int[] sorted = order.clone();
      Arrays.sort(sorted);
      for (int i = 0; i < 23; i++) {
        assertEquals(i, sorted[i]);
      }
      orders.add(order);
      assertArrayEquals(order, batches.order(epoch));
    }
    assertFalse(Arrays.equals(orders.get(0), orders.get(1)), "each epoch reshuffles");
    assertArrayEquals(orders.get(2), Batches.of(d, 5).shuffle(11).order(2), "seeded");
    assertEquals(4, batches.dropLast(true).count());
    assertArrayEquals(new int[] {5, 3}, batches.sizes(), "the sizes an epoch runs, as iterated above");
    assertArrayEquals(new int[] {5}, batches.dropLast(true).sizes());
    assertArrayEquals(new int[] {23}, Batches.of(d, 64).sizes(), "a set smaller than a batch is one batch");
    assertArrayEquals(new int[0], Batches.of(d, 64).dropLast(true).sizes());
    assertArrayEquals(new int[] {23}, Batches.of(d, 23).sizes());
    int[] plain = Batches.of(d, 5).order(0);
    for (int i = 0; i < 23; i++) {
      assertEquals(i, plain[i]);
    }
  }

  @Test
  void aBatchWithTooFewLabelsSaysSo() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Batch(new int[] {0, 1}, new double[4], 2, new double[6], 3, new int[] {1}));
    assertTrue(e.getMessage().contains("2 labels") && e.getMessage().endsWith("and 1"), e.getMessage());
  }
}
