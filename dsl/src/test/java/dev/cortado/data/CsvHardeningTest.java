package dev.cortado.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Careless or hostile CSV files: every rejection names the file, and nothing allocates without bound. */
class CsvHardeningTest {

  @TempDir Path dir;

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  @Test
  void aHugeLabelWithoutDeclaredClassesIsRefusedNamingFileLineAndColumn() throws IOException {
    Path file = Files.writeString(dir.resolve("labels.csv"), "1,2,0\n3,4,999999999\n");
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> CsvLoader.classification().load(file));
    assertEquals(file.toString(), e.source());
    assertEquals(2, e.line());
    assertEquals(3, e.column());
    assertTrue(e.getMessage().contains("label 999999999") && e.getMessage().contains("classCount"),
        e.getMessage());
    // the largest inferred label still loads, and a declared count is taken at its word
    Path edge = Files.writeString(dir.resolve("edge.csv"),
        "1,2,0\n3,4," + (CsvLoader.MAX_INFERRED_CLASSES - 1) + "\n");
    assertEquals(CsvLoader.MAX_INFERRED_CLASSES, CsvLoader.classification().load(edge).classNames().size());
  }

  @Test
  void aLeadingByteOrderMarkIsSkippedAndOneInsideTheDataIsNamed() throws IOException {
    Path bom = Files.writeString(dir.resolve("bom.csv"), "\uFEFF1.5,2,1\n3,4,0\n");
    Dataset d = CsvLoader.classification().load(bom);
    assertArrayEquals(new double[] {1.5, 2, 3, 4}, d.features(), 0.0);
    Path gz = Files.write(dir.resolve("bom.csv.gz"), gzip("\uFEFF1.5,2,1\n3,4,0\n"));
    assertArrayEquals(new double[] {1.5, 2, 3, 4}, CsvLoader.classification().load(gz).features(), 0.0);
    Path joined = Files.writeString(dir.resolve("joined.csv"), "1,2,1\n\uFEFF3,4,0\n");
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> CsvLoader.classification().load(joined));
    assertEquals(2, e.line());
    assertEquals(1, e.column());
    assertTrue(e.getMessage().startsWith(joined.toString()) && e.getMessage().contains("byte-order mark"),
        e.getMessage());
  }

  @Test
  void aCorruptOrTruncatedGzipFileIsNamed() throws IOException {
    byte[] good = gzip("1,2,0\n3,4,1\n".repeat(50));
    Path truncated = Files.write(dir.resolve("truncated.csv.gz"), Arrays.copyOf(good, good.length / 2));
    IOException t = assertThrows(IOException.class, () -> CsvLoader.classification().load(truncated));
    assertTrue(t.getMessage().contains(truncated.toString()) && t.getMessage().contains("gzip"), t.getMessage());
    byte[] flipped = good.clone();
    for (int i = 10; i < 20; i++) {
      flipped[i] ^= (byte) 0x5a;
    }
    Path corrupt = Files.write(dir.resolve("corrupt.csv.gz"), flipped);
    IOException c = assertThrows(IOException.class, () -> CsvLoader.classification().load(corrupt));
    assertTrue(c.getMessage().contains(corrupt.toString()) && c.getMessage().contains("gzip"), c.getMessage());
    IOException s = assertThrows(IOException.class, () -> CsvLoader.classification()
        .load(new ByteArrayInputStream(Arrays.copyOf(good, 12)), "classpath:data/x.csv.gz"));
    assertTrue(s.getMessage().contains("classpath:data/x.csv.gz"), s.getMessage());
  }

  @Test
  void aDirectoryGivenAsTheFileIsNamed() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("data.csv"));
    IOException e = assertThrows(IOException.class, () -> CsvLoader.classification().load(folder));
    assertTrue(e.getMessage().contains(folder.toString()) && e.getMessage().contains("directory"),
        e.getMessage());
  }

  @Test
  void nullArgumentsNameTheParameterAndTheCall() {
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> CsvLoader.classification().load((Path) null));
    assertEquals("CsvLoader.load: path", e.getMessage());
    e = assertThrows(NullPointerException.class, () -> CsvLoader.classification().loadResource(null));
    assertEquals("CsvLoader.loadResource: name", e.getMessage());
  }
}
