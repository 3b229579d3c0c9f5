package dev.cortado.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

  @TempDir Path dir;

  private static Map<String, double[]> batch(long seed, int rows, int features) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] x = new double[rows * features];
    double[] y = new double[rows];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextDouble(-2, 2);
    }
    for (int r = 0; r < rows; r++) {
      y[r] = 3 * x[r * features] - x[r * features + 1] + 0.5;
    }
    return Map.of("x", x, "y", y);
  }

  private static FakeExecutable trained(long seed, boolean f32) {
    FakeExecutable exe = new FakeExecutable(3, seed, f32);
    for (int i = 0; i < 7; i++) {
      exe.trainStep(batch(i, 5, 3));
    }
    exe.setHyperparameter("lr_multiplier", 0.37);
    return exe;
  }

  private static void assertSameState(Executable a, Executable b) {
    for (String p : a.parameterNames()) {
      assertArrayEquals(a.parameter(p), b.parameter(p), 0.0, p);
    }
    for (String s : a.stateNames()) {
      assertArrayEquals(a.state(s), b.state(s), 0.0, s);
    }
    for (String h : a.hyperparameterNames()) {
      assertEquals(a.hyperparameter(h), b.hyperparameter(h), 0.0, h);
    }
  }

  @Test
  void roundTripRestoresBitIdenticalStateAndTheNextStepsLoss() throws IOException {
    for (boolean f32 : new boolean[] {false, true}) {
      FakeExecutable original = trained(1, f32);
      Path file = dir.resolve("model-" + f32 + ".safetensors");
      Checkpoint.save(original, file);

      FakeExecutable restored = new FakeExecutable(3, 99, f32);
      assertNotEquals(original.parameter("dense/b")[0], restored.parameter("dense/b")[0]);
      Checkpoint.load(restored, file);
      assertSameState(original, restored);

      Map<String, double[]> next = batch(100, 5, 3);
      double expected = original.trainStep(next);
      assertEquals(expected, restored.trainStep(next), 0.0);
      assertSameState(original, restored);
    }
  }

  @Test
  void losslessDTypeIsF32ForAFloatModelAndF64Otherwise() throws IOException {
    Path f32 = dir.resolve("f32.safetensors");
    Path f64 = dir.resolve("f64.safetensors");
    Checkpoint.save(trained(2, true), f32);
    Checkpoint.save(trained(2, false), f64);
    assertTrue(HandReader.read(f32).values().stream().allMatch(t -> t.dtype.equals("F32")));
    assertTrue(HandReader.read(f64).values().stream().allMatch(t -> t.dtype.equals("F64")));

    Path forced = dir.resolve("forced.safetensors");
    FakeExecutable exe = trained(2, false);
    Checkpoint.save(exe, forced, Safetensors.DType.F32);
    double[] w = HandReader.read(forced).get("dense/w").values;
    for (int i = 0; i < w.length; i++) {
      assertEquals((float) exe.parameter("dense/w")[i], w[i], 0.0);
    }
  }

  @Test
  void anIndependentReaderFindsEveryTensorAndTheMetadata() throws IOException {
    FakeExecutable exe = trained(3, false);
    Path file = dir.resolve("hand.safetensors");
    Checkpoint.save(exe, file);

    byte[] bytes = Files.readAllBytes(file);
    long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, (8 + n) % 8, "data starts 8-byte aligned");
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    assertTrue(header.startsWith("{"), header);
    assertTrue(header.contains("\"__metadata__\":{\"format\":\"cortado-checkpoint/1\","
        + "\"hyperparameter/lr_multiplier\":\"0.37\"}"), header);

    Map<String, HandReader.Tensor> tensors = HandReader.read(file);
    assertEquals(exe.parameterNames().size() + exe.stateNames().size(), tensors.size());
    assertEquals("[3, 1]", tensors.get("dense/w").shape);
    assertEquals("[1]", tensors.get("state/step").shape);
    for (String p : exe.parameterNames()) {
      assertArrayEquals(exe.parameter(p), tensors.get(p).values, 0.0, p);
    }
    for (String s : exe.stateNames()) {
      assertArrayEquals(exe.state(s), tensors.get("state/" + s).values, 0.0, s);
    }
    assertEquals(7.0, tensors.get("state/step").values[0]);
  }

  @Test
  void aMismatchNamesEveryCulpritAndLeavesTheExecutableUntouched() throws IOException {
    Path file = dir.resolve("other.safetensors");
    Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
    tensors.put("dense/w", new Safetensors.Tensor(Safetensors.DType.F64, new long[] {1, 3},
        new double[3]));
    tensors.put("dense/extra", new Safetensors.Tensor(Safetensors.DType.F32, new long[] {2},
        new double[2]));
    tensors.put("state/step", new Safetensors.Tensor(Safetensors.DType.F64, new long[] {1},
        new double[] {4}));
    Safetensors.write(file, tensors, Map.of("hyperparameter/momentum", "0.9"));

    FakeExecutable exe = trained(4, false);
    FakeExecutable before = trained(4, false);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(exe, file));
    String m = e.getMessage();
    for (String culprit : new String[] {file.toString(),
        "\"dense/w\" has shape [1, 3] in the file, [3, 1] in the model",
        "missing tensor \"dense/b\"", "missing tensor \"state/dense/w/m\"",
        "unexpected tensor \"dense/extra\"", "unexpected hyperparameter \"momentum\"",
        "missing hyperparameter \"lr_multiplier\""}) {
      assertTrue(m.contains(culprit), culprit + " in: " + m);
    }
    assertSameState(before, exe);
  }

  @Test
  void aNonFloatingDTypeIsNamed() throws IOException {
    FakeExecutable exe = trained(5, false);
    Path file = dir.resolve("int.safetensors");
    Checkpoint.save(exe, file);
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    // Same byte count per element, so the file stays well-formed: only the dtype differs.
    text = text.replaceFirst("\"dense/b\":\\{\"dtype\":\"F64\"", "\"dense/b\":{\"dtype\":\"I64\"");
    Files.write(file, text.getBytes(StandardCharsets.ISO_8859_1));
    FakeExecutable fresh = new FakeExecutable(3, 6, false);
    double[] b = fresh.parameter("dense/b");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(fresh, file));
    assertTrue(e.getMessage().contains("\"dense/b\" has dtype I64, expected F32 or F64"),
        e.getMessage());
    assertArrayEquals(b, fresh.parameter("dense/b"), 0.0);
    assertArrayEquals(new double[3], fresh.state("dense/w/m"), 0.0);
  }

  @Test
  void aStreamLoadsLikeAFileAndItsErrorsNameTheSource() throws IOException {
    FakeExecutable original = trained(9, false);
    Path file = dir.resolve("resource.safetensors");
    Checkpoint.save(original, file);
    FakeExecutable restored = new FakeExecutable(3, 10, false);
    try (java.io.InputStream in = Files.newInputStream(file)) {
      Checkpoint.load(restored, in, "com/example/Model.safetensors");
    }
    assertSameState(original, restored);

    FakeExecutable weightsOnly = new FakeExecutable(3, 11, false);
    try (java.io.InputStream in = Files.newInputStream(file)) {
      Checkpoint.loadParameters(weightsOnly, in, "weights");
    }
    assertArrayEquals(original.parameter("dense/w"), weightsOnly.parameter("dense/w"), 0.0);
    assertEquals(0.0, weightsOnly.state("step")[0]);

    FakeExecutable other = new FakeExecutable(4, 12, false);
    double[] before = other.parameter("dense/w");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.load(other, Files.newInputStream(file), "jar:models.jar!/M.safetensors"));
    assertTrue(e.getMessage().startsWith("checkpoint jar:models.jar!/M.safetensors does not match"),
        e.getMessage());
    assertArrayEquals(before, other.parameter("dense/w"), 0.0);
    IOException missing = assertThrows(IOException.class,
        () -> Checkpoint.load(other, null, "Missing.safetensors"));
    assertTrue(missing.getMessage().contains("Missing.safetensors not found"), missing.getMessage());
    IllegalArgumentException truncated = assertThrows(IllegalArgumentException.class,
        () -> Safetensors.read(new java.io.ByteArrayInputStream(new byte[3]), "short.bin"));
    assertTrue(truncated.getMessage().startsWith("safetensors file short.bin: "),
        truncated.getMessage());
  }

  @Test
  void loadParametersIgnoresStateAndHyperparameters() throws IOException {
    FakeExecutable exe = trained(7, false);
    Path file = dir.resolve("weights.safetensors");
    Checkpoint.save(exe, file);
    FakeExecutable inference = new FakeExecutable(3, 8, false);
    Checkpoint.loadParameters(inference, file);
    assertArrayEquals(exe.parameter("dense/w"), inference.parameter("dense/w"), 0.0);
    assertEquals(0.0, inference.state("step")[0]);
    assertEquals(1.0, inference.hyperparameter("lr_multiplier"));
  }

  @Test
  void saveReplacesAtomicallyAndLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve("ckpt.safetensors");
    Files.writeString(file, "old");
    Checkpoint.save(trained(9, false), file);
    HandReader.read(file);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
    IOException failure = assertThrows(IOException.class, () -> AtomicFiles.write(file, ch -> {
      ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      throw new IOException("disk full");
    }));
    assertEquals("disk full", failure.getMessage());
    HandReader.read(file);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void theFileGetsTheUsualPermissionsNotATempFilesOwnerOnlyOnes() throws IOException {
    Path file = dir.resolve("perm.safetensors");
    Checkpoint.save(trained(10, false), file);
    Path plain = Files.createFile(dir.resolve("plain"));
    if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file));
    }
  }

  /** A reader that shares no code with the project: regular expressions over the header. */
  static final class HandReader {
    static final class Tensor {
      String dtype;
      String shape;
      double[] values;
    }

    private static final Pattern ENTRY = Pattern.compile(
        "\"([^\"]+)\":\\{\"dtype\":\"(F32|F64)\",\"shape\":\\[([0-9,]*)\\],"
            + "\"data_offsets\":\\[([0-9]+),([0-9]+)\\]\\}");

    static Map<String, Tensor> read(Path file) throws IOException {
      byte[] bytes = Files.readAllBytes(file);
      long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
      int dataStart = 8 + (int) n;
      Map<String, Tensor> out = new LinkedHashMap<>();
      Matcher m = ENTRY.matcher(header);
      long covered = 0;
      while (m.find()) {
        Tensor t = new Tensor();
        t.dtype = m.group(2);
        t.shape = "[" + m.group(3).replace(",", ", ") + "]";
        int begin = Integer.parseInt(m.group(4));
        int end = Integer.parseInt(m.group(5));
        int size = t.dtype.equals("F32") ? 4 : 8;
        t.values = new double[(end - begin) / size];
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart + begin, end - begin)
            .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < t.values.length; i++) {
          t.values[i] = size == 4 ? data.getFloat() : data.getDouble();
        }
        covered += end - begin;
        out.put(m.group(1), t);
      }
      assertEquals(bytes.length - dataStart, covered, "tensors cover the data");
      return out;
    }
  }
}
