package dev.cortado.codegen.compile;

import dev.cortado.runtime.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Generated classes kept on disk between runs, opt-in, as JAX's persistent compilation cache: a
 * later JVM that compiles the same model (same graph, optimizer, batch size and options) loads
 * the class files instead of generating the source and running javac. An entry is named by the
 * SHA-256 of the model's key and of the generator's identity (the Cortado code generator's and
 * runtime's class files or jars, by size and modification time, as ccache checks its compiler,
 * and the Java version), so a new Cortado or JDK never reads an old entry. Entries are written
 * to a temporary file and renamed into place, so a reader sees a whole entry or none; an entry
 * that cannot be read is treated as missing (and rewritten). Nothing is ever deleted.
 */
public final class ClassCache {
  private static final int MAGIC = 0x43525444; // "CRTD"
  private static final String STAMP = stamp();

  private final Path dir;

  /** A cache in {@code dir} (created when first written). */
  public ClassCache(Path dir) {
    this.dir = dir;
  }

  /** The class files stored for {@code key} (class name to bytes), or null when there are none or they cannot be read. */
  public Map<String, byte[]> read(String key) {
    Path file = file(key);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      if (in.readInt() != MAGIC) {
        return null;
      }
      int count = in.readInt();
      Map<String, byte[]> classes = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        classes.put(name, bytes);
      }
      return in.read() == -1 ? classes : null;
    } catch (IOException | RuntimeException e) {
      return null; // truncated or foreign: compile again and overwrite it
    }
  }

  /**
   * Stores {@code classes} for {@code key}: written whole to a temporary file beside the entry,
   * forced to disk and renamed over it ({@link AtomicFiles}). A cache that cannot be written is skipped, never an error
   * for the model being compiled.
   */
  public void write(String key, Map<String, byte[]> classes) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeInt(MAGIC);
        out.writeInt(classes.size());
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
          out.writeUTF(e.getKey());
          out.writeInt(e.getValue().length);
          out.write(e.getValue());
        }
      }
      Files.createDirectories(dir);
      AtomicFiles.write(file(key), bytes.toByteArray());
    } catch (IOException | RuntimeException e) {
      // best effort: the class is compiled and in use; only the next run's shortcut is lost
    }
  }

  /** The entry's file: the SHA-256 of the key and the generator's identity. */
  Path file(String key) {
    return dir.resolve(InMemoryCompiler.sha256(STAMP + "\n" + key) + ".classes");
  }

  /** The generator's identity: its and the runtime's code (size and time), and the JVM's version. */
  private static String stamp() {
    return "cortado-classes-1|" + Runtime.version() + "|" + codeStamp(ClassCache.class) + "|"
        + codeStamp(dev.cortado.runtime.CompiledModel.class);
  }

  private static String codeStamp(Class<?> c) {
    try {
      CodeSource source = c.getProtectionDomain().getCodeSource();
      Path p = Path.of(source.getLocation().toURI());
      if (Files.isDirectory(p)) { // a build's classes directory: the newest class file in it
        try (var files = Files.walk(p)) {
          return p + "@" + files.filter(f -> f.toString().endsWith(".class"))
              .mapToLong(f -> f.toFile().lastModified()).max().orElse(0);
        }
      }
      return p + "@" + Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis();
    } catch (IOException | URISyntaxException | RuntimeException e) {
      return "unknown-" + System.nanoTime(); // unknown code: never match an entry
    }
  }
}
