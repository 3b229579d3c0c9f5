package dev.cortado.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.codegen.compile.ClassCache;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class cache's size limit ({@code -Dcortado.cache.maxBytes}): after a write the least
 * recently used entries beyond the limit are deleted, a hit counts as a use, and files that are
 * not entries are neither counted nor deleted.
 */
class ClassCacheLimitTest {
  private static final Map<String, byte[]> CLASSES = Map.of("p.C", new byte[1000]);
  private static final long HOUR = 3_600_000;

  /** Writes {@code key} and returns its entry file (the one the write added), last used {@code hoursAgo} ago. */
  private static Path write(ClassCache cache, Path dir, String key, int hoursAgo) throws Exception {
    Set<Path> before = new HashSet<>(entries(dir));
    cache.write(key, CLASSES);
    List<Path> added = entries(dir).stream().filter(p -> !before.contains(p)).toList();
    assertEquals(1, added.size(), "the write of " + key + " added " + added);
    Files.setLastModifiedTime(added.get(0), FileTime.fromMillis(System.currentTimeMillis() - hoursAgo * HOUR));
    return added.get(0);
  }

  private static List<Path> entries(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".classes")).sorted().toList();
    }
  }

  /** The size of one entry of {@link #CLASSES}, as written (in {@code dir}, deleted again). */
  private static long entrySize(Path dir) throws Exception {
    Path entry = write(new ClassCache(dir, Long.MAX_VALUE), dir, "size", 0);
    long size = Files.size(entry);
    Files.delete(entry);
    return size;
  }

  @Test
  void entriesBeyondTheLimitAreDeletedLeastRecentlyUsedFirst(@TempDir Path dir) throws Exception {
    ClassCache cache = new ClassCache(dir, 3 * entrySize(dir));
    Path a = write(cache, dir, "a", 3);
    Path b = write(cache, dir, "b", 5); // older than a though written later
    Path c = write(cache, dir, "c", 1);
    assertEquals(List.of(a, b, c).stream().sorted().toList(), entries(dir), "three fit");

    Path d = write(cache, dir, "d", 0);
    assertEquals(List.of(a, c, d).stream().sorted().toList(), entries(dir), "b, the least recently used, is gone");
    Path e = write(cache, dir, "e", 0);
    assertEquals(List.of(c, d, e).stream().sorted().toList(), entries(dir), "then a");
    assertNull(cache.read("a"), "an evicted entry is a miss");
    assertNotNull(cache.read("e"));
  }

  @Test
  void aHitKeepsItsEntryAndTheNextOldestGoes(@TempDir Path dir) throws Exception {
    ClassCache cache = new ClassCache(dir, 2 * entrySize(dir));
    Path old = write(cache, dir, "old", 10);
    Path newer = write(cache, dir, "newer", 5);
    long start = System.currentTimeMillis();
    assertNotNull(cache.read("old"));
    assertTrue(Files.getLastModifiedTime(old).toMillis() >= start - 1000, "the hit marked old as just used");

    Path fresh = write(cache, dir, "fresh", 0);
    assertEquals(List.of(old, fresh).stream().sorted().toList(), entries(dir), "newer was the least recently used");
    assertNull(cache.read("newer"));
    assertNotNull(cache.read("old"));
  }

  @Test
  void theEntryJustWrittenStaysEvenAboveTheLimit(@TempDir Path dir) throws Exception {
    ClassCache cache = new ClassCache(dir, 1);
    write(cache, dir, "a", 2);
    Path b = write(cache, dir, "b", 1);
    assertEquals(List.of(b), entries(dir));
    assertNotNull(cache.read("b"));
  }

  @Test
  void filesThatAreNotEntriesAreNeitherCountedNorDeleted(@TempDir Path dir) throws Exception {
    long entry = entrySize(dir);
    Path big = dir.resolve("notes.bin"); // far larger than the limit, and old
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(100 * entry);
    }
    Path temp = dir.resolve("." + "0".repeat(64) + ".classes.1f2e3d.tmp"); // another JVM's write in progress
    Path upper = dir.resolve("A".repeat(64) + ".classes"); // not a name this cache makes
    Path sub = dir.resolve("b".repeat(64) + ".classes"); // an entry's name, but a directory
    for (Path p : List.of(temp, upper)) {
      Files.write(p, new byte[(int) entry]);
    }
    Files.createDirectory(sub);
    for (Path p : List.of(big, temp, upper, sub)) {
      Files.setLastModifiedTime(p, FileTime.fromMillis(0));
    }

    ClassCache cache = new ClassCache(dir, 2 * entry);
    Path a = write(cache, dir, "a", 2);
    Path b = write(cache, dir, "b", 1);
    assertTrue(Files.exists(a) && Files.exists(b), "two entries fit: the other files do not count");
    write(cache, dir, "c", 0);
    assertTrue(Files.notExists(a) && Files.exists(b), "a, the oldest entry, made room");
    for (Path p : List.of(big, temp, upper, sub)) {
      assertTrue(Files.exists(p), p + " is kept");
    }
  }

  @Test
  void anEntryDeletedByAnotherProcessIsAMiss(@TempDir Path dir) throws Exception {
    ClassCache cache = new ClassCache(dir, Long.MAX_VALUE);
    Path a = write(cache, dir, "a", 0);
    Files.delete(a);
    assertNull(cache.read("a"));
  }

  @Test
  void theLimitComesFromThePropertyAndABadValueIsNamed(@TempDir Path dir) {
    assertEquals(ClassCache.DEFAULT_MAX_BYTES, ClassCache.maxBytes(null));
    assertEquals(ClassCache.DEFAULT_MAX_BYTES, ClassCache.maxBytes(" "));
    assertEquals(1000, ClassCache.maxBytes("1000"));
    assertEquals(64L << 10, ClassCache.maxBytes("64k"));
    assertEquals(512L << 20, ClassCache.maxBytes(" 512M "));
    assertEquals(2L << 30, ClassCache.maxBytes("2g"));
    for (String bad : List.of("0", "-5", "lots", "1.5g", "12 m", "10t", "99999999999g", "999999999999999999999")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClassCache.maxBytes(bad), bad);
      assertTrue(e.getMessage().contains("-Dcortado.cache.maxBytes=" + bad + ":"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> new ClassCache(dir, 0));

    try (SavedProperty saved = new SavedProperty(ClassCache.MAX_BYTES_PROPERTY)) {
      System.setProperty(ClassCache.MAX_BYTES_PROPERTY, "3m");
      assertEquals(3L << 20, new ClassCache(dir).maxBytes());
      System.setProperty(ClassCache.MAX_BYTES_PROPERTY, "half");
      Codegen.Options o = Codegen.Options.defaults().withCache(dir);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new BatchClasses(CompiledErrorsTest.training(), "bad limit", o), "a model compiled with the cache on");
      assertTrue(e.getMessage().contains("-Dcortado.cache.maxBytes=half"), e.getMessage());
    }
  }
}
