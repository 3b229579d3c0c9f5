package dev.cortado.samples;

import static dev.cortado.dsl.Cortado.adamW;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The Java generated for the main sample's training step (what {@code DigitsClassifier --source}
 * prints: AdamW, batch 32, F32) does not grow: a reviewer reads all of it, so a change that makes
 * it longer should be a choice, made by raising the bound here with the reason in the commit.
 */
class DigitsSourceSizeTest {
  /**
   * The size when the bound was set (29,652 characters, 733 lines, with the Vector API kernels
   * that this module's tests run with), with a little room: the fused step, predict and evaluate,
   * with a comment on each optimizer constant of the update. The split step's halves are not in
   * it: they are generated only when asked for (44,914 characters with them).
   */
  static final int MAX_CHARS = 30_500;
  static final int MAX_LINES = 750;

  @Test
  void theDigitsSourceDoesNotGrow() {
    String src = DigitsClassifier.model().generateSource("digits", "DigitsStep", adamW(1e-3).weightDecay(1e-2), 32);
    long lines = src.lines().count();
    assertTrue(src.length() <= MAX_CHARS, "generated source of the digits model: " + src.length() + " characters, bound " + MAX_CHARS);
    assertTrue(lines <= MAX_LINES, "generated source of the digits model: " + lines + " lines, bound " + MAX_LINES);
  }
}
