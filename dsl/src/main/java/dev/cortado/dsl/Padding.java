package dev.cortado.dsl;

/**
 * How a convolution's window treats the image border, as TensorFlow and Keras. {@link #VALID}: no
 * padding, {@code out = floor((n - k) / s) + 1} positions (a remainder is dropped). {@link #SAME}:
 * {@code out = ceil(n / s)} positions over the image padded with zeros by
 * {@code total = max((out - 1)·s + k - n, 0)} pixels, {@code floor(total / 2)} before and the rest
 * (the odd pixel) after: at the bottom and right.
 */
public enum Padding {
  /** No padding: {@code out = ⌊(n - k)/s⌋ + 1} (PyTorch's {@code padding=0}). */
  VALID,
  /** Zero padding to {@code out = ⌈n/s⌉}, the odd pixel after (TensorFlow's {@code "same"}). */
  SAME
}
