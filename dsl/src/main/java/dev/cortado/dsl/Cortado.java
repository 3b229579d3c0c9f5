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

  /**
   * {@code λ·Σ|w|}; its gradient at 0 is 0.
   *
   * @param lambda the weight λ, finite and at least 0
   * @return a regularizer adding {@code λ·Σ|w|} to {@code REGULARIZATION_LOSSES}
   * @throws IllegalArgumentException if {@code lambda} is negative, NaN or infinite
   */
  public static Regularizer l1(double lambda) {
    return new Regularizers.L1(lambda);
  }

  /**
   * {@code λ·Σw²/2}, TensorFlow's {@code λ·tf.nn.l2_loss(w)}: under plain SGD, {@code l2(λ)}
   * equals weight decay λ. Keras's {@code L2(k)} ({@code k·Σw²}) is our {@code l2(2k)}.
   *
   * @param lambda the weight λ, finite and at least 0
   * @return a regularizer adding {@code λ·Σw²/2} to {@code REGULARIZATION_LOSSES}
   * @throws IllegalArgumentException if {@code lambda} is negative, NaN or infinite
   */
  public static Regularizer l2(double lambda) {
    return new Regularizers.L2(lambda);
  }

  /**
   * {@code l1·Σ|w| + l2·Σw²/2}.
   *
   * @param l1 the weight of the L1 term, finite and at least 0
   * @param l2 the weight of the L2 term (TensorFlow's convention, halved), finite and at least 0
   * @return a regularizer adding both terms as one scalar
   * @throws IllegalArgumentException if either weight is negative, NaN or infinite
   */
  public static Regularizer l1l2(double l1, double l2) {
    return new Regularizers.L1L2(l1, l2);
  }

  // ---------------------------------------------------------------- initializers

  /**
   * Every value 0 (Keras's {@code Zeros}); the default for the biases of dense and convolution
   * layers.
   *
   * @return the initializer filling 0
   */
  public static Initializer zeros() {
    return Initializers.zeros();
  }

  /**
   * Every value 1 (Keras's {@code Ones}).
   *
   * @return the initializer filling 1
   */
  public static Initializer ones() {
    return Initializers.ones();
  }

  /**
   * Every value {@code v} (Keras's {@code Constant(v)}).
   *
   * @param v the value of every element
   * @return the initializer filling {@code v}
   */
  public static Initializer constant(double v) {
    return Initializers.constant(v);
  }

  /**
   * Uniform in {@code [min, max]}, {@code w ~ U(min, max)} (Keras's {@code RandomUniform(min,
   * max)}), drawn from the model's seed.
   *
   * @param min the lower bound
   * @param max the upper bound, at least {@code min}
   * @return the initializer drawing {@code U(min, max)}
   */
  public static Initializer uniform(double min, double max) {
    return Initializers.uniform(min, max);
  }

  /**
   * Normal {@code N(mean, stddev²)} (Keras's {@code RandomNormal}), drawn from the model's seed.
   *
   * @param mean the mean of the distribution
   * @param stddev the standard deviation, at least 0
   * @return the initializer drawing {@code N(mean, stddev²)}
   */
  public static Initializer normal(double mean, double stddev) {
    return Initializers.normal(mean, stddev);
  }

  /**
   * {@code N(mean, stddev²)} with every value outside {@code [mean - 2·stddev, mean + 2·stddev]}
   * drawn again (Keras's {@code TruncatedNormal}, TensorFlow's {@code truncated_normal}).
   *
   * @param mean the mean, the centre of the kept interval
   * @param stddev the standard deviation before truncation, at least 0
   * @return the initializer drawing the truncated normal
   */
  public static Initializer truncatedNormal(double mean, double stddev) {
    return Initializers.truncatedNormal(mean, stddev);
  }

  /**
   * Glorot (Xavier) uniform, the default kernel initializer of dense and convolution layers: uniform in {@code [-l, l]} with
   * {@code l = sqrt(6 / (fanIn + fanOut))}, so the values have variance {@code 2 / (fanIn + fanOut)}.
   *
   * @return the initializer; fans as {@link Initializers#fans(int[])} (a kernel {@code [h, w, in,
   *     out]} has {@code fanIn = h·w·in}, {@code fanOut = h·w·out})
   */
  public static Initializer glorotUniform() {
    return Initializers.glorotUniform();
  }

  /**
   * Glorot (Xavier) normal: truncated normal centred on 0, {@code stddev = sqrt(2 / (fanIn + fanOut))}
   * divided by the truncation's 0.8796 so the values have variance {@code 2 / (fanIn + fanOut)}.
   *
   * @return the initializer; fans as {@link Initializers#fans(int[])}
   */
  public static Initializer glorotNormal() {
    return Initializers.glorotNormal();
  }

  /**
   * He normal, for ReLU layers: truncated normal centred on 0, {@code stddev = sqrt(2 / fanIn)}
   * divided by the truncation's 0.8796 so the values have variance {@code 2 / fanIn} (as Keras).
   *
   * @return the initializer (PyTorch's {@code kaiming_normal_} with fan-in, but truncated); fans as
   *     {@link Initializers#fans(int[])}
   */
  public static Initializer heNormal() {
    return Initializers.heNormal();
  }

  /**
   * He uniform, for ReLU layers: uniform in {@code [-l, l]} with {@code l = sqrt(6 / fanIn)}
   * (variance {@code 2 / fanIn}).
   *
   * @return the initializer (PyTorch's {@code kaiming_uniform_(a=0)} with fan-in); fans as {@link
   *     Initializers#fans(int[])}
   */
  public static Initializer heUniform() {
    return Initializers.heUniform();
  }

  /**
   * LeCun normal: truncated normal centred on 0, {@code stddev = sqrt(1 / fanIn)} divided by the
   * truncation's 0.8796 so the values have variance {@code 1 / fanIn} (as Keras).
   *
   * @return the initializer; fans as {@link Initializers#fans(int[])}
   */
  public static Initializer lecunNormal() {
    return Initializers.lecunNormal();
  }

  /**
   * LeCun uniform: uniform in {@code [-l, l]} with {@code l = sqrt(3 / fanIn)} (variance {@code 1 /
   * fanIn}).
   *
   * @return the initializer; fans as {@link Initializers#fans(int[])}
   */
  public static Initializer lecunUniform() {
    return Initializers.lecunUniform();
  }

  /**
   * Orthogonal with gain 1 (Keras's {@code Orthogonal}): the shape viewed as {@code rows × cols} (cols
   * the last dimension) gets orthonormal rows or columns, whichever are fewer, from the QR
   * decomposition of a standard normal matrix.
   *
   * @return the initializer, for shapes of rank 2 or more
   */
  public static Initializer orthogonal() {
    return Initializers.orthogonal();
  }

  // ---------------------------------------------------------------- optimizers

  /**
   * {@code torch.optim.SGD(lr)}: plain SGD, with {@code .momentum(μ)}, {@code .dampening(τ)},
   * {@code .nesterov(true)}; {@code .weightDecay(wd)} is COUPLED ({@code g += wd·w}).
   *
   * @param lr the learning rate, positive and finite
   * @return an immutable optimizer; each fluent setter returns a changed copy
   * @throws IllegalArgumentException if {@code lr} is not positive and finite
   */
  public static Sgd sgd(double lr) {
    return new Sgd(lr);
  }

  /**
   * {@code torch.optim.Adam(lr)}: betas (0.9, 0.999), eps 1e-8, {@code .amsgrad(true)};
   * {@code .weightDecay(wd)} is COUPLED, as Adam's {@code weight_decay}.
   *
   * @param lr the learning rate, positive and finite
   * @return an immutable optimizer; each fluent setter returns a changed copy
   * @throws IllegalArgumentException if {@code lr} is not positive and finite
   */
  public static Adam adam(double lr) {
    return Adam.adam(lr);
  }

  /**
   * {@code torch.optim.AdamW(lr)}: Adam with DECOUPLED weight decay, 1e-2 unless set.
   *
   * @param lr the learning rate, positive and finite
   * @return an immutable optimizer; each fluent setter returns a changed copy
   * @throws IllegalArgumentException if {@code lr} is not positive and finite
   */
  public static Adam adamW(double lr) {
    return Adam.adamW(lr);
  }

  /**
   * {@code torch.optim.RMSprop(lr)}: {@code .rho(ρ)} (PyTorch's alpha, 0.99), eps 1e-8,
   * {@code .momentum(μ)}, {@code .centered(true)}; {@code .weightDecay(wd)} is COUPLED.
   *
   * @param lr the learning rate, positive and finite
   * @return an immutable optimizer; each fluent setter returns a changed copy
   * @throws IllegalArgumentException if {@code lr} is not positive and finite
   */
  public static RmsProp rmsProp(double lr) {
    return new RmsProp(lr);
  }

  /**
   * {@code torch.optim.Adagrad(lr)}: eps 1e-10, {@code .lrDecay(d)},
   * {@code .initialAccumulator(v)}; {@code .weightDecay(wd)} is COUPLED.
   *
   * @param lr the learning rate, positive and finite
   * @return an immutable optimizer; each fluent setter returns a changed copy
   * @throws IllegalArgumentException if {@code lr} is not positive and finite
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

  /**
   * The multiplier 1 at every step.
   *
   * @return the schedule that leaves the learning rate as set
   */
  public static Schedule constantLr() {
    return Schedule.constant();
  }

  /**
   * {@code γ^⌊step / stepSize⌋}, as PyTorch's {@code StepLR}.
   *
   * @param stepSize how many steps (or epochs, as the caller counts) between two decays, positive
   * @param gamma the factor of each decay, positive and finite
   * @return the schedule, for {@link dev.cortado.train.LearningRateSchedule#perStep} or
   *     {@link dev.cortado.train.LearningRateSchedule#perEpoch}
   * @throws IllegalArgumentException if {@code stepSize} or {@code gamma} is not positive
   */
  public static Schedule stepLr(long stepSize, double gamma) {
    return Schedule.step(stepSize, gamma);
  }

  /**
   * {@code γ^step}, as PyTorch's {@code ExponentialLR}.
   *
   * @param gamma the factor per step, positive and finite
   * @return the schedule, for {@link dev.cortado.train.LearningRateSchedule#perStep} or
   *     {@link dev.cortado.train.LearningRateSchedule#perEpoch}
   * @throws IllegalArgumentException if {@code gamma} is not positive and finite
   */
  public static Schedule exponentialLr(double gamma) {
    return Schedule.exponential(gamma);
  }

  /**
   * Linear warm-up from 0 over {@code warmupSteps}, then cosine decay to 0 at {@code totalSteps}.
   *
   * @param warmupSteps the steps of the linear warm-up, at least 0
   * @param totalSteps the step at which the multiplier reaches 0, above {@code warmupSteps}
   * @return the schedule, {@code 0.5·(1 + cos(π·p))} after the warm-up with {@code p} the fraction
   *     of the decay done
   * @throws IllegalArgumentException unless {@code 0 ≤ warmupSteps < totalSteps}
   */
  public static Schedule cosineLr(long warmupSteps, long totalSteps) {
    return Schedule.cosine(warmupSteps, totalSteps, 0);
  }

  /**
   * Linear warm-up from 0 over {@code warmupSteps}, then cosine decay to {@code minMultiplier} at
   * {@code totalSteps}.
   *
   * @param warmupSteps the steps of the linear warm-up, at least 0
   * @param totalSteps the step at which the multiplier reaches {@code minMultiplier}, above {@code
   *     warmupSteps}
   * @param minMultiplier the final multiplier, in [0, 1]
   * @return the schedule, for {@link dev.cortado.train.LearningRateSchedule#perStep} or
   *     {@link dev.cortado.train.LearningRateSchedule#perEpoch}
   * @throws IllegalArgumentException unless {@code 0 ≤ warmupSteps < totalSteps} and {@code
   *     minMultiplier} is in [0, 1]
   */
  public static Schedule cosineLr(long warmupSteps, long totalSteps, double minMultiplier) {
    return Schedule.cosine(warmupSteps, totalSteps, minMultiplier);
  }

  /**
   * A schedule from a function of the step: {@code lrSchedule(s -> s < 100 ? 1 : 0.1)}.
   *
   * @param multiplier the multiplier of the base learning rate at each step (from 0); it must give
   *     finite values of at least 0, checked when the schedule is applied
   * @return the schedule, for {@link dev.cortado.train.LearningRateSchedule#perStep} or
   *     {@link dev.cortado.train.LearningRateSchedule#perEpoch}
   */
  public static Schedule lrSchedule(java.util.function.LongToDoubleFunction multiplier) {
    return Schedule.of(multiplier);
  }

  // ---------------------------------------------------------------- constraints (Keras semantics)

  /**
   * Scales the norm over axis 0 (each unit's incoming weights) down to at most {@code max}.
   *
   * @param max the largest norm kept, at least 0
   * @return the constraint, applied after each update (Keras's {@code MaxNorm(max)})
   */
  public static Constraint maxNorm(double max) {
    return new Constraints.MaxNorm(max, 0);
  }

  /**
   * Scales the norm over {@code axis} down to at most {@code max}.
   *
   * @param max the largest norm kept, at least 0
   * @param axis the axis the norm runs over (negative counts from the end)
   * @return the constraint, applied after each update
   */
  public static Constraint maxNorm(double max, int axis) {
    return new Constraints.MaxNorm(max, axis);
  }

  /**
   * Scales the norm over axis 0 into {@code [min, max]}.
   *
   * @param min the smallest norm, at least 0
   * @param max the largest norm, at least {@code min}
   * @return the constraint, applied after each update (Keras's {@code MinMaxNorm(min, max)})
   */
  public static Constraint minMaxNorm(double min, double max) {
    return new Constraints.MinMaxNorm(min, max, 1.0, 0);
  }

  /**
   * Moves the norm over {@code axis} toward {@code [min, max]} at {@code rate} (1: at once).
   *
   * @param min the smallest norm, at least 0
   * @param max the largest norm, at least {@code min}
   * @param rate the share of the way moved per update, in (0, 1]
   * @param axis the axis the norm runs over (negative counts from the end)
   * @return the constraint: {@code w·(rate·clip(‖w‖, min, max) + (1 - rate)·‖w‖)/(ε + ‖w‖)}, as
   *     Keras
   * @throws IllegalArgumentException if an argument is out of its range
   */
  public static Constraint minMaxNorm(double min, double max, double rate, int axis) {
    return new Constraints.MinMaxNorm(min, max, rate, axis);
  }

  /**
   * {@code max(w, 0)}: non-negative weights.
   *
   * @return the constraint, applied after each update (Keras's {@code NonNeg})
   */
  public static Constraint nonNeg() {
    return new Constraints.NonNeg();
  }

  /**
   * Scales the norm over axis 0 to 1.
   *
   * @return the constraint, applied after each update (Keras's {@code UnitNorm(axis=0)})
   */
  public static Constraint unitNorm() {
    return new Constraints.UnitNorm(0);
  }

  /**
   * Scales the norm over {@code axis} to 1.
   *
   * @param axis the axis the norm runs over (negative counts from the end)
   * @return the constraint, applied after each update
   */
  public static Constraint unitNorm(int axis) {
    return new Constraints.UnitNorm(axis);
  }

  // ---------------------------------------------------------------- functions

  /**
   * The sum of scalars or same-shaped tensors ({@code tf.add_n}); the sum of nothing is 0.
   *
   * @param terms the tensors to add, none null
   * @return their sum, a scalar 0 when the list is empty
   * @throws NullPointerException naming the index of a null term
   */
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

  /**
   * {@code terms[0] + terms[1] + ...}, as {@link #addN(List)}; the sum of nothing is 0.
   *
   * @param terms the tensors to add, none null
   * @return their sum
   */
  public static Tensor addN(Tensor... terms) {
    return addN(Arrays.asList(terms));
  }

  /**
   * The mean of {@code (a - b)²} over all elements. {@code a} and {@code b} must have the same
   * shape: a loss never broadcasts, so {@code [BATCH, 1]} against {@code [BATCH]} is an error
   * rather than a silent {@code [BATCH, BATCH]} difference.
   *
   * @param a the predictions
   * @param b the targets, of {@code a}'s shape
   * @return the scalar mean squared error (PyTorch's {@code MSELoss()}, Keras's {@code
   *     MeanSquaredError})
   * @throws IllegalArgumentException if the shapes differ
   */
  public static Tensor mse(Tensor a, Tensor b) {
    Losses.requireSameShape("mse", "a", a, "b", b);
    return a.sub(b).square().mean();
  }

  /**
   * The mean over rows of {@code -Σ labels·logSoftmax(logits)} along the last axis, fused and
   * stable; {@code logits} and {@code labels} must have the same shape.
   *
   * @param logits the unnormalized scores {@code [BATCH, ..., classes]}
   * @param labels the target distributions (one-hot or soft), of {@code logits}' shape
   * @return the scalar loss (PyTorch's {@code CrossEntropyLoss} with probability targets,
   *     TensorFlow's {@code softmax_cross_entropy_with_logits} averaged)
   * @throws IllegalArgumentException if the shapes differ
   */
  public static Tensor softmaxCrossEntropy(Tensor logits, Tensor labels) {
    Losses.requireSameShape("softmaxCrossEntropy", "logits", logits, "labels", labels);
    return logits.op(dev.cortado.op.Op.SOFTMAX_CROSS_ENTROPY, dev.cortado.ir.Attrs.NONE, logits, labels);
  }

  /**
   * {@code Σt²/2}, TensorFlow's {@code tf.nn.l2_loss}.
   *
   * @param t any tensor
   * @return the scalar {@code Σt²/2}
   */
  public static Tensor l2Loss(Tensor t) {
    java.util.Objects.requireNonNull(t, "l2Loss: t");
    return t.square().sum().mul(0.5);
  }

  /**
   * Inverted dropout: in a training step each element is zeroed with probability {@code rate}
   * and the rest scaled by {@code 1/(1-rate)}; in predict and evaluate it is the identity. The
   * mask is drawn from the model's seed, the step number and each element's index in the batch,
   * the same in every executable; a micro-batch passed to {@code accumulateGradients} with its
   * first row draws the large batch's mask for its rows.
   *
   * @param x the tensor to drop from
   * @param rate the probability of zeroing an element, in [0, 1)
   * @return a tensor of {@code x}'s shape
   * @throws IllegalArgumentException if {@code rate} is outside [0, 1)
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

  /**
   * Max pooling of {@code [BATCH, H, W, C]} over {@code size × size} windows, stride {@code size},
   * VALID.
   *
   * @param x an image batch {@code [BATCH, H, W, C]}
   * @param size the window's height and width, at most the image's
   * @return {@code [BATCH, ⌊H/size⌋, ⌊W/size⌋, C]}
   * @throws IllegalArgumentException if {@code x} is not an image batch or the window does not fit
   */
  public static Tensor maxPool2d(Tensor x, int size) {
    return maxPool2d(x, size, size);
  }

  /**
   * Max pooling over {@code size × size} windows moved by {@code stride}; the gradient goes to each
   * window's first maximum.
   *
   * @param x an image batch {@code [BATCH, H, W, C]}
   * @param size the window's height and width, at most the image's
   * @param stride the step between windows, positive
   * @return {@code [BATCH, (H - size)/stride + 1, (W - size)/stride + 1, C]} (floored)
   * @throws IllegalArgumentException if {@code x} is not an image batch or the window does not fit
   */
  public static Tensor maxPool2d(Tensor x, int size, int stride) {
    return Pooling.pool2d("maxPool2d", x, size, stride, true);
  }

  /**
   * Average pooling of {@code [BATCH, H, W, C]} over {@code size × size} windows, stride {@code
   * size}, VALID.
   *
   * @param x an image batch {@code [BATCH, H, W, C]}
   * @param size the window's height and width, at most the image's
   * @return {@code [BATCH, ⌊H/size⌋, ⌊W/size⌋, C]}
   * @throws IllegalArgumentException if {@code x} is not an image batch or the window does not fit
   */
  public static Tensor avgPool2d(Tensor x, int size) {
    return avgPool2d(x, size, size);
  }

  /**
   * Average pooling over {@code size × size} windows moved by {@code stride}.
   *
   * @param x an image batch {@code [BATCH, H, W, C]}
   * @param size the window's height and width, at most the image's
   * @param stride the step between windows, positive
   * @return {@code [BATCH, (H - size)/stride + 1, (W - size)/stride + 1, C]} (floored), each the
   *     window's mean
   * @throws IllegalArgumentException if {@code x} is not an image batch or the window does not fit
   */
  public static Tensor avgPool2d(Tensor x, int size, int stride) {
    return Pooling.pool2d("avgPool2d", x, size, stride, false);
  }

  /**
   * Max pooling of {@code [BATCH, T, C]} over windows of {@code size} steps, stride {@code size}.
   *
   * @param x a sequence batch {@code [BATCH, T, C]}
   * @param size the window's length in steps, at most {@code T}
   * @return {@code [BATCH, ⌊T/size⌋, C]}
   * @throws IllegalArgumentException if {@code x} is not a sequence batch or the window does not
   *     fit
   */
  public static Tensor maxPool1d(Tensor x, int size) {
    return maxPool1d(x, size, size);
  }

  /**
   * Max pooling of {@code [BATCH, T, C]} over windows of {@code size} steps moved by {@code
   * stride}; the gradient goes to each window's first maximum.
   *
   * @param x a sequence batch {@code [BATCH, T, C]}
   * @param size the window's length in steps, at most {@code T}
   * @param stride the step between windows, positive
   * @return {@code [BATCH, (T - size)/stride + 1, C]} (floored)
   * @throws IllegalArgumentException if {@code x} is not a sequence batch or the window does not
   *     fit
   */
  public static Tensor maxPool1d(Tensor x, int size, int stride) {
    return Pooling.pool1d("maxPool1d", x, size, stride, true);
  }

  /**
   * Average pooling of {@code [BATCH, T, C]} over windows of {@code size} steps, stride {@code
   * size}.
   *
   * @param x a sequence batch {@code [BATCH, T, C]}
   * @param size the window's length in steps, at most {@code T}
   * @return {@code [BATCH, ⌊T/size⌋, C]}
   * @throws IllegalArgumentException if {@code x} is not a sequence batch or the window does not
   *     fit
   */
  public static Tensor avgPool1d(Tensor x, int size) {
    return avgPool1d(x, size, size);
  }

  /**
   * Average pooling of {@code [BATCH, T, C]} over windows of {@code size} steps moved by {@code
   * stride}: {@code y = Σ x / size}.
   *
   * @param x a sequence batch {@code [BATCH, T, C]}
   * @param size the window's length in steps, at most {@code T}
   * @param stride the step between windows, positive
   * @return {@code [BATCH, (T - size)/stride + 1, C]} (floored)
   * @throws IllegalArgumentException if {@code x} is not a sequence batch or the window does not
   *     fit
   */
  public static Tensor avgPool1d(Tensor x, int size, int stride) {
    return Pooling.pool1d("avgPool1d", x, size, stride, false);
  }

  /**
   * The mean over every axis between the batch and the channels: {@code [BATCH, ..., C] → [BATCH,
   * C]}.
   *
   * @param x a batch of rank 3 or more, channels last
   * @return {@code [BATCH, C]} (Keras's {@code GlobalAveragePooling2D}, PyTorch's {@code
   *     AdaptiveAvgPool2d(1)} flattened)
   * @throws IllegalArgumentException if {@code x} has rank below 3
   */
  public static Tensor globalAvgPool(Tensor x) {
    return Pooling.globalAvgPool(x);
  }

  /**
   * The tensors joined along {@code axis} (-1 is the last), as numpy's {@code concatenate}: every
   * other dimension equal; the axis counts the batch as 0 and cannot be the batch axis. Each part
   * is placed in zeros at its offset and the parts are added, so the gradient of each is its slice.
   *
   * @param axis the axis to join along, not 0 (the batch); -1 is the last
   * @param parts the tensors, at least one
   * @return the joined tensor, whose size along {@code axis} is the sum of the parts'
   * @throws IllegalArgumentException if there is no part, the axis is out of range or another
   *     dimension differs
   */
  public static Tensor concat(int axis, Tensor... parts) {
    return Pooling.concat(axis, parts);
  }

  /**
   * {@code [BATCH, d1, d2, ...] → [BATCH, d1·d2·...]}, row-major (channels fastest).
   *
   * @param x a batch of rank 2 or more
   * @return {@code [BATCH, d1·d2·...]}, the same values in the same order
   * @throws IllegalArgumentException if {@code x} has no batch axis first
   */
  public static Tensor flatten(Tensor x) {
    return Pooling.flatten(x);
  }
}
