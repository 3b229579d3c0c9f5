package dev.cortado.codegen.compile;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generated classes kept on disk between runs, opt-in, as JAX's persistent compilation cache: a
 * later JVM that compiles the same model (same graph, optimizer, batch size and options) loads
 * the class files instead of generating the source and running javac. An entry is named by the
 * SHA-256 of the model's key and of the generator's identity (the Cortado code generator's and
 * runtime's class files or jars, by size and modification time, as ccache checks its compiler,
 * and the Java version), so a new Cortado or JDK never reads an old entry. Entries are written
 * to a temporary file and renamed into place, so a reader sees a whole entry or none.
 *
 * <p>Loading class files runs their code, so the cache trusts only what this user wrote: the
 * directory is created {@code 0700} and each entry {@code 0600} (where the file system has POSIX
 * permissions), and a directory or entry that another user owns or can write is refused with one
 * warning ({@link System.Logger}) and the class compiled as without a cache. Each entry records
 * its identity (the key it was written for) and ends with the SHA-256 of its content, both
 * checked before any class is defined: a damaged entry, or one copied over from another model,
 * is deleted with one warning and compiled again, never run. The SHA-256 detects damage and
 * mix-ups, not a forger who can write the directory; keeping others from writing it is what
 * the permission checks are for.
 *
 * <p>The directory is bounded as ccache's {@code max_size} and JAX's cache size limit are: the
 * entries' total size is kept to at most {@code maxBytes} (default {@value #DEFAULT_MAX_BYTES}
 * bytes, 64 MiB; {@code -Dcortado.cache.maxBytes=N}, N in bytes or with a {@code k}, {@code m}
 * or {@code g} suffix for KiB, MiB, GiB as in {@code -Xmx}). A hit sets its entry's
 * modification time to now; after each write the directory is listed once and, while the
 * entries' total exceeds {@code maxBytes}, the entry with the oldest modification time (least
 * recently used) is deleted, never the one just written. Only files with an entry's name
 * ({@code <64 hex digits>.classes}) are counted or deleted: other files in the directory and a
 * concurrent writer's temporary files are left alone. Several JVMs may share a directory: an
 * entry deleted under a reader is a miss (compiled again), a delete that fails is ignored.
 */
public final class ClassCache {
  /** The system property that sets {@code maxBytes} for {@link #ClassCache(Path)}. */
  public static final String MAX_BYTES_PROPERTY = "cortado.cache.maxBytes";

  /**
   * The entries' total size kept when {@value #MAX_BYTES_PROPERTY} is not set: 64 MiB, room for
   * about 2,000 to 7,000 model variants (an entry of an MLP from 784-128-10 to nine 512-wide
   * layers is 10 to 33 kB), while a write's sweep of a full directory (a stat per entry) stays
   * in the tens of milliseconds.
   */
  public static final long DEFAULT_MAX_BYTES = 64L << 20;

  private static final int MAGIC = 0x43525444; // "CRTD"
  private static final int VERSION = 2;
  private static final int DIGEST_BYTES = 32;
  /** The largest entry read: a generated class is tens of kB, never near this. */
  private static final long MAX_ENTRY_BYTES = 256L << 20;
  private static final System.Logger LOG = System.getLogger(ClassCache.class.getName());
  private static final Set<Path> WARNED = ConcurrentHashMap.newKeySet();
  private static final String STAMP = stamp();
  private static final Pattern ENTRY = Pattern.compile("[0-9a-f]{64}\\.classes");
  private static final Pattern SIZE = Pattern.compile("([0-9]{1,18})([kKmMgG]?)");

  private final Path dir;
  private final long maxBytes;

  /**
   * A cache in {@code dir} (created when first written) holding at most {@code
   * -Dcortado.cache.maxBytes} bytes of entries (default {@value #DEFAULT_MAX_BYTES}).
   *
   * @param dir the cache directory
   * @throws IllegalArgumentException naming the property and its value when it is not a size
   */
  public ClassCache(Path dir) {
    this(dir, maxBytes(System.getProperty(MAX_BYTES_PROPERTY)));
  }

