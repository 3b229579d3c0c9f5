package dev.cortado.dsl;

import dev.cortado.ir.DType;
import dev.cortado.ir.Role;
import dev.cortado.ir.Shape;
import dev.cortado.optim.Adagrad;
import dev.cortado.optim.Adam;
import dev.cortado.optim.DecayMode;
import dev.cortado.optim.RmsProp;
import dev.cortado.optim.Schedule;
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

  /** {@code f(x) = x}: no activation. */
  public static final Activation LINEAR = Activation.LINEAR;
  /** {@code f(x) = max(x, 0)}; its derivative at 0 is 0, as in PyTorch and TensorFlow. */
  public static final Activation RELU = Activation.RELU;
  /** {@code f(x) = tanh(x)}, with derivative {@code 1 - tanh²(x)}. */
  public static final Activation TANH = Activation.TANH;
  /** {@code f(x) = 1 / (1 + e^-x)}, with derivative {@code σ(x)·(1 - σ(x))}. */
  public static final Activation SIGMOID = Activation.SIGMOID;
  /** {@code f(x) = ln(1 + e^x)}, computed without overflow; its derivative is {@code σ(x)}. */
  public static final Activation SOFTPLUS = Activation.SOFTPLUS;
  /** {@code f(x)_j = e^(x_j - max x) / Σ_k e^(x_k - max x)} along the last axis (each row sums to 1). */
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

  /** Every value 0 (Keras's {@code Zeros}); the default for the biases of dense and convolution layers. */
  public static Initializer zeros() {
    return Initializers.zeros();
  }

  /** Every value 1 (Keras's {@code Ones}). */
  public static Initializer ones() {
    return Initializers.ones();
  }

  /** Every value {@code v} (Keras's {@code Constant(v)}). */
  public static Initializer constant(double v) {
    return Initializers.constant(v);
  }

  /** Uniform in {@code [min, max]}, {@code w ~ U(min, max)} (Keras's {@code RandomUniform(min, max)}), drawn from the model's seed. */
  public static Initializer uniform(double min, double max) {
    return Initializers.uniform(min, max);
  }

  /** Normal {@code N(mean, stddev²)} (Keras's {@code RandomNormal}), drawn from the model's seed. */
  public static Initializer normal(double mean, double stddev) {
    return Initializers.normal(mean, stddev);
  }

  /**
   * {@code N(mean, stddev²)} with every value outside {@code [mean - 2·stddev, mean + 2·stddev]}
   * drawn again (Keras's {@code TruncatedNormal}, TensorFlow's {@code truncated_normal}).
   */
  public static Initializer truncatedNormal(double mean, double stddev) {
    return Initializers.truncatedNormal(mean, stddev);
  }

  /**
   * Glorot (Xavier) uniform, the default kernel initializer of dense and convolution layers: uniform in {@code [-l, l]} with
   * {@code l = sqrt(6 / (fanIn + fanOut))}, so the values have variance {@code 2 / (fanIn + fanOut)}.
   */
  public static Initializer glorotUniform() {
    return Initializers.glorotUniform();
  }

  /**
   * Glorot (Xavier) normal: truncated normal centred on 0, {@code stddev = sqrt(2 / (fanIn + fanOut))}
   * divided by the truncation's 0.8796 so the values have variance {@code 2 / (fanIn + fanOut)}.
   */
  public static Initializer glorotNormal() {
    return Initializers.glorotNormal();
  }

  /**
   * He normal, for ReLU layers: truncated normal centred on 0, {@code stddev = sqrt(2 / fanIn)}
   * divided by the truncation's 0.8796 so the values have variance {@code 2 / fanIn} (as Keras).
   */
  public static Initializer heNormal() {
    return Initializers.heNormal();
  }

  /** He uniform, for ReLU layers: uniform in {@code [-l, l]} with {@code l = sqrt(6 / fanIn)} (variance {@code 2 / fanIn}). */
  public static Initializer heUniform() {
    return Initializers.heUniform();
  }

  /**
   * LeCun normal: truncated normal centred on 0, {@code stddev = sqrt(1 / fanIn)} divided by the
   * truncation's 0.8796 so the values have variance {@code 1 / fanIn} (as Keras).
   */
  public static Initializer lecunNormal() {
    return Initializers.lecunNormal();
  }

  /** LeCun uniform: uniform in {@code [-l, l]} with {@code l = sqrt(3 / fanIn)} (variance {@code 1 / fanIn}). */
  public static Initializer lecunUniform() {
    return Initializers.lecunUniform();
  }

  /**
   * Orthogonal with gain 1 (Keras's {@code Orthogonal}): the shape viewed as {@code rows × cols} (cols
   * the last dimension) gets orthonormal rows or columns, whichever are fewer, from the QR
   * decomposition of a standard normal matrix.
   */
  public static Initializer orthogonal() {
    return Initializers.orthogonal();
  }

  // ---------------------------------------------------------------- optimizers

  /**
   * {@code torch.optim.SGD(lr)}: plain SGD, with {@code .momentum(μ)}, {@code .dampening(τ)},
   * {@code .nesterov(true)}; {@code .weightDecay(wd)} is COUPLED ({@code g += wd·w}).
   */
  public static Sgd sgd(double lr) {
    return new Sgd(lr);
  }

  /**
   * {@code torch.optim.Adam(lr)}: betas (0.9, 0.999), eps 1e-8, {@code .amsgrad(true)};
   * {@code .weightDecay(wd)} is COUPLED, as Adam's {@code weight_decay}.
   */
  public static Adam adam(double lr) {
    return Adam.adam(lr);
  }

  /** {@code torch.optim.AdamW(lr)}: Adam with DECOUPLED weight decay, 1e-2 unless set. */
  public static Adam adamW(double lr) {
    return Adam.adamW(lr);
  }

  /**
   * {@code torch.optim.RMSprop(lr)}: {@code .rho(ρ)} (PyTorch's alpha, 0.99), eps 1e-8,
   * {@code .momentum(μ)}, {@code .centered(true)}; {@code .weightDecay(wd)} is COUPLED.
   */
  public static RmsProp rmsProp(double lr) {
    return new RmsProp(lr);
  }

  /**
   * {@code torch.optim.Adagrad(lr)}: eps 1e-10, {@code .lrDecay(d)},
   * {@code .initialAccumulator(v)}; {@code .weightDecay(wd)} is COUPLED.
   */
  public static Adagrad adagrad(double lr) {
    return new Adagrad(lr);
  }

  /** Weight decay added to the gradient, {@code g += wd·w}: the same as an {@code l2(wd)} regularizer. */
  public static final DecayMode COUPLED = DecayMode.COUPLED;
  /** Weight decay {@code w *= 1 - lr·m·wd} before the step, as AdamW and SGDW. */
  public static final DecayMode DECOUPLED = DecayMode.DECOUPLED;
  /** Weight decay {@code w *= 1 - m·wd} before the step, scaled only by the schedule multiplier m. */
  public static final DecayMode DECOUPLED_UNSCALED = DecayMode.DECOUPLED_UNSCALED;

  /** The role of biases, for {@code excludeFromWeightDecay(BIAS, ...)}. */
  public static final Role BIAS = Role.BIAS;
  /** The role of normalization scales and shifts ({@code gamma}, {@code beta}). */
  public static final Role NORMALIZATION = Role.NORMALIZATION;
  /** The role of embedding tables. */
  public static final Role EMBEDDING = Role.EMBEDDING;

  // ---------------------------------------------------------------- learning-rate schedules

  /** The multiplier 1 at every step. */
  public static Schedule constantLr() {
    return Schedule.constant();
  }

  /** {@code γ^⌊step / stepSize⌋}, as PyTorch's {@code StepLR}. */
  public static Schedule stepLr(long stepSize, double gamma) {
    return Schedule.step(stepSize, gamma);
  }

  /** {@code γ^step}, as PyTorch's {@code ExponentialLR}. */
  public static Schedule exponentialLr(double gamma) {
    return Schedule.exponential(gamma);
  }

  /** Linear warm-up from 0 over {@code warmupSteps}, then cosine decay to 0 at {@code totalSteps}. */
  public static Schedule cosineLr(long warmupSteps, long totalSteps) {
    return Schedule.cosine(warmupSteps, totalSteps, 0);
  }

  /** Linear warm-up from 0 over {@code warmupSteps}, then cosine decay to {@code minMultiplier} at {@code totalSteps}. */
  public static Schedule cosineLr(long warmupSteps, long totalSteps, double minMultiplier) {
    return Schedule.cosine(warmupSteps, totalSteps, minMultiplier);
  }

  /** A schedule from a function of the step: {@code lrSchedule(s -> s < 100 ? 1 : 0.1)}. */
  public static Schedule lrSchedule(java.util.function.LongToDoubleFunction multiplier) {
    return Schedule.of(multiplier);
  }

  // ---------------------------------------------------------------- constraints (Keras semantics)

  /** Scales the norm over axis 0 (each unit's incoming weights) down to at most {@code max}. */
  public static Constraint maxNorm(double max) {
    return new Constraints.MaxNorm(max, 0);
  }

  /** Scales the norm over {@code axis} down to at most {@code max}. */
  public static Constraint maxNorm(double max, int axis) {
    return new Constraints.MaxNorm(max, axis);
  }

  /** Scales the norm over axis 0 into {@code [min, max]}. */
  public static Constraint minMaxNorm(double min, double max) {
    return new Constraints.MinMaxNorm(min, max, 1.0, 0);
  }

  /** Moves the norm over {@code axis} toward {@code [min, max]} at {@code rate} (1: at once). */
  public static Constraint minMaxNorm(double min, double max, double rate, int axis) {
    return new Constraints.MinMaxNorm(min, max, rate, axis);
  }

  /** {@code max(w, 0)}: non-negative weights. */
  public static Constraint nonNeg() {
    return new Constraints.NonNeg();
  }

  /** Scales the norm over axis 0 to 1. */
  public static Constraint unitNorm() {
    return new Constraints.UnitNorm(0);
  }

  /** Scales the norm over {@code axis} to 1. */
  public static Constraint unitNorm(int axis) {
    return new Constraints.UnitNorm(axis);
  }

  // ---------------------------------------------------------------- functions

  /** The sum of scalars or same-shaped tensors ({@code tf.add_n}); the sum of nothing is 0. */
  public static Tensor addN(List<? extends Tensor> terms) {
    java.util.Objects.requireNonNull(terms, "addN: terms");
    for (int i = 0; i < terms.size(); i++) {
      java.util.Objects.requireNonNull(terms.get(i), "addN: terms[" + i + "]");
    }
    if (terms.isEmpty()) {
      return ModelBuilder.current().constant(0.0);
    }
    Tensor sum = terms.get(0);
    for (int i = 1; i < terms.size(); i++) {
      sum = sum.add(terms.get(i));
    }
    return sum;
  }

  /** {@code terms[0] + terms[1] + ...}, as {@link #addN(List)}; the sum of nothing is 0. */
  public static Tensor addN(Tensor... terms) {
    return addN(Arrays.asList(terms));
  }

  /**
   * The mean of {@code (a - b)²} over all elements. {@code a} and {@code b} must have the same
   * shape: a loss never broadcasts, so {@code [BATCH, 1]} against {@code [BATCH]} is an error
   * rather than a silent {@code [BATCH, BATCH]} difference.
   */
  public static Tensor mse(Tensor a, Tensor b) {
    Losses.requireSameShape("mse", "a", a, "b", b);
    return a.sub(b).square().mean();
  }

  /**
   * The mean over rows of {@code -Σ labels·logSoftmax(logits)} along the last axis, fused and
   * stable; {@code logits} and {@code labels} must have the same shape.
   */
  public static Tensor softmaxCrossEntropy(Tensor logits, Tensor labels) {
    Losses.requireSameShape("softmaxCrossEntropy", "logits", logits, "labels", labels);
    return logits.op(dev.cortado.op.Op.SOFTMAX_CROSS_ENTROPY, dev.cortado.ir.Attrs.NONE, logits, labels);
  }

  /** {@code Σt²/2}, TensorFlow's {@code tf.nn.l2_loss}. */
  public static Tensor l2Loss(Tensor t) {
    java.util.Objects.requireNonNull(t, "l2Loss: t");
    return t.square().sum().mul(0.5);
  }

  /**
   * Inverted dropout: in a training step each element is zeroed with probability {@code rate}
   * and the rest scaled by {@code 1/(1-rate)}; in predict and evaluate it is the identity. The
   * mask is drawn from the model's seed and the step number, the same in every executable.
   */
  public static Tensor dropout(Tensor x, double rate) {
    java.util.Objects.requireNonNull(x, "dropout: x");
    return x.model.dropout(x, rate);
  }

  // ---------------------------------------------------------------- layers without variables

  /** No padding: a window stays inside the image (see {@link Padding}). */
  public static final Padding VALID = Padding.VALID;
  /** TensorFlow's zero padding to {@code ceil(n / stride)} positions, the odd pixel at the bottom/right. */
  public static final Padding SAME = Padding.SAME;

  /** Max pooling of {@code [BATCH, H, W, C]} over {@code size × size} windows, stride {@code size}, VALID. */
  public static Tensor maxPool2d(Tensor x, int size) {
    return maxPool2d(x, size, size);
  }

  /** Max pooling over {@code size × size} windows moved by {@code stride}; the gradient goes to each window's first maximum. */
  public static Tensor maxPool2d(Tensor x, int size, int stride) {
    return Pooling.pool2d("maxPool2d", x, size, stride, true);
  }

  /** Average pooling of {@code [BATCH, H, W, C]} over {@code size × size} windows, stride {@code size}, VALID. */
  public static Tensor avgPool2d(Tensor x, int size) {
    return avgPool2d(x, size, size);
  }

  /** Average pooling over {@code size × size} windows moved by {@code stride}. */
  public static Tensor avgPool2d(Tensor x, int size, int stride) {
    return Pooling.pool2d("avgPool2d", x, size, stride, false);
  }

  /** Max pooling of {@code [BATCH, T, C]} over windows of {@code size} steps, stride {@code size}. */
  public static Tensor maxPool1d(Tensor x, int size) {
    return maxPool1d(x, size, size);
  }

  /** Max pooling of {@code [BATCH, T, C]} over windows of {@code size} steps moved by {@code stride}; the gradient goes to each window's first maximum. */
  public static Tensor maxPool1d(Tensor x, int size, int stride) {
    return Pooling.pool1d("maxPool1d", x, size, stride, true);
  }

  /** Average pooling of {@code [BATCH, T, C]} over windows of {@code size} steps, stride {@code size}. */
  public static Tensor avgPool1d(Tensor x, int size) {
    return avgPool1d(x, size, size);
  }

  /** Average pooling of {@code [BATCH, T, C]} over windows of {@code size} steps moved by {@code stride}: {@code y = Σ x / size}. */
  public static Tensor avgPool1d(Tensor x, int size, int stride) {
    return Pooling.pool1d("avgPool1d", x, size, stride, false);
  }

  /** The mean over every axis between the batch and the channels: {@code [BATCH, ..., C] → [BATCH, C]}. */
  public static Tensor globalAvgPool(Tensor x) {
    return Pooling.globalAvgPool(x);
  }

  /**
   * The tensors joined along {@code axis} (-1 is the last), as numpy's {@code concatenate}: every
   * other dimension equal; the axis counts the batch as 0 and cannot be the batch axis. Each part
   * is placed in zeros at its offset and the parts are added, so the gradient of each is its slice.
   */
  public static Tensor concat(int axis, Tensor... parts) {
    return Pooling.concat(axis, parts);
  }

  /** {@code [BATCH, d1, d2, ...] → [BATCH, d1·d2·...]}, row-major (channels fastest). */
  public static Tensor flatten(Tensor x) {
    return Pooling.flatten(x);
  }
}
