package dev.cortado.ir;

/** A shape rule rejected its operands while the model was being defined. */
public final class ShapeException extends IllegalArgumentException {
  /**
   * An exception naming the op, the operands' shapes and the variables behind them.
   *
   * @param message the message
   * @param cause the rule's own exception
   */
  public ShapeException(String message, Throwable cause) {
    super(message, cause);
  }
}
