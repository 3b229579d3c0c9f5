package dev.cortado.maven;

/**
 * A problem with the plugin's configuration or with a model definition; the message names the
 * definition class (or the configuration entry) and what is wrong with it. The goal reports it
 * as a build failure with its message.
 */
final class GenerationException extends Exception {
  private static final long serialVersionUID = 1L;

  GenerationException(String message) {
    super(message);
  }

  GenerationException(String message, Throwable cause) {
    super(message, cause);
  }
}
