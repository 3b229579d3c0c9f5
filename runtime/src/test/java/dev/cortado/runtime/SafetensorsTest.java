package dev.cortado.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

  @TempDir Path dir;

  /** Writes a file by hand: header text (unpadded) then data bytes. */
  private Path raw(String header, byte[] data) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(8 + json.length + data.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(json.length).put(json).put(data);
    Path file = dir.resolve("raw.safetensors");
    Files.write(file, buf.array());
    return file;
  }

  private void assertRejected(Path file, String expected) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Safetensors.read(file));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void readsAFileWrittenLikeTheReferenceImplementation() throws IOException {
    // Spaces in the JSON, F32 data, a scalar, and an unpadded header are all legal.
    ByteBuffer data = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    data.putFloat(1.5f).putFloat(-2f).putDouble(0.25);
    Path file = raw("{ \"a\": {\"dtype\": \"F32\", \"shape\": [1, 2], \"data_offsets\": [0, 8]},"
        + " \"s\": {\"dtype\": \"F64\", \"shape\": [], \"data_offsets\": [8, 16]},"
        + " \"__metadata__\": {\"k\": \"v\\u00e9\"} }", data.array());
    Safetensors.Contents c = Safetensors.read(file);
    assertArrayEquals(new double[] {1.5, -2}, c.entry("a").values(), 0.0);
    assertArrayEquals(new long[] {1, 2}, c.entry("a").shape());
    assertArrayEquals(new double[] {0.25}, c.entry("s").values(), 0.0);
    assertEquals(Map.of("k", "v\u00e9"), c.metadata());
  }

  @Test
  void namesAndMetadataSurviveEscaping() throws IOException {
    Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
    String name = "odd \"name\"\\ with\ttab/\u00fc";
    tensors.put(name, new Safetensors.Tensor(Safetensors.DType.F64, new long[] {0},
        new double[0]));
    tensors.put("z", new Safetensors.Tensor(Safetensors.DType.F32, new long[] {2, 2},
        new double[] {1, 2, 3, Float.MIN_VALUE}));
    Path file = dir.resolve("escaped.safetensors");
    Safetensors.write(file, tensors, Map.of("note", "line\nbreak"));
    Safetensors.Contents c = Safetensors.read(file);
    assertEquals(List.of(name, "z"), c.entries().stream().map(Safetensors.Entry::name).toList());
    assertEquals("line\nbreak", c.metadata().get("note"));
    assertArrayEquals(new double[] {1, 2, 3, Float.MIN_VALUE}, c.entry("z").values(), 0.0);
  }

  @Test
  void malformedFilesAreRejectedWithTheReason() throws IOException {
    Path file = dir.resolve("short.safetensors");
    Files.write(file, new byte[] {1, 2, 3});
    assertRejected(file, "shorter than the 8-byte header length");
    Path big = dir.resolve("big.safetensors");
    Files.write(big, ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(1000)
        .array());
    assertRejected(big, "header length 1000 does not fit");
    assertRejected(raw("{\"a\":", new byte[0]), "header is not valid JSON");
    assertRejected(raw("[1]", new byte[0]), "header is not a JSON object");
    assertRejected(raw("{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}",
        new byte[8]), "tensor \"a\": shape [2] of F64 needs 16 bytes, data_offsets give 8");
    assertRejected(raw("{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}",
        new byte[16]), "tensor \"a\" starts at byte 8, expected 0");
    assertRejected(raw("{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}",
        new byte[16]), "tensors cover 8 bytes of data, the file holds 16");
    assertRejected(raw("{\"a\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,8]}}",
        new byte[8]), "tensor \"a\": unknown dtype Q4");
    assertRejected(raw("{\"a\":{\"dtype\":\"F64\",\"shape\":[-1],\"data_offsets\":[0,8]}}",
        new byte[8]), "\"shape\" holds -1, not a non-negative integer");
    assertRejected(raw("{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},"
        + "\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}", new byte[16]),
        "duplicate key \"a\"");
  }

  @Test
  void aShapeTooLargeToCountIsRejectedNamingTheFileAndTensor() throws IOException {
    // 2^62 F32 values need 2^64 bytes, which wraps to 0 in a long: this must not pass as an
    // empty tensor, nor escape as a bare ArithmeticException
    assertRejected(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904],"
        + "\"data_offsets\":[0,0]}}", new byte[0]), "tensor \"a\": shape [4611686018427387904] of F32");
    assertRejected(raw("{\"a\":{\"dtype\":\"F64\",\"shape\":[4611686018427387904,4],"
        + "\"data_offsets\":[0,0]}}", new byte[0]), "needs more bytes than a long counts");
  }

  @Test
  void jsonParsesNumbersAndRejectsJunk() {
    assertEquals(List.of(0L, -12L, 1.5, 2e3, true, false), Json.parse("[0,-12,1.5,2E3,true,false]"));
    assertEquals(null, Json.parse(" null "));
    for (String junk : new String[] {"", "{", "[1,]", "{\"a\" 1}", "01x", "\"\\q\"", "[1] 2",
        "-", "1.", "tru", "99999999999999999999"}) {
      assertThrows(IllegalArgumentException.class, () -> Json.parse(junk), junk);
    }
  }
}
