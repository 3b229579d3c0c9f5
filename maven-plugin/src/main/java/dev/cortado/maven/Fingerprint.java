package dev.cortado.maven;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A SHA-256 over everything a generation run reads: the configuration and the content of every
 * class path entry the definitions come from (the definitions' jars or class folders, the DSL,
 * the code generator and the plugin itself). Equal fingerprints mean the generated files would
 * be equal, so the run can be skipped. Content, not timestamps: a rebuilt but identical class
 * folder keeps its fingerprint, and a touched jar whose bytes differ does not.
 */
final class Fingerprint {
  private final MessageDigest digest;

  Fingerprint() {
    try {
      digest = MessageDigest.getInstance("SHA-256");
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

  /** Adds a class path entry: a jar's bytes, or a folder's relative file names and bytes. */
  Fingerprint entry(Path path) throws IOException {
    field("entry");
    field(path.toAbsolutePath().normalize().toString());
    if (Files.isDirectory(path)) {
      List<Path> files = new ArrayList<>();
      try (Stream<Path> walk = Files.walk(path)) {
        walk.filter(Files::isRegularFile).forEach(files::add);
      }
      files.sort((a, b) -> path.relativize(a).toString().compareTo(path.relativize(b).toString()));
      for (Path f : files) {
        field(path.relativize(f).toString().replace('\\', '/'));
        content(f);
      }
    } else if (Files.isRegularFile(path)) {
      content(path);
    } else {
      field("<missing>");
    }
    return this;
  }

  /** The hex digest; the fingerprint is spent afterwards. */
  String hex() {
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The plain SHA-256 of one file's bytes, hex (what {@code sha256sum} prints). */
  static String ofFile(Path file) throws IOException {
    Fingerprint f = new Fingerprint();
    f.digest.update(Files.readAllBytes(file));
    return f.hex();
  }

  private void content(Path file) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long total = 0;
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
        total += n;
      }
    }
    field(Long.toString(total));
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
