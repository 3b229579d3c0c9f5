package dev.cortado.data;

/**
 * Bad data in a file: a non-numeric cell, a ragged row, a label outside the classes, a header
 * that does not match the rows. The message names the source, the line and the column (both
 * 1-based; column 0 when the problem is the whole line).
 */
public final class DataFormatException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final long line;
  private final int column;

  public DataFormatException(String source, long line, int column, String problem) {
    super(source + ", line " + line + (column > 0 ? ", column " + column : "") + ": " + problem);
    this.source = source;
    this.line = line;
    this.column = column;
  }

  /** The file or resource the data came from. */
  public String source() {
    return source;
  }

  /** The 1-based line of the culprit. */
  public long line() {
    return line;
  }

  /** The 1-based column of the culprit, or 0 for the whole line. */
  public int column() {
    return column;
  }
}
