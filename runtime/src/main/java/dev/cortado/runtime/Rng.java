package dev.cortado.runtime;

/**
 * A counter-based random number generator (SplitMix64 finalizer): the value for (seed, step,
 * index) is a pure function of the three, so the interpreter and generated code draw identical
 * dropout masks without sharing state.
 */
public final class Rng {
  private Rng() {}

  /**
   * A uniform double in [0, 1) for this seed, step and element index.
   *
   * @param seed the model's seed
   * @param step the step number
   * @param index the element's index in its tensor (a chunk of a larger batch adds its first
   *     row times the elements per row, so it draws the larger batch's values)
   * @return a value in [0, 1), the same in every executable of the model
   */
  public static double uniform(long seed, long step, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return (z >>> 11) * 0x1.0p-53;
  }

  /**
   * As {@link #uniform(long, long, long)} for an int index, which is widened to long: the same
   * value, so classes generated with an int index draw what the long form draws.
   *
   * @param seed the model's seed
   * @param step the step number
   * @param index the element's index in its tensor
   * @return a value in [0, 1)
   */
  public static double uniform(long seed, long step, int index) {
    return uniform(seed, step, (long) index);
  }
}
