package dev.cortado.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cortado.codegen.compile.ClassCache;
import dev.cortado.interp.Interpreter;
import dev.cortado.ir.Graph;
import dev.cortado.runtime.Executable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The on-disk class cache trusts only what this user wrote: it creates its directory and entries
 * owner-only; it refuses, with one warning, a directory or entry that another user can write or
 * owns; and it checks each entry's SHA-256 and recorded key before defining a class, so a flipped
 * byte or an entry copied from another model is compiled again, never run. The models are {@code
 * out = x / c}: a class of the wrong model would give the wrong quotient.
 */
class ClassCacheSecurityTest {
  private static final Map<String, double[]> X = Map.of("x", new double[] {1, -2, 3, 4});

  private static double[] predict(Graph g, Codegen.Options o) {
    Executable exe = Codegen.compile(g, "inference only", o);
    double[] got = exe.predict(X).get("out");
    double[] want = new Interpreter(g).predict(X).get("out");
    assertEquals(List.of(want[0], want[1]), List.of(got[0], got[1]), "the class of this model ran");
    return got;
  }

  private static List<Path> entries(Path dir) throws Exception {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".classes")).sorted().toList();
    }
  }

  private static String key(Graph g, Codegen.Options o) {
    return Codegen.key(g, "inference only", 2, Codegen.RUNTIME_PACKAGE, Codegen.className(g, 2), o); // X is a batch of 2
  }

  /** The warnings the cache logs while {@code body} runs. */
  static List<String> warnings(Runnable body) {
    List<String> out = new ArrayList<>();
    java.util.logging.Handler h = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
          out.add(r.getMessage());
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    java.util.logging.Logger log = java.util.logging.Logger.getLogger(ClassCache.class.getName());
    log.addHandler(h);
    try {
      body.run();
    } finally {
      log.removeHandler(h);
    }
    return out;
  }

  private static boolean posix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  @Test
  void theDirectoryAndEntriesAreCreatedOwnerOnly(@TempDir Path tmp) throws Exception {
    assumeTrue(posix(tmp));
    Path dir = tmp.resolve("a/b/cache");
    predict(SourceKeyTest.divideBy(3), Codegen.Options.defaults().withCache(dir));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("a"))));
    Path entry = entries(dir).get(0);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(entry)));
  }

  @Test
  void aFlippedByteIsDetectedDeletedAndCompiledAgain(@TempDir Path dir) throws Exception {
    Graph g = SourceKeyTest.divideBy(5);
    Codegen.Options o = Codegen.Options.defaults().withCache(dir);
    predict(g, o);
    Path entry = entries(dir).get(0);
    byte[] good = Files.readAllBytes(entry);
    for (int at : new int[] {9, good.length / 2, good.length - 40, good.length - 1}) {
      byte[] bad = good.clone();
      bad[at] ^= 0x10;
      Files.write(entry, bad);
      assertNull(new ClassCache(dir).read(key(g, o)), "byte " + at + " flipped");
      assertTrue(Files.notExists(entry), "the damaged entry is deleted");
      Files.write(entry, good);
      assertNotNull(new ClassCache(dir).read(key(g, o)), "the intact entry is read");
    }
    byte[] bad = good.clone();
    bad[good.length / 2] ^= 1;
    Files.write(entry, bad);
    List<String> w = warnings(() -> predict(g, o));
    assertEquals(1, w.size(), w.toString());
    assertTrue(w.get(0).contains("SHA-256") && w.get(0).contains(entry.getFileName().toString()), w.get(0));
    assertTrue(java.util.Arrays.equals(good, Files.readAllBytes(entry)), "rewritten as it was");
  }

  @Test
  void anEntryReplacedByAnotherModelsIsNotRun(@TempDir Path dir) throws Exception {
    Graph two = SourceKeyTest.divideBy(2);
    Graph four = SourceKeyTest.divideBy(4);
    Codegen.Options o = Codegen.Options.defaults().withCache(dir);
    predict(two, o);
    Path entryOfTwo = entries(dir).get(0);
    predict(four, o);
    Path entryOfFour = entries(dir).stream().filter(p -> !p.equals(entryOfTwo)).findFirst().orElseThrow();
    Files.copy(entryOfFour, entryOfTwo, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    List<String> w = warnings(() -> assertEquals(0.5, predict(two, o)[0], 0.0));
    assertEquals(1, w.size(), w.toString());
    assertTrue(w.get(0).contains("another model"), w.get(0));
  }

  @ParameterizedTest
  @ValueSource(strings = {"rwxrwx---", "rwx---rwx", "rwxrwxrwx", "rwx-w----"})
  void aDirectoryOthersCanWriteIsRefusedWithOneWarning(String perms, @TempDir Path tmp) throws Exception {
    assumeTrue(posix(tmp));
    Path dir = Files.createDirectory(tmp.resolve("shared-" + perms.replace('-', '_')));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(perms));
    Codegen.Options o = Codegen.Options.defaults().withCache(dir);
    List<String> w = warnings(() -> {
      predict(SourceKeyTest.divideBy(6), o);
      predict(SourceKeyTest.divideBy(7), o);
    });
    assertEquals(1, w.size(), w.toString());
    assertTrue(w.get(0).contains(dir.toString()) && w.get(0).contains("other users can write"), w.get(0));
    assertEquals(List.of(), entries(dir), "nothing written to it");
  }

  @Test
  void anEntryOthersCanWriteIsNotLoadedAndIsReplaced(@TempDir Path dir) throws Exception {
    assumeTrue(posix(dir));
    Graph g = SourceKeyTest.divideBy(8);
    Codegen.Options o = Codegen.Options.defaults().withCache(dir);
    predict(g, o);
    Path entry = entries(dir).get(0);
    Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString("rw-rw-rw-"));
    List<String> w = warnings(() -> predict(g, o));
    assertEquals(1, w.size(), w.toString());
    assertTrue(w.get(0).contains("other users can write"), w.get(0));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(entry)), "replaced by a private one");
  }

  /** Needs a second account to hand the entry to: runs where the tests run as root (as in CI containers). */
  @Test
  void anEntryOwnedByAnotherUserIsNotLoaded(@TempDir Path dir) throws Exception {
    assumeTrue(posix(dir));
    UserPrincipal other;
    try {
      other = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    } catch (java.io.IOException e) {
      other = null;
    }
    assumeTrue(other != null && !other.equals(Files.getOwner(dir)));
    Graph g = SourceKeyTest.divideBy(9);
    Codegen.Options o = Codegen.Options.defaults().withCache(dir);
    predict(g, o);
    Path entry = entries(dir).get(0);
    try {
      Files.setOwner(entry, other);
    } catch (java.io.IOException e) {
      assumeTrue(false, "this user cannot give a file away: " + e);
    }
    List<String> w = warnings(() -> predict(g, o));
    assertEquals(1, w.size(), w.toString());
    assertTrue(w.get(0).contains("owned by"), w.get(0));
    assertTrue(!Files.getOwner(entry).equals(other), "replaced by this user's own entry");
  }
}
