package dev.cortado.ir;

/** A shape rule rejected its operands while the model was being defined. */
public final class ShapeException extends IllegalArgumentException {
  public ShapeException(String message, Throwable cause) {
    super(message, cause);
  }
}
