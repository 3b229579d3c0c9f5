package dev.cortado.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints and safetensors files against hostile or careless input. */
class CheckpointHardeningTest {

  @TempDir Path dir;

  private static FakeExecutable trained(long seed) {
    FakeExecutable exe = new FakeExecutable(3, seed, false);
    for (int i = 0; i < 3; i++) {
      exe.trainStep(Map.of("x", new double[] {1, 2, 3, -1, 0.5, 2}, "y", new double[] {1, -1}));
    }
    return exe;
  }

  /** Copies a file's tensors and metadata with {@code metadata} put over its own. */
  private static void rewrite(Path from, Path to, Map<String, String> metadata) throws IOException {
    Safetensors.Contents c = Safetensors.read(from);
    Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
    for (Safetensors.Entry e : c.entries()) {
      tensors.put(e.name(), new Safetensors.Tensor(Safetensors.DType.F64, e.shape(), e.values()));
    }
    Map<String, String> meta = new LinkedHashMap<>(c.metadata());
    meta.putAll(metadata);
    Safetensors.write(to, tensors, meta);
  }

  @Test
  void aParameterNamedLikeSavedStateMakesSaveAndLoadFailNamingTheEntry() throws IOException {
    FakeExecutable clash = trained(1);
    clash.addParameter("state/dense/w/m", 1, 2, 3);
    Path file = dir.resolve("clash.safetensors");
    IllegalArgumentException save =
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(clash, file));
    assertTrue(save.getMessage().contains("\"state/dense/w/m\"") && save.getMessage().contains("ambiguous"),
        save.getMessage());
    assertFalse(Files.exists(file));

    // a file holding that entry (as a plain save of the state writes it) is refused on load too
    Checkpoint.save(trained(2), file);
    double[] before = clash.parameter("state/dense/w/m");
    IllegalArgumentException load =
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(clash, file));
    assertTrue(load.getMessage().contains("\"state/dense/w/m\""), load.getMessage());
    assertArrayEquals(before, clash.parameter("state/dense/w/m"), 0.0);
  }

  @Test
  void nonFiniteHyperparametersInTheMetadataAreRejectedNamingTheKey() throws IOException {
    Path good = dir.resolve("good.safetensors");
    Checkpoint.save(trained(3), good);
    for (String bad : new String[] {"NaN", "Infinity", "-Infinity"}) {
      Path file = dir.resolve("bad.safetensors");
      rewrite(good, file, Map.of("hyperparameter/lr_multiplier", bad));
      FakeExecutable exe = trained(4);
      double[] w = exe.parameter("dense/w");
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(exe, file));
      assertTrue(e.getMessage().contains("hyperparameter/lr_multiplier")
          && e.getMessage().contains("not a finite number"), e.getMessage());
      assertArrayEquals(w, exe.parameter("dense/w"), 0.0);
      assertEquals(1.0, exe.hyperparameter("lr_multiplier"));
    }
    FakeExecutable nan = trained(5);
    nan.setHyperparameter("lr_multiplier", Double.NaN);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.save(nan, dir.resolve("nan.safetensors")));
    assertTrue(e.getMessage().contains("\"lr_multiplier\""), e.getMessage());
  }

  private Path rawFile(long headerLength, byte[] header) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(headerLength).put(header);
    Path file = dir.resolve("hostile.safetensors");
    Files.write(file, buf.array());
    return file;
  }

  @Test
  void deeplyNestedHeadersGiveAnExceptionNotAStackOverflow() throws IOException {
    String deep = "{\"a\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}";
    byte[] header = deep.getBytes(StandardCharsets.US_ASCII);
    Path file = rawFile(header.length, header);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Safetensors.read(file));
    assertTrue(e.getMessage().contains(file.toString())
        && e.getMessage().contains("nested deeper than " + Json.MAX_DEPTH), e.getMessage());
    // the deepest nesting allowed still parses
    String limit = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
    Json.parse(limit);
    assertThrows(IllegalArgumentException.class, () -> Json.parse("[" + limit + "]"));
  }

  @Test
  void aHeaderLengthBeyondTheLimitIsRejectedBeforeAnythingIsDecoded() throws IOException {
    for (long length : new long[] {Safetensors.MAX_HEADER_BYTES + 1L, -1L, Long.MIN_VALUE}) {
      Path file = rawFile(length, new byte[16]);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Safetensors.read(file));
      assertTrue(e.getMessage().contains(file.toString())
          && e.getMessage().contains("more than the " + Safetensors.MAX_HEADER_BYTES), e.getMessage());
    }
  }

  @Test
  void anInterruptedSavesTemporaryFileIsDeletedByTheNextSave() throws IOException {
    Path file = dir.resolve("ckpt.safetensors");
    Path stale = Files.write(dir.resolve(".ckpt.safetensors.3f2a9c0b1d4e5f60.tmp"), new byte[100]);
    Path staleToo = Files.write(dir.resolve(".ckpt.safetensors.7.tmp"), new byte[10]);
    Path inFlight = Files.write(dir.resolve(".ckpt.safetensors.abcdef.tmp"), new byte[10]);
    Path otherTarget = Files.write(dir.resolve(".other.safetensors.1234.tmp"), new byte[10]);
    Path notOurs = Files.write(dir.resolve(".ckpt.safetensors.notes.tmp"), new byte[10]);
    FileTime old = FileTime.from(Instant.now().minus(AtomicFiles.STALE_AFTER).minusSeconds(60));
    for (Path p : new Path[] {stale, staleToo, otherTarget, notOurs}) {
      Files.setLastModifiedTime(p, old);
    }
    Checkpoint.save(trained(6), file);
    assertFalse(Files.exists(stale));
    assertFalse(Files.exists(staleToo));
    assertTrue(Files.exists(inFlight), "a save still being written by someone else is left alone");
    assertTrue(Files.exists(otherTarget), "another file's temporary files are not this save's business");
    assertTrue(Files.exists(notOurs), "a name not of our pattern is never deleted");
    Checkpoint.load(new FakeExecutable(3, 0, false), file);
  }

  @Test
  void aDirectoryGivenAsTheFileIsNamed() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("models"));
    IOException load = assertThrows(IOException.class,
        () -> Checkpoint.load(new FakeExecutable(3, 0, false), folder));
    assertTrue(load.getMessage().contains(folder.toString()) && load.getMessage().contains("directory"),
        load.getMessage());
    IOException save = assertThrows(IOException.class, () -> Checkpoint.save(trained(7), folder));
    assertTrue(save.getMessage().contains(folder.toString()) && save.getMessage().contains("directory"),
        save.getMessage());
    assertTrue(Files.isDirectory(folder));
  }

  @Test
  void nullArgumentsNameTheParameterAndTheCall() {
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> Checkpoint.save(trained(8), null));
    assertEquals("Checkpoint.save: path", e.getMessage());
    e = assertThrows(NullPointerException.class, () -> Checkpoint.load(null, dir.resolve("x")));
    assertEquals("Checkpoint.load: exe", e.getMessage());
  }
}
