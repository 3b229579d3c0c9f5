package dev.cortado.codegen.compile;

/**
 * javac rejected generated code: always a code-generator bug. The message holds each diagnostic
 * with the offending source line.
 */
public final class GeneratedCodeException extends IllegalStateException {
  /**
   * An exception carrying javac's report.
   *
   * @param message each diagnostic with its source line
   */
  public GeneratedCodeException(String message) {
    super(message);
  }
}
