package dev.cortado.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format (https://github.com/huggingface/safetensors), so a
 * Python user opens Cortado's files with {@code safetensors.safe_open} or {@code load_file}.
 *
 * <p>Layout: an unsigned 64-bit little-endian length {@code N}; {@code N} bytes of UTF-8 JSON,
 * padded with spaces to a multiple of 8, mapping each tensor name to {@code {"dtype": "F32" |
 * "F64", "shape": [..], "data_offsets": [begin, end]}} plus an optional {@code "__metadata__"}
 * object of string values; then the data: each tensor's values row-major, little-endian, at
 * byte offsets relative to the end of the header. As the reference implementation requires,
 * the tensors' byte ranges tile the data with no gap and no overlap.
 */
public final class Safetensors {

  /** The element types Cortado writes and converts; other dtypes are read as names only. */
  public enum DType {
    /** IEEE 754 single precision, 4 bytes. */
    F32(4),
    /** IEEE 754 double precision, 8 bytes. */
    F64(8);

    private final int bytes;

    DType(int bytes) {
      this.bytes = bytes;
    }

    /**
     * Bytes per element.
     *
     * @return 4 or 8
     */
    public int bytes() {
      return bytes;
    }
  }

  /** A tensor to write: its element type, shape and row-major values. */
  public static final class Tensor {
    private final DType dtype;
    private final long[] shape;
    private final double[] values;

    /**
     * A tensor of the given values.
     *
     * @param dtype the element type in the file
     * @param shape the dimensions (copied)
     * @param values the values, row-major (copied)
     * @throws IllegalArgumentException if the shape has a negative dimension or its product is
     *     not the number of values
     */
    public Tensor(DType dtype, long[] shape, double[] values) {
      this.dtype = dtype;
      this.shape = shape.clone();
      this.values = values.clone();
      if (elementCount(this.shape) != values.length) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds "
            + elementCount(this.shape) + " values, got " + values.length);
      }
    }

    /**
     * The element type in the file.
     *
     * @return the dtype
     */
    public DType dtype() {
      return dtype;
    }

    /**
     * The dimensions.
     *
     * @return a copy
     */
    public long[] shape() {
      return shape.clone();
    }

    /**
     * The values, row-major.
     *
     * @return a copy
     */
    public double[] values() {
      return values.clone();
    }
  }

  private static final Map<String, Integer> DTYPE_BYTES = Map.ofEntries(
      Map.entry("BOOL", 1), Map.entry("U8", 1), Map.entry("I8", 1), Map.entry("F8_E5M2", 1),
      Map.entry("F8_E4M3", 1), Map.entry("I16", 2), Map.entry("U16", 2), Map.entry("F16", 2),
      Map.entry("BF16", 2), Map.entry("I32", 4), Map.entry("U32", 4), Map.entry("F32", 4),
      Map.entry("I64", 8), Map.entry("U64", 8), Map.entry("F64", 8));

  private static final String METADATA = "__metadata__";

  /**
   * The longest header read, as in the reference implementation (100 MB): a longer one is
   * rejected before it is decoded, so a hostile file cannot make the parser allocate without
   * bound. The JSON's nesting is bounded too (see {@link Json}).
   */
  public static final int MAX_HEADER_BYTES = 100_000_000;

  private Safetensors() {}

  /**
   * Writes the tensors (in the map's order) and the metadata to {@code path} atomically (see
   * {@link AtomicFiles}).
   *
   * @param path the file to write
   * @param tensors the tensors by name
   * @param metadata the {@code __metadata__} entries
   * @throws IOException if the file cannot be written; an existing file is then left as it was
   */
  public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    Map<String, Object> header = new LinkedHashMap<>();
    if (!metadata.isEmpty()) {
      header.put(METADATA, new LinkedHashMap<>(metadata));
    }
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      if (e.getKey().equals(METADATA)) {
        throw new IllegalArgumentException("a tensor cannot be named " + METADATA);
      }
      Tensor t = e.getValue();
      List<Object> shape = new ArrayList<>();
      for (long d : t.shape) {
        shape.add(d);
      }
      long end = offset + (long) t.values.length * t.dtype.bytes;
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("dtype", t.dtype.name());
      entry.put("shape", shape);
      entry.put("data_offsets", List.of(offset, end));
      header.put(e.getKey(), entry);
      offset = end;
    }
    byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();
    AtomicFiles.write(path, channel -> {
      AtomicFiles.writeFully(channel, head);
      for (Tensor t : tensors.values()) {
        AtomicFiles.writeFully(channel, encode(t));
      }
    });
  }

  private static ByteBuffer encode(Tensor t) {
    ByteBuffer buf = ByteBuffer.allocate(t.values.length * t.dtype.bytes)
        .order(ByteOrder.LITTLE_ENDIAN);
    if (t.dtype == DType.F64) {
      buf.asDoubleBuffer().put(t.values);
    } else {
      for (double v : t.values) {
        buf.putFloat((float) v);
      }
      buf.rewind();
    }
    return buf;
  }

  /**
   * Reads a whole file, checking its structure: header length, JSON, each entry's dtype, shape
   * and offsets, and that the byte ranges tile the data.
   *
   * @param path the file
   * @return the header and the data
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file and the entry if the file is malformed
   */
  public static Contents read(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      throw new IOException("safetensors file " + path + " is a directory, not a file");
    }
    long size = Files.size(path);
    if (size > Integer.MAX_VALUE - 8) {
      throw bad(path.toString(), "file of " + size + " bytes is larger than a Java array holds ("
          + (Integer.MAX_VALUE - 8) + " bytes)");
    }
    return parse(Files.readAllBytes(path), path.toString(), path);
  }

  /**
   * As {@link #read(Path)} from a stream, read to its end (not closed), such as a class path
   * resource inside a jar: {@code read(Foo.class.getResourceAsStream("Foo.safetensors"),
   * "Foo.safetensors")}. {@code source} names the stream in error messages; the result's {@link
   * Contents#path()} is null.
   *
   * @param in the stream
   * @param source the name used in messages
   * @return the header and the data
   * @throws IOException if the stream cannot be read
   * @throws IllegalArgumentException naming the source and the entry if the data is malformed
   */
  public static Contents read(InputStream in, String source) throws IOException {
    return parse(in.readAllBytes(), source, null);
  }

  private static Contents parse(byte[] bytes, String source, Path path) {
    if (bytes.length < 8) {
      throw bad(source, "file of " + bytes.length + " bytes is shorter than the 8-byte header length");
    }
    long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
      throw bad(source, "header length " + Long.toUnsignedString(headerLength)
          + " is more than the " + MAX_HEADER_BYTES + " bytes a header may have");
    }
    if (headerLength < 2 || headerLength > bytes.length - 8) {
      throw bad(source, "header length " + Long.toUnsignedString(headerLength)
          + " does not fit in a file of " + bytes.length + " bytes");
    }
    String json = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
    Object parsed;
    try {
      parsed = Json.parse(json);
    } catch (IllegalArgumentException e) {
      throw bad(source, "header is not valid " + e.getMessage());
    }
    if (!(parsed instanceof Map)) {
      throw bad(source, "header is not a JSON object");
    }
    int dataStart = 8 + (int) headerLength;
    ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, bytes.length - dataStart).slice()
        .order(ByteOrder.LITTLE_ENDIAN);
    Map<String, String> metadata = new LinkedHashMap<>();
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<?, ?> e : ((Map<?, ?>) parsed).entrySet()) {
      String name = (String) e.getKey();
      if (name.equals(METADATA)) {
        readMetadata(source, e.getValue(), metadata);
      } else {
        entries.add(readEntry(source, name, e.getValue(), data));
      }
    }
    entries.sort(Comparator.comparingLong(en -> en.begin));
    long expected = 0;
    for (Entry en : entries) {
      if (en.begin != expected) {
        throw bad(source, "tensor \"" + en.name + "\" starts at byte " + en.begin
            + ", expected " + expected + " (gap or overlap)");
      }
      expected = en.end;
    }
    if (expected != data.capacity()) {
      throw bad(source, "tensors cover " + expected + " bytes of data, the file holds "
          + data.capacity());
    }
    return new Contents(path, entries, metadata);
  }

  private static void readMetadata(String source, Object value, Map<String, String> out) {
    if (!(value instanceof Map)) {
      throw bad(source, METADATA + " is not an object");
    }
    for (Map.Entry<?, ?> m : ((Map<?, ?>) value).entrySet()) {
      if (!(m.getValue() instanceof String)) {
        throw bad(source, METADATA + " value of \"" + m.getKey() + "\" is not a string");
      }
      out.put((String) m.getKey(), (String) m.getValue());
    }
  }

  private static Entry readEntry(String source, String name, Object value, ByteBuffer data) {
    String where = "tensor \"" + name + "\": ";
    if (!(value instanceof Map)) {
      throw bad(source, where + "entry is not an object");
    }
    Map<?, ?> map = (Map<?, ?>) value;
    if (!(map.get("dtype") instanceof String)) {
      throw bad(source, where + "no string \"dtype\"");
    }
    String dtype = (String) map.get("dtype");
    Integer size = DTYPE_BYTES.get(dtype);
    if (size == null) {
      throw bad(source, where + "unknown dtype " + dtype);
    }
    long[] shape = longs(source, where + "\"shape\"", map.get("shape"), -1);
    long[] offsets = longs(source, where + "\"data_offsets\"", map.get("data_offsets"), 2);
    long bytes;
    try {
      bytes = Math.multiplyExact(elementCount(shape), (long) size);
    } catch (ArithmeticException e) {
      throw bad(source, where + "shape " + Arrays.toString(shape) + " of " + dtype
          + " needs more bytes than a long counts");
    }
    if (offsets[0] > offsets[1] || offsets[1] > data.capacity()) {
      throw bad(source, where + "data_offsets " + Arrays.toString(offsets)
          + " lie outside the " + data.capacity() + " bytes of data");
    }
    if (offsets[1] - offsets[0] != bytes) {
      throw bad(source, where + "shape " + Arrays.toString(shape) + " of " + dtype + " needs "
          + bytes + " bytes, data_offsets give " + (offsets[1] - offsets[0]));
    }
    return new Entry(name, dtype, shape, offsets[0], offsets[1], data);
  }

  private static long[] longs(String source, String what, Object value, int length) {
    if (!(value instanceof List)) {
      throw bad(source, what + " is not an array");
    }
    List<?> list = (List<?>) value;
    if (length >= 0 && list.size() != length) {
      throw bad(source, what + " has " + list.size() + " elements, expected " + length);
    }
    long[] out = new long[list.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(list.get(i) instanceof Long) || (Long) list.get(i) < 0) {
        throw bad(source, what + " holds " + list.get(i) + ", not a non-negative integer");
      }
      out[i] = (Long) list.get(i);
    }
    return out;
  }

  static long elementCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  private static IllegalArgumentException bad(String source, String what) {
    return new IllegalArgumentException("safetensors file " + source + ": " + what);
  }

  /** A read file: its tensors in data order and its metadata. */
  public static final class Contents {
    private final Path path;
    private final List<Entry> entries;
    private final Map<String, Entry> byName = new LinkedHashMap<>();
    private final Map<String, String> metadata;

    private Contents(Path path, List<Entry> entries, Map<String, String> metadata) {
      this.path = path;
      this.entries = Collections.unmodifiableList(entries);
      for (Entry e : entries) {
        byName.put(e.name, e);
      }
      this.metadata = Collections.unmodifiableMap(metadata);
    }

    /**
     * The file read, or null for a stream.
     *
     * @return the path, or null
     */
    public Path path() {
      return path;
    }

    /**
     * The tensors, in the order of their data.
     *
     * @return an unmodifiable list
     */
    public List<Entry> entries() {
      return entries;
    }

    /**
     * The named tensor, or null.
     *
     * @param name the tensor's name
     * @return the entry, or null if there is none
     */
    public Entry entry(String name) {
      return byName.get(name);
    }

    /**
     * The {@code __metadata__} entries, in file order.
     *
     * @return an unmodifiable map, empty if the file has none
     */
    public Map<String, String> metadata() {
      return metadata;
    }
  }

  /** One tensor of a read file. */
  public static final class Entry {
    private final String name;
    private final String dtype;
    private final long[] shape;
    private final long begin;
    private final long end;
    private final ByteBuffer data;

    private Entry(String name, String dtype, long[] shape, long begin, long end, ByteBuffer data) {
      this.name = name;
      this.dtype = dtype;
      this.shape = shape;
      this.begin = begin;
      this.end = end;
      this.data = data;
    }

    /**
     * The tensor's name.
     *
     * @return the name
     */
    public String name() {
      return name;
    }

    /**
     * The dtype as written in the file, such as {@code "F32"} or {@code "BF16"}.
     *
     * @return the dtype's name
     */
    public String dtype() {
      return dtype;
    }

    /**
     * The dimensions.
     *
     * @return a copy
     */
    public long[] shape() {
      return shape.clone();
    }

    /**
     * True if {@link #values()} can decode this tensor (F32 or F64).
     *
     * @return whether the values can be decoded
     */
    public boolean isFloating() {
      return dtype.equals("F32") || dtype.equals("F64");
    }

    /**
     * The values, row-major, widened to double.
     *
     * @return a new array
     * @throws IllegalArgumentException if the dtype is neither F32 nor F64
     */
    public double[] values() {
      if (!isFloating()) {
        throw new IllegalArgumentException("tensor \"" + name + "\" has dtype " + dtype
            + "; only F32 and F64 can be read as values");
      }
      int count = (int) elementCount(shape);
      double[] out = new double[count];
      ByteBuffer slice = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      slice.position((int) begin);
      if (dtype.equals("F64")) {
        slice.slice().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
      } else {
        for (int i = 0; i < count; i++) {
          out[i] = slice.getFloat();
        }
      }
      return out;
    }
  }
}
