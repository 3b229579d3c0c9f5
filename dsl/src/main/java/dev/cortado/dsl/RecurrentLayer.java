package dev.cortado.dsl;

import dev.cortado.ir.Attrs;
import dev.cortado.ir.Node;
import dev.cortado.op.Op;
import java.util.Objects;

/**
 * The options of a recurrent layer ({@code gru} or {@code lstm}) over {@code x [BATCH, steps,
 * features]}, named as Keras names them. The layer creates {@code <name>/kernel [features,
 * G]}, {@code <name>/recurrent_kernel [units, G]} and {@code <name>/bias} in a scope of its name,
 * ordinary variables in every collection. A GRU has {@code G = 3·units}, gate blocks z, r, n and
 * {@code bias [2, G]} (input row, recurrent row): {@code z = σ(x·Wz + bz0 + h·Uz + bz1)},
 * {@code r = σ(x·Wr + br0 + h·Ur + br1)}, {@code n = tanh(x·Wn + bn0 + r ⊙ (h·Un + bn1))},
 * {@code h' = z ⊙ h + (1 - z) ⊙ n} (Keras's {@code reset_after=True}, PyTorch's {@code nn.GRU}).
 * An LSTM has {@code G = 4·units}, blocks i, f, g, o of {@code a = x·W + h·U + bias} and
 * {@code bias [G]}: {@code c' = σ(a_f) ⊙ c + σ(a_i) ⊙ tanh(a_g)}, {@code h' = σ(a_o) ⊙ tanh(c')}.
 * h (and c) start at zero. The output is the last h {@code [BATCH, units]}, or every h
 * {@code [BATCH, steps, units]} with {@link #returnSequences}.
 */
public final class RecurrentLayer extends LayerOptions<RecurrentLayer> {
  boolean returnSequences;
  Initializer recurrentInitializer = Initializers.orthogonal();
  boolean unitForgetBias = true;
  Regularizer recurrentRegularizer;
  Constraint recurrentConstraint;
  Constraint biasConstraint;
  double dropout;

  RecurrentLayer() {}

  @Override
  RecurrentLayer self() {
    return this;
  }

  /**
   * True returns every step's h {@code [BATCH, steps, units]}; false (the default) the last h.
   *
   * @param r whether the layer returns every step
   * @return these options
   */
  public RecurrentLayer returnSequences(boolean r) {
    this.returnSequences = r;
    return this;
  }

  /**
   * How the recurrent kernel {@code [units, G]} starts (default {@code orthogonal()}, as Keras).
   *
   * @param i the recurrent kernel's initializer
   * @return these options
   */
  public RecurrentLayer recurrentInitializer(Initializer i) {
    this.recurrentInitializer = Objects.requireNonNull(i, "recurrentInitializer");
    return this;
  }

  /**
   * For an LSTM with the default bias initializer: the forget block starts at one (default true, as
   * Keras).
   *
   * @param u whether the forget block of the default bias starts at one
   * @return these options
   */
  public RecurrentLayer unitForgetBias(boolean u) {
    this.unitForgetBias = u;
    return this;
  }

  /**
   * A penalty on the recurrent kernel, added to {@code REGULARIZATION_LOSSES} (none by default).
   *
   * @param r the regularizer
   * @return these options
   */
  public RecurrentLayer recurrentRegularizer(Regularizer r) {
    this.recurrentRegularizer = Objects.requireNonNull(r, "recurrentRegularizer");
    return this;
  }

  /**
   * A constraint applied to the recurrent kernel after each update (none by default).
   *
   * @param c the constraint
   * @return these options
   */
  public RecurrentLayer recurrentConstraint(Constraint c) {
    this.recurrentConstraint = Objects.requireNonNull(c, "recurrentConstraint");
    return this;
  }

  /**
   * A constraint applied to the bias after each update (none by default).
   *
   * @param c the constraint
   * @return these options
   */
  public RecurrentLayer biasConstraint(Constraint c) {
    this.biasConstraint = Objects.requireNonNull(c, "biasConstraint");
    return this;
  }

  /**
   * Inverted dropout on the inputs in training, rate in {@code [0, 1)}, as Keras's
   * {@code dropout}; each element of every step gets its own draw.
   *
   * @param rate the probability of zeroing an input element, in [0, 1) (default 0)
   * @return these options
   * @throws IllegalArgumentException if {@code rate} is outside [0, 1)
   */
  public RecurrentLayer dropout(double rate) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
    }
    this.dropout = rate;
    return this;
  }

  Tensor build(ModelBuilder m, String name, Tensor x, int units, boolean gru) {
    String kind = gru ? "gru" : "lstm";
    if (units <= 0) {
      throw new IllegalArgumentException(kind + " '" + name + "': units must be positive, got " + units);
    }
    if (x.shape().rank() != 3 || x.shape().dim(0) != dev.cortado.ir.Shape.BATCH) {
      throw new IllegalArgumentException(kind + " '" + name + "' needs an input [BATCH, steps, features], got " + x);
    }
    int features = x.shape().dim(2);
    int g = (gru ? 3 : 4) * units;
    return m.scoped(name, () -> {
      Variable kernel = kernel(m, features, g);
      Variable recurrent = m.variable("recurrent_kernel").shape(units, g).initializer(recurrentInitializer)
          .trainable(trainable);
      Variable bias = (gru ? m.variable("bias").shape(2, g) : m.variable("bias").shape(g))
          .initializer(biasInitializer != null ? biasInitializer
              : gru || !unitForgetBias ? Initializers.zeros() : forgetOnes(units))
          .trainable(trainable);
      constrain(recurrent, recurrentRegularizer, recurrentConstraint);
      constrain(bias, biasRegularizer, biasConstraint);
      Tensor in = dropout > 0 ? m.dropout(x, dropout) : x;
      Node y = m.graph().apply(gru ? Op.GRU : Op.LSTM, Attrs.value(returnSequences ? 1 : 0), in.node(),
          kernel.node(), recurrent.node(), bias.node());
      return m.wrap(y);
    });
  }

  /** Zeros with ones in the forget block {@code [units, 2·units)}, as Keras's {@code unit_forget_bias}. */
  private static Initializer forgetOnes(int units) {
    return new Initializer() {
      @Override
      public double[] initialize(int[] shape, org.apache.commons.math3.random.RandomGenerator rng) {
        double[] v = new double[shape[0]];
        java.util.Arrays.fill(v, units, 2 * units, 1.0);
        return v;
      }

      @Override
      public String toString() {
        return "zeros, forget block ones";
      }
    };
  }
}
