package dev.cortado.bench;

import dev.cortado.runtime.CompiledModel;
import dev.cortado.runtime.Executable;

/**
 * The implementations compared, one column pair (µs/step, GFLOP/s) each in {@link BenchTable},
 * one value of the {@code impl} parameter in {@link StepBench}.
 */
public enum Impl {
  /** {@code Model.compile(optimizer)}: the generated, compiled step. */
  COMPILED("compiled", "Cortado compiled") {
    @Override
    public TrainStep create(BenchModel model, long seed) {
      return cortado(model, seed, CortadoModels.define(model).compile(CortadoModels.optimizer(model)));
    }
  },
  /**
   * {@code Model.compile(optimizer, 2)}: the generated step split over two threads (time it with
   * the wall clock: the CPU clock sees only the calling thread).
   */
  COMPILED_2T("compiled-2t", "Cortado compiled, 2 threads") {
    @Override
    public TrainStep create(BenchModel model, long seed) {
      return cortado(model, seed, CortadoModels.define(model).compile(CortadoModels.optimizer(model), 2));
    }
  },
  /**
   * The hand-written float32 loops of {@link HandMlp}: four result rows per pass on Java 25+, one
   * before ({@link FourRows#forThisJvm}), as Cortado's default kernel.
   */
  HAND("hand", "hand-written Java") {
    @Override
    public TrainStep create(BenchModel model, long seed) {
      return hand(model, FourRows.forThisJvm(), seed);
    }
  },
  /**
   * The same step with its products on the Vector API ({@link VectorMatmul}); needs {@code
   * --add-modules jdk.incubator.vector}.
   */
  HAND_VECTOR("hand-vector", "hand-written Java, Vector API") {
    @Override
    public TrainStep create(BenchModel model, long seed) {
      if (!VectorMatmul.available()) {
        throw new UnsupportedOperationException("start the JVM with --add-modules jdk.incubator.vector");
      }
      return hand(model, VectorMatmul.INSTANCE, seed);
    }
  },
  /** {@code Model.interpret(optimizer)}: the reference interpreter. */
  INTERPRETER("interpreter", "interpreter") {
    @Override
    public TrainStep create(BenchModel model, long seed) {
      return cortado(model, seed, CortadoModels.define(model).interpret(CortadoModels.optimizer(model)));
    }
  };

  private static TrainStep hand(BenchModel model, Matmul mm, long seed) {
    HandMlp hand = model.newHand(mm, seed);
    Batch batch = model.batch(seed);
    return () -> hand.step(batch.x, batch.y);
  }

  /**
   * The step of {@code exe}; a compiled model's class is made now, and a quick-start class's
   * upgrade ({@code ModelState.upgradeLater}) waited for, so that every step timed runs the final class.
   */
  private static TrainStep cortado(BenchModel model, long seed, Executable exe) {
    CortadoModels.copyParameters(model.newHand(seed), exe);
    if (exe instanceof CompiledModel c) {
      exe.prepare(model.batch());
      try {
        if (!c.state().awaitUpgrades(120_000)) {
          throw new IllegalStateException(model.label() + ": the upgrade of the quick-start class took over two minutes");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return CortadoModels.step(exe, model.batch(seed));
  }

  private final String label;
  private final String title;

  Impl(String label, String title) {
    this.label = label;
    this.title = title;
  }

  /**
   * A step of {@code model}, parameters and batch drawn from {@code seed} (the same for every
   * implementation).
   *
   * @throws UnsupportedOperationException when this implementation does not exist yet
   */
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
