package dev.cortado.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.data.CsvLoader;
import dev.cortado.data.Dataset;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The copied data sets load from the class path with the shapes their README gives. */
class DataResourcesTest {

  @Test
  void iris() throws IOException {
    Dataset d = CsvLoader.sklearn().loadResource("data/iris.csv");
    assertEquals(150, d.rows());
    assertEquals(4, d.featureCount());
    assertEquals(List.of("setosa", "versicolor", "virginica"), d.classNames());
    assertArrayEquals(new double[] {5.1, 3.5, 1.4, 0.2},
        new double[] {d.feature(0, 0), d.feature(0, 1), d.feature(0, 2), d.feature(0, 3)});
    assertArrayEquals(new int[] {50, 50, 50}, d.classCounts());
  }

  @Test
  void digits() throws IOException {
    Dataset d = CsvLoader.classification().classCount(10).loadResource("data/digits.csv.gz");
    assertEquals(1797, d.rows());
    assertEquals(64, d.featureCount());
    assertEquals(5.0, d.feature(0, 2));
    assertEquals(0, d.labels()[0]);
    double max = 0;
    for (double v : d.features()) {
      max = Math.max(max, v);
    }
    assertEquals(16.0, max);
    assertArrayEquals(new int[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180},
        d.classCounts());
  }

  @Test
  void wineAndBreastCancer() throws IOException {
    Dataset wine = CsvLoader.sklearn().loadResource("data/wine_data.csv");
    assertEquals(178, wine.rows());
    assertEquals(13, wine.featureCount());
    assertArrayEquals(new int[] {59, 71, 48}, wine.classCounts());
    Dataset cancer = CsvLoader.sklearn().loadResource("data/breast_cancer.csv");
    assertEquals(569, cancer.rows());
    assertEquals(30, cancer.featureCount());
    assertEquals(List.of("malignant", "benign"), cancer.classNames());
    assertArrayEquals(new int[] {212, 357}, cancer.classCounts());
  }
}
