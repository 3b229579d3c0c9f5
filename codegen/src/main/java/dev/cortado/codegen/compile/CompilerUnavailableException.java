package dev.cortado.codegen.compile;

/**
 * Thrown when the running JVM has no system Java compiler (a JRE or a jlink image without
 * {@code jdk.compiler}), so generated code cannot be compiled at run time.
 */
public final class CompilerUnavailableException extends IllegalStateException {
  /**
   * An exception whose message says what to do instead.
   *
   * @param detail why no compiler was found
   * @param cause the failure behind it, or null
   */
  public CompilerUnavailableException(String detail, Throwable cause) {
    super("no Java compiler in this runtime (" + detail + "): run a full JDK, use model.interpret(...) "
        + "(the reference interpreter, same Executable interface), or generate the class at build time "
        + "with cortado-maven-plugin (generated-source mode needs no compiler at run time)", cause);
  }
}
