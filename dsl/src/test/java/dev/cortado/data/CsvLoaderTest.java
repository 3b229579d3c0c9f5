package dev.cortado.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvLoaderTest {

  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  private DataFormatException rejected(CsvLoader loader, String text, long line, int column) {
    Path file;
    try {
      file = write("bad.csv", text);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    DataFormatException e = assertThrows(DataFormatException.class, () -> loader.load(file));
    assertEquals(file.toString(), e.source());
    assertEquals(line, e.line(), e.getMessage());
    assertEquals(column, e.column(), e.getMessage());
    assertTrue(e.getMessage().startsWith(file + ", line " + line), e.getMessage());
    return e;
  }

  @Test
  void loadsTheScikitLearnFormat() throws IOException {
    Path file = write("iris.csv", "3,2,setosa,versicolor\n5.1,3.5,0\n4.9,-3e-1,1\n.5, 2 ,0\n");
    Dataset d = CsvLoader.sklearn().load(file);
    assertEquals(3, d.rows());
    assertEquals(2, d.featureCount());
    assertEquals(List.of("setosa", "versicolor"), d.classNames());
    assertArrayEquals(new double[] {5.1, 3.5, 4.9, -0.3, 0.5, 2}, d.features(), 0.0);
    assertArrayEquals(new int[] {0, 1, 0}, d.labels());
    assertArrayEquals(new double[] {1, 0, 0, 1, 1, 0}, d.targets(), 0.0);
  }

  @Test
  void loadsGzipAndInfersClassesOrTakesThemByName() throws IOException {
    Path file = dir.resolve("digits.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write("0,16,2\n\n1,3,0\n".getBytes(StandardCharsets.UTF_8));
    }
    Dataset d = CsvLoader.classification().load(file);
    assertEquals(List.of("0", "1", "2"), d.classNames());
    assertArrayEquals(new int[] {2, 0}, d.labels());
    assertEquals(10, CsvLoader.classification().classCount(10).load(file).classCount());

    Path named = write("named.csv", "1,cat\n2,dog\n3,cat\n");
    assertArrayEquals(new int[] {0, 1, 0},
        CsvLoader.classification().classNames("cat", "dog").load(named).labels());
  }

  @Test
  void loadsRegressionTargetsAfterAHeaderOfNames() throws IOException {
    Path file = write("r.csv", "a,b,y1,y2\n1,2,3,4\n5,6,7,8\n");
    Dataset d = CsvLoader.regression(2).header(CsvLoader.Header.NAMES).load(file);
    assertEquals(2, d.featureCount());
    assertEquals(2, d.targetCount());
    assertArrayEquals(new double[] {3, 4, 7, 8}, d.targets(), 0.0);
    assertArrayEquals(new double[] {1, 2, 5, 6}, d.features(), 0.0);
  }

  @Test
  void aNonNumericCellNamesLineAndColumn() {
    CsvLoader iris = CsvLoader.sklearn();
    DataFormatException e = rejected(iris, "2,3,a,b\n1,2,3,0\n1,x2,3,1\n", 3, 2);
    assertTrue(e.getMessage().endsWith("\"x2\" is not a number"), e.getMessage());
    rejected(iris, "2,3,a,b\n1,2,NaN,0\n1,2,3,1\n", 2, 3);
    rejected(iris, "2,3,a,b\n1,2,,0\n1,2,3,1\n", 2, 3);
    rejected(iris, "2,3,a,b\n1,2,0x10,0\n", 2, 3);
    rejected(iris, "2,3,a,b\n1,2,1e999,0\n", 2, 3);
  }

  @Test
  void lineNumbersCountBlankLinesAndQuotedLineBreaks() {
    CsvLoader loader = CsvLoader.regression(1);
    rejected(loader, "1,2\n\n\n3,4\n\r\n5,z\n", 6, 2);
    rejected(loader, "1,\"2\"\r\n\"3\n\",4\n5,z\n", 4, 2);
  }

  @Test
  void aRaggedRowNamesTheFirstMissingOrExtraColumn() {
    DataFormatException shortRow = rejected(CsvLoader.classification(), "1,2,0\n1,2,3,0\n", 2, 4);
    assertTrue(shortRow.getMessage().endsWith("ragged row: 4 cells, expected 3"));
    rejected(CsvLoader.classification(), "1,2,0\n1,0\n", 2, 3);
    rejected(CsvLoader.sklearn(), "1,2,a,b\n1,2,3,0\n", 2, 4);
  }

  @Test
  void aLabelOutsideTheClassesIsNamed() {
    DataFormatException e = rejected(CsvLoader.sklearn(), "2,1,a,b\n1,0\n1,2\n", 3, 2);
    assertTrue(e.getMessage().endsWith("label 2 lies outside the classes 0..1 [a, b]"),
        e.getMessage());
    rejected(CsvLoader.classification(), "1,-1\n", 1, 2);
    DataFormatException notIndex = rejected(CsvLoader.classification().classCount(3),
        "1,0\n1,1.5\n", 2, 2);
    assertTrue(notIndex.getMessage().contains("\"1.5\" is not a class index"));
    rejected(CsvLoader.classification().classNames("cat", "dog"), "1,cow\n", 1, 2);
  }

  @Test
  void theScikitLearnHeaderIsChecked() {
    DataFormatException e = rejected(CsvLoader.sklearn(), "3,1,a,b\n1,0\n1,1\n", 1, 1);
    assertTrue(e.getMessage().endsWith("the header declares 3 rows, the file holds 2"));
    rejected(CsvLoader.sklearn(), "x,1,a\n1,0\n", 1, 1);
    rejected(CsvLoader.sklearn(), "1,1\n1,0\n", 1, 3);
    rejected(CsvLoader.classification(), "", 1, 0);
    rejected(CsvLoader.regression(1), "1,\"2\n", 1, 0);
  }
}
