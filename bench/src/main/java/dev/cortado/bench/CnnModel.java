package dev.cortado.bench;

import static dev.cortado.dsl.Cortado.*;

import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.Executable;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The two convolutional models of the comparison with PyTorch, float32, channels-last;
 * {@code bench/pytorch_peer.py} defines the same two.
 *
 * <p>FLOPs per step count only the products, {@code 2·m·k·n} each, a convolution counting as the
 * product of its patches {@code [batch·OH·OW, kh·kw·in]} with its kernel {@code [kh·kw·in, filters]}:
 * forward, kernel gradient, and input gradient for every layer but the first (the data needs no
 * gradient); bias, activation, pooling, loss and update are left out.
 */
public enum CnnModel {
  /** {@code [32, 8, 8, 1]}, conv 16 3×3 SAME ReLU, conv 32 3×3 SAME ReLU, max-pool 2, dense 10, softmax CE, AdamW. */
  CNN_DIGITS("cnn_digits", 32, 8, 1),
  /**
   * {@code [64, 28, 28, 1]}, conv 32 5×5 VALID ReLU, max-pool 2, conv 64 5×5 VALID ReLU, max-pool 2,
   * dense 128 ReLU, dense 10, softmax CE, SGD momentum 0.9 weight decay 5e-4.
   */
  LENET("lenet", 64, 28, 1);

  private final String label;
  private final int batch;
  private final int side;
  private final int channels;

  CnnModel(String label, int batch, int side, int channels) {
    this.label = label;
    this.batch = batch;
    this.side = side;
    this.channels = channels;
  }

  public String label() {
    return label;
  }

  public int batch() {
    return batch;
  }

  /** The row label of the tables, e.g. {@code lenet [64, 28, 28, 1]}. */
  public String description() {
    return label + " [" + batch + ", " + side + ", " + side + ", " + channels + "]";
  }

  /** The model defined with the DSL, float32. */
  public Model define() {
    return Model.define(label, m -> {
      m.dtype(F32).seed(42);
      Tensor x = m.input("x", BATCH, side, side, channels);
      Tensor y = m.input("y", BATCH, 10);
      Tensor h;
      if (this == CNN_DIGITS) {
        h = m.conv2d("conv1", x, 16, 3, c -> c.padding(SAME).activation(RELU));
        h = m.conv2d("conv2", h, 32, 3, c -> c.padding(SAME).activation(RELU));
        h = m.dense("out", flatten(maxPool2d(h, 2)), 10);
      } else {
        h = maxPool2d(m.conv2d("conv1", x, 32, 5, c -> c.activation(RELU)), 2);
        h = maxPool2d(m.conv2d("conv2", h, 64, 5, c -> c.activation(RELU)), 2);
        h = m.dense("fc1", flatten(h), 128, d -> d.activation(RELU));
        h = m.dense("out", h, 10);
      }
      m.output("logits", h);
      m.minimize(softmaxCrossEntropy(h, y));
    });
  }

  public Optimizer optimizer() {
    return this == CNN_DIGITS ? adamW(1e-3).weightDecay(1e-2).excludeFromWeightDecay("*/bias")
        : sgd(0.01).momentum(0.9).weightDecay(5e-4);
  }

  /** {@code 2·m·k·n} for each product of a step (see the class comment). */
  public long flopsPerStep() {
    if (this == CNN_DIGITS) {
      long conv1 = conv(batch * 64L, 9, 16);
      long conv2 = conv(batch * 64L, 144, 32);
      long out = conv(batch, 512, 10);
      return 2 * conv1 + 3 * conv2 + 3 * out;
    }
    long conv1 = conv(batch * 576L, 25, 32);
    long conv2 = conv(batch * 64L, 800, 64);
    long fc1 = conv(batch, 1024, 128);
    long out = conv(batch, 128, 10);
    return 2 * conv1 + 3 * conv2 + 3 * fc1 + 3 * out;
  }

  /** FLOPs of the convolutions alone (forward, kernel and input gradients), for their GFLOP/s. */
  public long convFlopsPerStep() {
    if (this == CNN_DIGITS) {
      return 2 * conv(batch * 64L, 9, 16) + 3 * conv(batch * 64L, 144, 32);
    }
    return 2 * conv(batch * 576L, 25, 32) + 3 * conv(batch * 64L, 800, 64);
  }

  private static long conv(long m, long k, long n) {
    return 2 * m * k * n;
  }

  /** A fixed batch: pixels uniform in [0, 1), one-hot labels of uniform classes. */
  public Map<String, float[]> batch(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[batch * side * side * channels];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble();
    }
    float[] y = new float[batch * 10];
    for (int b = 0; b < batch; b++) {
      y[b * 10 + r.nextInt(10)] = 1;
    }
    return Map.of("x", x, "y", y);
  }

  /** A timed step of {@code exe} on a fixed batch. */
  TrainStep step(Executable exe) {
    Map<String, float[]> in = batch(7);
    return () -> exe.trainStepFloats(in);
  }

  public static CnnModel of(String label) {
    for (CnnModel m : values()) {
      if (m.label.equalsIgnoreCase(label)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown model '" + label + "', expected cnn_digits or lenet");
  }
}