  /**
   * A cache in {@code dir} (created when first written) holding at most {@code maxBytes} bytes
   * of entries, besides the one last written.
   *
   * @param dir the cache directory
   * @param maxBytes the most bytes of entries kept, at least 1
   * @throws IllegalArgumentException naming {@code maxBytes} when it is below 1
   */
  public ClassCache(Path dir, long maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be at least 1, got " + maxBytes);
    }
    this.dir = dir;
    this.maxBytes = maxBytes;
  }

  /**
   * The byte count a {@value #MAX_BYTES_PROPERTY} value means: a whole number of bytes, or of
   * KiB, MiB or GiB with a {@code k}, {@code m} or {@code g} suffix; null or blank: {@value
   * #DEFAULT_MAX_BYTES}.
   *
   * @param value the property's value, or null
   * @return the size in bytes, at least 1
   * @throws IllegalArgumentException naming the property and the value otherwise
   */
  public static long maxBytes(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_MAX_BYTES;
    }
    Matcher m = SIZE.matcher(value.trim());
    if (m.matches()) {
      int shift = switch (m.group(2).toLowerCase(java.util.Locale.ROOT)) {
        case "k" -> 10;
        case "m" -> 20;
        case "g" -> 30;
        default -> 0;
      };
      long n = Long.parseLong(m.group(1));
      if (n >= 1 && n <= Long.MAX_VALUE >> shift) {
        return n << shift;
      }
    }
    throw new IllegalArgumentException("-D" + MAX_BYTES_PROPERTY + "=" + value
        + ": expected a size of at least 1 byte, in bytes or with a k, m or g suffix (e.g. 512m)");
  }

  /**
   * The most bytes of entries this cache keeps, besides the one last written.
   *
   * @return the limit in bytes
   */
  public long maxBytes() {
    return maxBytes;
  }

  /**
   * The class files stored for {@code key} (class name to bytes), or null when there are none or
   * none that can be trusted. Before anything is parsed, the directory and the entry must be
   * this user's and writable by no one else (where POSIX permissions exist: see {@link
   * PrivateFiles}), the entry's SHA-256 must match its content and the key it records must be
   * {@code key}; an entry failing the last two is deleted. Each refusal is logged once.
   *
   * @param key the source key ({@code Codegen}'s SHA-256 of everything the source depends on)
   * @return class name to class file bytes, or null
   */
  public Map<String, byte[]> read(String key) {
    Path file = file(key);
    try {
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) || !trustedDirectory()) {
        return null;
      }
      String why = PrivateFiles.untrusted(file, false);
      if (why != null) {
        warn(file, "not used: " + why + "; the class is compiled again and the entry replaced");
        return null;
      }
      if (Files.size(file) > MAX_ENTRY_BYTES) {
        return damaged(file, "larger than " + MAX_ENTRY_BYTES + " bytes");
      }
      byte[] whole = Files.readAllBytes(file);
      if (whole.length < DIGEST_BYTES || !MessageDigest.isEqual(sha256(whole, whole.length - DIGEST_BYTES),
          Arrays.copyOfRange(whole, whole.length - DIGEST_BYTES, whole.length))) {
        return damaged(file, "its SHA-256 does not match its content");
      }
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(whole, 0, whole.length - DIGEST_BYTES));
      if (in.readInt() != MAGIC || in.readInt() != VERSION) {
        return damaged(file, "not a class cache entry of this version");
      }
      String recorded = in.readUTF();
      if (!recorded.equals(id(key))) {
        return damaged(file, "written for another model (key " + recorded + ")");
      }
      int count = in.readInt();
      Map<String, byte[]> classes = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        classes.put(name, bytes);
      }
      if (in.read() != -1) {
        return damaged(file, "bytes after its last class");
      }
      touch(file);
      return classes;
    } catch (IOException | RuntimeException e) {
      return damaged(file, "unreadable (" + e + ")");
    }
  }

  /**
   * Stores {@code classes} for {@code key}: the entry (its key, its classes, then the SHA-256 of
   * both) written whole to an owner-only temporary file beside the entry, forced to disk and
   * renamed over it. The directory is created owner-only; an existing one that another user owns
   * or can write is not written to. A cache that cannot be written is skipped, never an error
   * for the model being compiled.
   *
   * @param key the source key
   * @param classes class name to class file bytes
   */
  public void write(String key, Map<String, byte[]> classes) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeUTF(id(key));
        out.writeInt(classes.size());
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
          out.writeUTF(e.getKey());
          out.writeInt(e.getValue().length);
          out.write(e.getValue());
        }
      }
      byte[] body = bytes.toByteArray();
      bytes.write(sha256(body, body.length));
      if (!Files.exists(dir)) {
        PrivateFiles.createDirectories(dir);
      }
      if (!trustedDirectory()) {
        return;
      }
      Path file = file(key);
      PrivateFiles.write(file, bytes.toByteArray());
      sweep(file.getFileName());
    } catch (IOException | RuntimeException e) {
      // best effort: the class is compiled and in use; only the next run's shortcut is lost
    }
  }

  /** Whether the directory is this user's alone; if not, says so once per JVM and directory. */
  private boolean trustedDirectory() throws IOException {
    String why = PrivateFiles.untrusted(dir, true);
    if (why != null) {
      warn(dir, "not used as a class cache: " + why + "; classes are compiled as without a cache."
          + " Use a directory only you can write (chmod 700)");
    }
    return why == null;
  }

  /**
   * Deletes a damaged or foreign entry (a miss: compiled again and rewritten), with a warning:
   * one for each time, as each is found once and then replaced.
   */
  private Map<String, byte[]> damaged(Path file, String why) {
    LOG.log(System.Logger.Level.WARNING, "Cortado class cache: " + file + " ignored and deleted: " + why
        + "; the class is compiled again");
    try {
      Files.deleteIfExists(file);
    } catch (IOException | RuntimeException e) {
      // left in place: the rewrite after compiling replaces it
    }
    return null;
  }

  /** Logs one warning per path per JVM: an untrusted directory is met again for every class. */
  private static void warn(Path p, String message) {
    if (WARNED.add(p.toAbsolutePath().normalize())) {
      LOG.log(System.Logger.Level.WARNING, "Cortado class cache: " + p + " " + message);
    }
  }

  private static byte[] sha256(byte[] bytes, int length) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(bytes, 0, length);
      return sha.digest();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Marks an entry as just used; a read-only cache simply keeps its old order. */
  private static void touch(Path file) {
    try {
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
    } catch (IOException | RuntimeException e) {
      // not recorded: the entry may be evicted a little early
    }
  }

  /**
   * One listing of the directory; while the entries' total exceeds {@link #maxBytes}, deletes
   * the least recently used entry other than {@code kept}. An entry that vanishes meanwhile
   * (another JVM's sweep) or cannot be deleted is passed over.
   */
  private void sweep(Path kept) throws IOException {
    List<Entry> entries = new ArrayList<>();
    long total = 0;
    try (var files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        if (!ENTRY.matcher(f.getFileName().toString()).matches()) {
          continue; // not ours: a user's file, or a writer's temporary file
        }
        try {
          BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
          if (a.isRegularFile()) {
            total += a.size();
            if (!f.getFileName().equals(kept)) {
              entries.add(new Entry(f, a.size(), a.lastModifiedTime()));
            }
          }
        } catch (IOException e) {
          // deleted by another JVM since the listing
        }
      }
    }
    if (total <= maxBytes) {
      return;
    }
    entries.sort(Comparator.comparing(Entry::used).thenComparing(Entry::file));
    for (int i = 0; i < entries.size() && total > maxBytes; i++) {
      Entry e = entries.get(i);
      try {
        Files.deleteIfExists(e.file());
      } catch (IOException ex) {
        continue; // in use elsewhere (Windows) or not ours to delete: it stays counted
      }
      total -= e.size();
    }
  }

  private record Entry(Path file, long size, FileTime used) {}

  /** The entry's file: {@code <id>.classes}. */
  Path file(String key) {
    return dir.resolve(id(key) + ".classes");
  }

  /** An entry's identity, recorded in it: the SHA-256 of the key and the generator's identity. */
  private static String id(String key) {
    return InMemoryCompiler.sha256(STAMP + "\n" + key);
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
