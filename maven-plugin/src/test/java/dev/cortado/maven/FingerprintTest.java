package dev.cortado.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FingerprintTest {
  @TempDir Path dir;

  /** Writes a jar holding the given files, with the given entry time. */
  static Path jar(Path file, Map<String, String> entries, long time) throws IOException {
    try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, String> e : new java.util.TreeMap<>(entries).entrySet()) {
        ZipEntry z = new ZipEntry(e.getKey());
        z.setTime(time);
        zip.putNextEntry(z);
        zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return file;
  }

  private Path folder(String name, Map<String, String> files) throws IOException {
    Path root = dir.resolve(name);
    for (Map.Entry<String, String> e : files.entrySet()) {
      Path f = root.resolve(e.getKey());
      Files.createDirectories(f.getParent());
      Files.writeString(f, e.getValue());
    }
    return root;
  }

  private static String of(Path... entries) throws IOException {
    Fingerprint f = new Fingerprint().text("format", "test");
    for (Path p : entries) {
      f.entry(p);
    }
    return f.hex();
  }

  @Test
  void aJarAndTheClassFolderItWasPackagedFromCountTheSame() throws IOException {
    Path classes = folder("classes", Map.of("com/example/M.class", "bytes of M"));
    Path jar = jar(dir.resolve("models.jar"), Map.of("com/example/M.class", "bytes of M",
        "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n",
        "META-INF/maven/com.example/models/pom.properties", "version=1.0\n"), 1_000_000L);
    assertEquals(of(classes), of(jar));
  }

  @Test
  void timestampsDoNotCountContentDoes() throws IOException {
    Map<String, String> files = Map.of("a/A.class", "A", "a/B.class", "B");
    String first = of(jar(dir.resolve("one.jar"), files, 1_000_000L));
    assertEquals(first, of(jar(dir.resolve("two.jar"), files, 9_000_000_000L)));
    Path classes = folder("classes", files);
    Files.setLastModifiedTime(classes.resolve("a/A.class"), FileTime.fromMillis(5));
    assertEquals(first, of(classes));
    assertNotEquals(first, of(jar(dir.resolve("three.jar"), Map.of("a/A.class", "A2", "a/B.class", "B"), 1_000_000L)));
    assertNotEquals(first, of(jar(dir.resolve("four.jar"), Map.of("a/A.class", "A", "a/C.class", "B"), 1_000_000L)));
    assertNotEquals(first, of(jar(dir.resolve("five.jar"), Map.of("a/A.class", "A"), 1_000_000L)));
  }

  @Test
  void entriesKeepTheirBoundariesAndOrder() throws IOException {
    Path a = folder("a", Map.of("x/X.class", "X"));
    Path b = folder("b", Map.of("y/Y.class", "Y"));
    Path both = folder("both", Map.of("x/X.class", "X", "y/Y.class", "Y"));
    assertNotEquals(of(a, b), of(both));
    assertNotEquals(of(a, b), of(b, a));
    assertNotEquals(of(a), of(a, dir.resolve("missing.jar")));
  }

  @Test
  void aFileThatIsNotAZipCountsByItsBytes() throws IOException {
    Path f = Files.writeString(dir.resolve("odd.jar"), "not a zip");
    String first = of(f);
    Files.writeString(f, "still not a zip");
    assertNotEquals(first, of(f));
  }

  @Test
  void ofFileIsThePlainSha256() throws IOException {
    Path f = Files.writeString(dir.resolve("abc.txt"), "abc");
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Fingerprint.ofFile(f));
  }
}
