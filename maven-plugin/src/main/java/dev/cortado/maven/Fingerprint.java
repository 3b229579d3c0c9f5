package dev.cortado.maven;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A SHA-256 over everything a generation run reads: the configuration and the files of every
 * class path entry the definitions come from (the definitions' jar or class folder, the DSL,
 * the code generator and the plugin itself). Equal fingerprints mean the generated files would
 * be equal, so the run can be skipped.
 *
 * <p>An entry counts as the sorted list of its files' names, sizes and CRC-32s of their
 * content, whether it is a jar or a folder, without timestamps and without the packaging's own
 * {@code META-INF/MANIFEST.MF} and {@code META-INF/maven/}: so a module's {@code target/classes}
 * (what Maven hands a plugin after {@code mvn compile}) and its jar (after {@code mvn package})
 * count the same, and a rebuild that produces the same class files changes nothing. A jar's
 * CRC-32s and sizes come from its central directory, so nothing is decompressed: checking the
 * dozen jars of the plugin's class path takes milliseconds, where hashing their content took a
 * second.
 */
final class Fingerprint {
  private final MessageDigest digest;

  Fingerprint() {
    digest = sha256();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  /** Adds a configuration value. */
  Fingerprint text(String label, String value) {
    field(label);
    field(String.valueOf(value));
    return this;
  }

  /** Adds a class path entry, a jar or a folder, as its files' names and content hashes. */
  Fingerprint entry(Path path) throws IOException {
    field("entry");
    Map<String, String> files = Files.isDirectory(path) ? folder(path)
        : Files.isRegularFile(path) ? jar(path) : Map.of("<missing>", "");
    files.forEach((name, hash) -> {
      field(name);
      field(hash);
    });
    field(Integer.toString(files.size()));
    return this;
  }

  /** The hex digest; the fingerprint is spent afterwards. */
  String hex() {
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The plain SHA-256 of one file's bytes, hex (what {@code sha256sum} prints). */
  static String ofFile(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return hash(in);
    }
  }

  private static boolean counts(String name) {
    return !name.equals("META-INF/MANIFEST.MF") && !name.startsWith("META-INF/maven/");
  }

  private static Map<String, String> folder(Path root) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(Files::isRegularFile).forEach(files::add);
    }
    Map<String, String> out = new TreeMap<>();
    for (Path f : files) {
      String name = root.relativize(f).toString().replace('\\', '/');
      if (counts(name)) {
        byte[] bytes = Files.readAllBytes(f);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        out.put(name, summary(bytes.length, crc.getValue()));
      }
    }
    return out;
  }

  private static Map<String, String> jar(Path jar) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        ZipEntry entry = e.nextElement();
        if (!entry.isDirectory() && counts(entry.getName())) {
          out.put(entry.getName(), summary(entry.getSize(), entry.getCrc()));
        }
      }
    } catch (java.util.zip.ZipException e) {
      out.put("<not a zip>", ofFile(jar));
    }
    return out;
  }

  private static String summary(long size, long crc) {
    return size + ":" + Long.toHexString(crc);
  }

  private static String hash(InputStream in) throws IOException {
    MessageDigest d = sha256();
    byte[] buffer = new byte[1 << 16];
    for (int n; (n = in.read(buffer)) > 0; ) {
      d.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private void field(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    digest.update((byte) (bytes.length >>> 24));
    digest.update((byte) (bytes.length >>> 16));
    digest.update((byte) (bytes.length >>> 8));
    digest.update((byte) bytes.length);
    digest.update(bytes);
  }
}
