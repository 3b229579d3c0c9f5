package dev.cortado.maven;

/**
 * A problem with the plugin's configuration or with a model definition; the message names the
 * definition class (or the configuration entry) and what is wrong with it.
 */
public final class GenerationException extends Exception {
  private static final long serialVersionUID = 1L;

  public GenerationException(String message) {
    super(message);
  }

  public GenerationException(String message, Throwable cause) {
    super(message, cause);
  }
}
