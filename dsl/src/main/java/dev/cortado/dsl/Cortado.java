package dev.cortado.dsl;

import dev.cortado.ir.DType;
import dev.cortado.ir.Shape;
import dev.cortado.optim.Sgd;
import java.util.Arrays;
import java.util.List;

/**
 * The one static entry point: {@code import static dev.cortado.dsl.Cortado.*;} brings every
 * factory and constant, as jOOQ's {@code DSL.*}.
 */
public final class Cortado {
  private Cortado() {}

  /** 32-bit floats (the default). */
  public static final DType F32 = DType.F32;
  /** 64-bit doubles. */
  public static final DType F64 = DType.F64;
  /** The symbolic batch dimension of an input's shape. */
  public static final int BATCH = Shape.BATCH;

  /** One scalar term per regularized variable, in declaration order (TensorFlow's {@code REGULARIZATION_LOSSES}). */
  public static final String REGULARIZATION_LOSSES = "regularization_losses";
  /** The trainable variables, in declaration order. */
  public static final String TRAINABLE_VARIABLES = "trainable_variables";
  /** Every variable, trainable or frozen, in declaration order. */
  public static final String GLOBAL_VARIABLES = "variables";

  public static final Activation LINEAR = Activation.LINEAR;
  public static final Activation RELU = Activation.RELU;
  public static final Activation TANH = Activation.TANH;
  public static final Activation SIGMOID = Activation.SIGMOID;
  public static final Activation SOFTPLUS = Activation.SOFTPLUS;
  public static final Activation SOFTMAX = Activation.SOFTMAX;

  // ---------------------------------------------------------------- regularizers

  /** {@code λ·Σ|w|}; its gradient at 0 is 0. */
  public static Regularizer l1(double lambda) {
    return new Regularizers.L1(lambda);
  }

  /**
   * {@code λ·Σw²/2}, TensorFlow's {@code λ·tf.nn.l2_loss(w)}: under plain SGD, {@code l2(λ)}
   * equals weight decay λ. Keras's {@code L2(k)} ({@code k·Σw²}) is our {@code l2(2k)}.
   */
  public static Regularizer l2(double lambda) {
    return new Regularizers.L2(lambda);
  }

  /** {@code l1·Σ|w| + l2·Σw²/2}. */
  public static Regularizer l1l2(double l1, double l2) {
    return new Regularizers.L1L2(l1, l2);
  }

  // ---------------------------------------------------------------- initializers

  public static Initializer zeros() {
    return Initializers.zeros();
  }

  public static Initializer ones() {
    return Initializers.ones();
  }

  public static Initializer constant(double v) {
    return Initializers.constant(v);
  }

  public static Initializer uniform(double min, double max) {
    return Initializers.uniform(min, max);
  }

  public static Initializer normal(double mean, double stddev) {
    return Initializers.normal(mean, stddev);
  }

  public static Initializer truncatedNormal(double mean, double stddev) {
    return Initializers.truncatedNormal(mean, stddev);
  }

  public static Initializer glorotUniform() {
    return Initializers.glorotUniform();
  }

  public static Initializer glorotNormal() {
    return Initializers.glorotNormal();
  }

  public static Initializer heNormal() {
    return Initializers.heNormal();
  }

  public static Initializer heUniform() {
    return Initializers.heUniform();
  }

  public static Initializer lecunNormal() {
    return Initializers.lecunNormal();
  }

  public static Initializer lecunUniform() {
    return Initializers.lecunUniform();
  }

  public static Initializer orthogonal() {
    return Initializers.orthogonal();
  }

  // ---------------------------------------------------------------- optimizers

  /** Plain SGD, {@code w ← w - lr·g}, as {@code torch.optim.SGD(lr)}. */
  public static Sgd sgd(double lr) {
    return new Sgd(lr);
  }

  // ---------------------------------------------------------------- functions

  /** The sum of scalars or same-shaped tensors ({@code tf.add_n}); the sum of nothing is 0. */
  public static Tensor addN(List<? extends Tensor> terms) {
    if (terms.isEmpty()) {
      return ModelBuilder.current().constant(0.0);
    }
    Tensor sum = terms.get(0);
    for (int i = 1; i < terms.size(); i++) {
      sum = sum.add(terms.get(i));
    }
    return sum;
  }

  public static Tensor addN(Tensor... terms) {
    return addN(Arrays.asList(terms));
  }

  /** The mean of {@code (a - b)²} over all elements. */
  public static Tensor mse(Tensor a, Tensor b) {
    return a.sub(b).square().mean();
  }

  /** The mean over rows of {@code -Σ labels·logSoftmax(logits)} along the last axis, fused and stable. */
  public static Tensor softmaxCrossEntropy(Tensor logits, Tensor labels) {
    return logits.op(dev.cortado.op.Op.SOFTMAX_CROSS_ENTROPY, dev.cortado.ir.Attrs.NONE, logits, labels);
  }

  /** {@code Σt²/2}, TensorFlow's {@code tf.nn.l2_loss}. */
  public static Tensor l2Loss(Tensor t) {
    return t.square().sum().mul(0.5);
  }

  /**
   * Inverted dropout: in a training step each element is zeroed with probability {@code rate}
   * and the rest scaled by {@code 1/(1-rate)}; in predict and evaluate it is the identity. The
   * mask is drawn from the model's seed and the step number, the same in every executable.
   */
  public static Tensor dropout(Tensor x, double rate) {
    return x.model.dropout(x, rate);
  }
}
