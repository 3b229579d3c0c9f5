package dev.cortado.bench;

/**
 * The implementations compared, one column pair (µs/step, GFLOP/s) each in {@link BenchTable}.
 * Cortado compiled and the interpreter are added here when the DSL offers them.
 */
public enum Impl {
  /** The hand-written float32 loops of {@link HandMlp}. */
  HAND("hand", "hand-written Java") {
    @Override
    public TrainStep create(BenchModel model, long seed) {
      HandMlp hand = model.newHand(seed);
      Batch batch = model.batch(seed);
      return () -> hand.step(batch.x, batch.y);
    }
  };

  private final String label;
  private final String title;

  Impl(String label, String title) {
    this.label = label;
    this.title = title;
  }

  /** A step of {@code model}, parameters and batch drawn from {@code seed}. */
  public abstract TrainStep create(BenchModel model, long seed);

  /** The short name used on the command line and in JMH's {@code impl} parameter. */
  public String label() {
    return label;
  }

  /** The column title. */
  public String title() {
    return title;
  }

  /** The implementation by its label, case-insensitive. */
  public static Impl of(String label) {
    for (Impl i : values()) {
      if (i.label.equalsIgnoreCase(label)) {
        return i;
      }
    }
    throw new IllegalArgumentException("unknown implementation '" + label + "'");
  }
}
