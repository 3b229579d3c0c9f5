package dev.cortado.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Loads a CSV file (plain or gzip-compressed, detected by its magic bytes) into a {@link
 * Dataset}, with Apache Commons CSV. The target is in the last column(s).
 *
 * <pre>{@code
 * Dataset iris = CsvLoader.sklearn().loadResource("data/iris.csv");
 * Dataset digits = CsvLoader.classification().classCount(10).loadResource("data/digits.csv.gz");
 * Dataset houses = CsvLoader.regression(1).header(CsvLoader.Header.NAMES).load(path);
 * }</pre>
 *
 * <p>Cells are trimmed and must be decimal numbers ({@code -1.5e3}; no {@code NaN}, hex or
 * suffixes). A label is a class index, or a class name when the names are known; without
 * {@link #classNames} or {@link #classCount}, labels above {@value #MAX_INFERRED_CLASSES} - 1 are
 * refused rather than inferred into a giant one-hot encoding. Empty lines are skipped, and so is
 * a UTF-8 byte-order mark at the start of the text. Every problem is a {@link
 * DataFormatException} naming the source, line and column; an unreadable file (a directory, a
 * corrupt gzip stream) is an {@link IOException} naming it. A loader is immutable; each setter
 * returns a new one.
 */
public final class CsvLoader {

  /** What the first line holds. */
  public enum Header {
    /** No header: every line is data. */
    NONE,
    /** Column names, skipped. */
    NAMES,
    /**
     * scikit-learn's: row count, feature count, then the class names ({@code
     * 150,4,setosa,versicolor,virginica}); the rows and columns are checked against it.
     */
    SKLEARN
  }

  /** The most classes a loader infers from the labels when no class names or count are given. */
  public static final int MAX_INFERRED_CLASSES = 10_000;

  private static final char BYTE_ORDER_MARK = '\uFEFF';

  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
  private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
      .setIgnoreEmptyLines(true).setTrim(true).get();

  private final Header header;
  private final int targetColumns;
  private final boolean classification;
  private final List<String> classNames;

  private CsvLoader(Header header, int targetColumns, boolean classification,
      List<String> classNames) {
    this.header = header;
    this.targetColumns = targetColumns;
    this.classification = classification;
    this.classNames = classNames;
  }

  /**
   * Classification, label in the last column, no header. Without {@link #classNames} or {@link
   * #classCount} the classes are {@code 0..max label}.
   *
   * @return a new loader
   */
  public static CsvLoader classification() {
    return new CsvLoader(Header.NONE, 1, true, List.of());
  }

  /**
   * Classification in scikit-learn's format (header: rows, features, class names).
   *
   * @return a new loader
   */
  public static CsvLoader sklearn() {
    return new CsvLoader(Header.SKLEARN, 1, true, List.of());
  }

  /**
   * Regression: the last {@code targetColumns} columns are the targets; no header.
   *
   * @param targetColumns the number of target columns, at least 1
   * @return a new loader
   */
  public static CsvLoader regression(int targetColumns) {
    if (targetColumns < 1) {
      throw new IllegalArgumentException("targetColumns must be at least 1, got "
          + targetColumns);
    }
    return new CsvLoader(Header.NONE, targetColumns, false, List.of());
  }

  /**
   * What the first line holds.
   *
   * @param newHeader {@code NONE}, {@code NAMES} or, for classification, {@code SKLEARN}
   * @return a new loader
   * @throws IllegalArgumentException for {@code SKLEARN} on a regression loader
   */
  public CsvLoader header(Header newHeader) {
    if (newHeader == Header.SKLEARN && !classification) {
      throw new IllegalArgumentException("the scikit-learn header describes classes; "
          + "a regression file takes NONE or NAMES");
    }
    return new CsvLoader(newHeader, targetColumns, classification, classNames);
  }

  /**
   * The classes, in label order; a label cell may then also be a name.
   *
   * @param names the class names, at least one
   * @return a new loader
   * @throws IllegalStateException on a regression loader
   */
  public CsvLoader classNames(String... names) {
    if (!classification) {
      throw new IllegalStateException("a regression loader has no classes");
    }
    if (names.length == 0) {
      throw new IllegalArgumentException("at least one class name is needed");
    }
    return new CsvLoader(header, targetColumns, true, List.of(names));
  }

  /**
   * Classes named {@code "0"} to {@code count - 1}.
   *
   * @param count the number of classes, at least 1
   * @return a new loader
   */
  public CsvLoader classCount(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("classCount must be at least 1, got " + count);
    }
    String[] names = new String[count];
    Arrays.setAll(names, Integer::toString);
    return classNames(names);
  }

  /**
   * Loads a file.
   *
   * @param path the CSV file
   * @return the dataset
   * @throws IOException if the file cannot be read
   * @throws DataFormatException naming the line and column of a malformed cell
   */
  public Dataset load(Path path) throws IOException {
    java.util.Objects.requireNonNull(path, "CsvLoader.load: path");
    if (Files.isDirectory(path)) {
      throw new IOException(path + " is a directory, not a CSV file");
    }
    try (InputStream in = Files.newInputStream(path)) {
      return load(in, path.toString());
    }
  }

  /**
   * Loads a resource from the class path ({@code "data/iris.csv"}), through the context class
   * loader, or this library's if there is none.
   *
   * @param name the resource's path
   * @return the dataset
   * @throws IOException if the resource is missing or cannot be read
   * @throws DataFormatException naming the line and column of a malformed cell
   */
  public Dataset loadResource(String name) throws IOException {
    java.util.Objects.requireNonNull(name, "CsvLoader.loadResource: name");
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = CsvLoader.class.getClassLoader();
    }
    InputStream in = loader.getResourceAsStream(name);
    if (in == null) {
      throw new IOException("no resource " + name + " on the class path");
    }
    try (in) {
      return load(in, "classpath:" + name);
    }
  }

  /**
   * Loads from a stream; {@code source} names it in error messages.
   *
   * @param in the stream, read to its end and not closed
   * @param source the name used in messages
   * @return the dataset
   * @throws IOException if the stream cannot be read
   * @throws DataFormatException naming the line and column of a malformed cell
   */
  public Dataset load(InputStream in, String source) throws IOException {
    java.util.Objects.requireNonNull(in, "CsvLoader.load: in");
    java.util.Objects.requireNonNull(source, "CsvLoader.load: source");
    BufferedInputStream buffered = new BufferedInputStream(in);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    byte[] bytes;
    if (b0 == 0x1f && b1 == 0x8b) {
      try {
        bytes = new GZIPInputStream(buffered).readAllBytes();
      } catch (java.util.zip.ZipException | java.io.EOFException e) {
        throw new IOException(source + " is not a valid gzip file (corrupt or truncated: "
            + e.getMessage() + ")", e);
      }
    } else {
      bytes = buffered.readAllBytes();
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (!text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK) {
      text = text.substring(1);
    }
    return parse(text, source);
  }

  private Dataset parse(String text, String source) throws IOException {
    CsvLines lines = new CsvLines(text);
    List<String> names = classNames;
    long declaredRows = -1;
    int width = -1;
    long headerLine = 0;
    List<double[]> rows = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    try (CSVParser parser = FORMAT.parse(new StringReader(text))) {
      boolean first = true;
      for (CSVRecord record : iterable(parser, lines, source)) {
        long line = lines.lineOf(record.getCharacterPosition());
        if (first && header != Header.NONE) {
          first = false;
          headerLine = line;
          if (header == Header.SKLEARN) {
            declaredRows = headerInt(record, 0, source, line, "row count");
            width = (int) headerInt(record, 1, source, line, "feature count") + targetColumns;
            if (record.size() < 3) {
              throw new DataFormatException(source, line, 3, "the scikit-learn header names "
                  + "no classes");
            }
            if (names.isEmpty()) {
              names = record.toList().subList(2, record.size());
            }
          }
          continue;
        }
        first = false;
        if (width < 0) {
          width = record.size();
          if (width <= targetColumns) {
            throw new DataFormatException(source, line, 0, "a row needs at least "
                + (targetColumns + 1) + " cells (features, then " + targetColumns
                + " target" + (targetColumns > 1 ? "s" : "") + "), got " + width);
          }
        }
        if (record.size() != width) {
          int column = Math.min(record.size(), width) + 1;
          throw new DataFormatException(source, line, column, "ragged row: " + record.size()
              + " cells, expected " + width);
        }
        int numeric = classification ? width - 1 : width;
        double[] row = new double[numeric];
        for (int c = 0; c < numeric; c++) {
          row[c] = number(record.get(c), source, line, c + 1);
        }
        rows.add(row);
        if (classification) {
          labels.add(label(record.get(width - 1), names, source, line, width));
        }
      }
    }
    if (rows.isEmpty()) {
      throw new DataFormatException(source, Math.max(1, headerLine), 0, "no data rows");
    }
    if (declaredRows >= 0 && declaredRows != rows.size()) {
      throw new DataFormatException(source, headerLine, 1, "the header declares "
          + declaredRows + " rows, the file holds " + rows.size());
    }
    return build(rows, labels, names, width);
  }

  private Dataset build(List<double[]> rows, List<Integer> labels, List<String> names,
      int width) {
    int featureCount = width - targetColumns;
    double[] features = new double[rows.size() * featureCount];
    for (int r = 0; r < rows.size(); r++) {
      System.arraycopy(rows.get(r), 0, features, r * featureCount, featureCount);
    }
    if (!classification) {
      double[] targets = new double[rows.size() * targetColumns];
      for (int r = 0; r < rows.size(); r++) {
        System.arraycopy(rows.get(r), featureCount, targets, r * targetColumns, targetColumns);
      }
      return Dataset.regression(features, featureCount, targets, targetColumns);
    }
    int[] l = labels.stream().mapToInt(Integer::intValue).toArray();
    if (names.isEmpty()) {
      String[] inferred = new String[Arrays.stream(l).max().orElse(0) + 1];
      Arrays.setAll(inferred, Integer::toString);
      names = List.of(inferred);
    }
    return Dataset.classification(features, featureCount, l, names);
  }

  private static Iterable<CSVRecord> iterable(CSVParser parser, CsvLines lines, String source) {
    // Commons CSV reports malformed quoting as an UncheckedIOException from the iterator.
    return () -> new java.util.Iterator<>() {
      private final java.util.Iterator<CSVRecord> it = parser.iterator();

      @Override
      public boolean hasNext() {
        long linesRead = parser.getCurrentLineNumber();
        try {
          return it.hasNext();
        } catch (UncheckedIOException e) {
          throw new DataFormatException(source, linesRead + 1, 0,
              "malformed CSV: " + e.getCause().getMessage());
        }
      }

      @Override
      public CSVRecord next() {
        return it.next();
      }
    };
  }

  private static double number(String cell, String source, long line, int column) {
    if (cell.indexOf(BYTE_ORDER_MARK) >= 0) {
      throw new DataFormatException(source, line, column, "the cell holds a byte-order mark"
          + " (U+FEFF), as where two files with one were joined");
    }
    if (!NUMBER.matcher(cell).matches()) {
      throw new DataFormatException(source, line, column,
          "\"" + cell + "\" is not a number");
    }
    double v = Double.parseDouble(cell);
    if (!Double.isFinite(v)) {
      throw new DataFormatException(source, line, column, "\"" + cell + "\" overflows a double");
    }
    return v;
  }

  private static long headerInt(CSVRecord record, int index, String source, long line,
      String what) {
    String cell = index < record.size() ? record.get(index) : "";
    if (!INTEGER.matcher(cell).matches() || cell.startsWith("-")) {
      throw new DataFormatException(source, line, index + 1, "the scikit-learn header's "
          + what + " \"" + cell + "\" is not a non-negative integer");
    }
    return Long.parseLong(cell);
  }

  private static int label(String cell, List<String> names, String source, long line,
      int column) {
    int byName = names.indexOf(cell);
    if (byName >= 0) {
      return byName;
    }
    long value;
    if (INTEGER.matcher(cell).matches() && cell.length() < 10) {
      value = Long.parseLong(cell);
    } else if (NUMBER.matcher(cell).matches() && Double.parseDouble(cell) % 1 == 0
        && Math.abs(Double.parseDouble(cell)) < 1e9) {
      value = (long) Double.parseDouble(cell);
    } else {
      throw new DataFormatException(source, line, column, "label \"" + cell
          + "\" is not a class index" + (names.isEmpty() ? "" : " or one of " + names));
    }
    if (names.isEmpty() && value >= MAX_INFERRED_CLASSES) {
      throw new DataFormatException(source, line, column, "label " + cell + " would make "
          + (value + 1) + " classes; without classCount(...) or classNames(...) at most "
          + MAX_INFERRED_CLASSES + " are inferred: declare the classes");
    }
    if (value < 0 || (!names.isEmpty() && value >= names.size())) {
      throw new DataFormatException(source, line, column, "label " + cell
          + " lies outside the classes " + (names.isEmpty() ? "(labels start at 0)"
              : "0.." + (names.size() - 1) + " " + names));
    }
    return (int) value;
  }

  /** Maps a character position in the text to its 1-based line. */
  private static final class CsvLines {
    private final String text;
    private final int[] starts;

    CsvLines(String text) {
      this.text = text;
      List<Integer> s = new ArrayList<>();
      s.add(0);
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\n' || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'))) {
          s.add(i + 1);
        }
      }
      starts = s.stream().mapToInt(Integer::intValue).toArray();
    }

    long lineOf(long position) {
      int p = (int) position;
      // A record's position may be at the blank lines skipped before it.
      while (p < text.length() && (text.charAt(p) == '\n' || text.charAt(p) == '\r')) {
        p++;
      }
      int i = Arrays.binarySearch(starts, p);
      return (i >= 0 ? i : -i - 2) + 1;
    }
  }
}
