package dev.cortado.bench;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The three models of the performance comparison, each a ReLU MLP in float32 with
 * layer sizes, a batch size, a loss and an optimizer; {@code bench/pytorch_peer.py} defines the
 * same three.
 *
 * <p>FLOPs per step count only the matrix products, {@code 2·m·k·n} each: forward {@code x·W},
 * weight gradient {@code xᵀ·dY} and input gradient {@code dY·Wᵀ} for every layer but the first
 * (the data needs no gradient, as in PyTorch); bias, activation, loss and update are left out.
 */
public enum BenchModel {
  /** 4-16-3, batch 16, MSE, SGD lr 0.05 with weight decay 1e-4. */
  TINY("tiny", 16, false, 4, 16, 3),
  /** 64-128-10, batch 32, softmax cross-entropy, AdamW lr 1e-3 weight decay 1e-2. */
  SMALL("small", 32, true, 64, 128, 10),
  /** 784-256-128-10, batch 64, softmax cross-entropy, SGD lr 0.01 momentum 0.9 wd 5e-4. */
  MNIST("mnist", 64, true, 784, 256, 128, 10);

  private final String label;
  private final int batch;
  private final boolean classifier;
  private final int[] sizes;

  BenchModel(String label, int batch, boolean classifier, int... sizes) {
    this.label = label;
    this.batch = batch;
    this.classifier = classifier;
    this.sizes = sizes;
  }

  /** The short name used on the command line and in the tables: tiny, small, mnist. */
  public String label() {
    return label;
  }

  /** The row label of the tables, e.g. {@code mnist 784-256-128-10 b64}. */
  public String description() {
    StringBuilder s = new StringBuilder(label).append(' ');
    for (int i = 0; i < sizes.length; i++) {
      s.append(i == 0 ? "" : "-").append(sizes[i]);
    }
    return s.append(" b").append(batch).toString();
  }

  /** The batch size. */
  public int batch() {
    return batch;
  }

  /** Layer widths, input first. */
  public int[] sizes() {
    return sizes.clone();
  }

  /** Whether the loss is softmax cross-entropy on one-hot labels (else MSE on real targets). */
  public boolean classifier() {
    return classifier;
  }

  /** Floating-point operations of one training step, by the convention in the class comment. */
  public long flopsPerStep() {
    return HandMlp.flops(batch, sizes);
  }

  /** The model by its label, case-insensitive. */
  public static BenchModel of(String label) {
    for (BenchModel m : values()) {
      if (m.label.equalsIgnoreCase(label)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown model '" + label + "', expected tiny, small or mnist");
  }

  HandMlp newHand(long seed) {
    return newHand(FourRows.forThisJvm(), seed);
  }

  /** The hand-written step with its products on {@code mm} (tiny's step has its own loops). */
  HandMlp newHand(Matmul mm, long seed) {
    switch (this) {
      case TINY:
        return new HandTiny(batch, seed);
      case SMALL:
        return new HandSmall(mm, batch, seed);
      default:
        return new HandMnist(mm, batch, seed);
    }
  }

  /**
   * A fixed batch drawn from {@code seed}: inputs uniform in [0, 1) for mnist and standard normal
   * otherwise; one-hot labels of uniform classes for classifiers, standard normal targets for
   * MSE.
   */
  Batch batch(long seed) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    int in = sizes[0];
    int out = sizes[sizes.length - 1];
    float[][] x = new float[batch][in];
    float[][] y = new float[batch][out];
    for (int b = 0; b < batch; b++) {
      for (int k = 0; k < in; k++) {
        x[b][k] = (float) (this == MNIST ? random.nextDouble() : gaussian(random));
      }
      if (classifier) {
        y[b][random.nextInt(out)] = 1f;
      } else {
        for (int n = 0; n < out; n++) {
          y[b][n] = (float) gaussian(random);
        }
      }
    }
    return new Batch(x, y);
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  @Override
  public String toString() {
    return label.toLowerCase(Locale.ROOT);
  }
}
