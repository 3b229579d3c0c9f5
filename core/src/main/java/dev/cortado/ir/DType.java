package dev.cortado.ir;

/** The element type of every tensor in a model: F32 ({@code float}) or F64 ({@code double}). */
public enum DType {
  /** 32-bit IEEE float; the interpreter rounds every op's result to float. */
  F32,
  /** 64-bit IEEE double. */
  F64;

  /**
   * Rounds {@code v} to this type's precision.
   *
   * @param v the value
   * @return {@code v} for F64, {@code (float) v} widened back for F32
   */
  public double round(double v) {
    return this == F32 ? (double) (float) v : v;
  }
}
