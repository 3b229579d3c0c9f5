package dev.cortado.data;

/**
 * Bad data in a file: a non-numeric cell, a ragged row, a label outside the classes, a header
 * that does not match the rows. The message names the source, the line and the column (both
 * 1-based; column 0 when the problem is the whole line).
 */
public final class DataFormatException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** The file or resource the data came from. */
  private final String source;
  /** The 1-based line of the culprit. */
  private final long line;
  /** The 1-based column of the culprit, or 0 for the whole line. */
  private final int column;

  /**
   * A malformed cell or line.
   *
   * @param source the file or resource
   * @param line the 1-based line
   * @param column the 1-based column, or 0 for the whole line
   * @param problem what is wrong, with the culprit
   */
  public DataFormatException(String source, long line, int column, String problem) {
    super(source + ", line " + line + (column > 0 ? ", column " + column : "") + ": " + problem);
    this.source = source;
    this.line = line;
    this.column = column;
  }

  /**
   * The file or resource the data came from.
   *
   * @return the source's name
   */
  public String source() {
    return source;
  }

  /**
   * The 1-based line of the culprit.
   *
   * @return the line
   */
  public long line() {
    return line;
  }

  /**
   * The 1-based column of the culprit, or 0 for the whole line.
   *
   * @return the column, or 0
   */
  public int column() {
    return column;
  }
}
