package dev.cortado.bench;

import java.util.SplittableRandom;

/**
 * A hand-written float32 training step of a ReLU MLP: dense layers {@code fc1 … fcL} ({@code
 * y = x·W + b}, {@code W[in][out]}), ReLU after every layer but the last, a loss on the last
 * layer's output, and a per-row optimizer update. The "hand-written Java" column of the
 * benchmark, and the loop shapes that the codegen should reach (see {@link Kernels}).
 *
 * <p>One step, with no allocation:
 *
 * <ol>
 *   <li>forward: {@code act[l+1] = relu(act[l]·W_l + b_l)} ({@link Kernels#dense}, then ReLU in
 *       place); a narrow layer ({@code out < }{@value #NARROW}) computes {@code (Wᵀ·act[l]ᵀ)} on a
 *       transposed copy of its input, vector over the batch, and transposes the small result
 *       back;
 *   <li>the loss and its gradient {@code delta[L-1]} in one pass ({@link #loss});
 *   <li>backward, last layer first: the input gradient {@code delta[l-1] = (delta[l]·Wᵀ) ⊙
 *       [act[l] > 0]} from a transposed copy of {@code W} made before the update (a narrow layer
 *       stores {@code Wᵀ} and needs no copy); not for the first layer, whose input needs no
 *       gradient. Then each row of {@code dW = act[l]ᵀ·delta[l]} (a narrow layer: each row of
 *       {@code dWᵀ}) is computed into a scratch row and the optimizer updates that row of the
 *       kernel at once, while it is in L1; the bias last.
 * </ol>
 */
abstract class HandMlp {
  /** Layers with fewer outputs than this keep their kernel transposed (one AVX-512 vector). */
  static final int NARROW = 16;
  /** Weight-gradient rows computed per {@link Matmul#gradRows} call, then updated. */
  static final int ROWS = 4;

  final int batch;
  final int[] sizes;
  /** {@code W[in][out]}, or {@code Wᵀ[out][in]} for a narrow layer; see {@link #kernel}. */
  final float[][][] kernels;
  final float[][] biases;
  /** Optimizer state slots, each shaped like the kernels (as stored) / biases. */
  final float[][][][] kernelState;
  final float[][][] biasState;
  private final boolean[] narrow;
  /** {@code Wᵀ} of a wide layer (for its input gradient), {@code yᵀ[out][B]} of a narrow one. */
  private final float[][][] scratch;
  /** {@code act[l]ᵀ[in][B]}, the transposed input of a narrow layer. */
  private final float[][][] actT;
  private final float[][][] act;
  private final float[][][] delta;
  /** Blocks of {@value #ROWS} gradient rows, each as long as a row of the stored kernel. */
  private final float[][][] gradRows;
  private final Matmul mm;
  private final float[][] biasGrad;

  /**
   * Initializes the parameters as {@code torch.nn.Linear} does, uniform in {@code ±1/sqrt(in)}
   * for kernel and bias, drawn layer by layer (kernel {@code [in][out]} row-major, then bias) from
   * {@code seed}. The products run on {@code mm}.
   */
  HandMlp(Matmul mm, int batch, int[] sizes, int stateSlots, long seed) {
    this.mm = mm;
    this.batch = batch;
    this.sizes = sizes.clone();
    int layers = sizes.length - 1;
    kernels = new float[layers][][];
    biases = new float[layers][];
    narrow = new boolean[layers];
    scratch = new float[layers][][];
    actT = new float[layers][][];
    act = new float[layers + 1][][];
    delta = new float[layers][][];
    gradRows = new float[layers][][];
    biasGrad = new float[layers][];
    kernelState = new float[stateSlots][layers][][];
    biasState = new float[stateSlots][layers][];
    SplittableRandom random = new SplittableRandom(seed);
    for (int l = 0; l < layers; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      narrow[l] = out < NARROW;
      double bound = 1 / Math.sqrt(in);
      float[][] w = new float[in][out];
      for (float[] row : w) {
        for (int n = 0; n < out; n++) {
          row[n] = (float) random.nextDouble(-bound, bound);
        }
      }
      biases[l] = new float[out];
      for (int n = 0; n < out; n++) {
        biases[l][n] = (float) random.nextDouble(-bound, bound);
      }
      if (narrow[l]) {
        kernels[l] = new float[out][in];
        Kernels.transpose(w, kernels[l]);
        scratch[l] = new float[out][batch];
        actT[l] = new float[in][batch];
      } else {
        kernels[l] = w;
        scratch[l] = l > 0 ? new float[out][in] : null;
      }
      act[l + 1] = new float[batch][out];
      delta[l] = new float[batch][out];
      gradRows[l] = new float[ROWS][narrow[l] ? in : out];
      biasGrad[l] = new float[out];
      for (int s = 0; s < stateSlots; s++) {
        kernelState[s][l] = new float[kernels[l].length][kernels[l][0].length];
        biasState[s][l] = new float[out];
      }
    }
  }

  /** A copy of layer {@code l}'s kernel as {@code W[in][out]}, whatever its stored layout. */
  final float[][] kernel(int l) {
    float[][] w = kernels[l];
    if (!narrow[l]) {
      float[][] copy = new float[w.length][];
      for (int k = 0; k < w.length; k++) {
        copy[k] = w[k].clone();
      }
      return copy;
    }
    float[][] t = new float[w[0].length][w.length];
    Kernels.transpose(w, t);
    return t;
  }

  /** Runs one training step on {@code x[batch][in]} and returns the loss before the update. */
  float step(float[][] x, float[][] target) {
    int layers = kernels.length;
    act[0] = x;
    for (int l = 0; l < layers; l++) {
      if (narrow[l]) {
        float[][] yT = scratch[l];
        Kernels.transpose(act[l], actT[l]);
        for (int n = 0; n < yT.length; n++) {
          java.util.Arrays.fill(yT[n], biases[l][n]);
        }
        mm.acc(kernels[l], actT[l], yT);
        Kernels.transpose(yT, act[l + 1]);
      } else {
        Kernels.dense(mm, act[l], kernels[l], biases[l], act[l + 1]);
      }
      if (l < layers - 1) {
        Kernels.relu(act[l + 1]);
      }
    }
    float loss = loss(act[layers], target, delta[layers - 1]);
    beginUpdate();
    for (int l = layers - 1; l >= 0; l--) {
      float[][] w = kernels[l];
      if (l > 0) {
        float[][] wT = w;
        if (!narrow[l]) {
          wT = scratch[l];
          Kernels.transpose(w, wT);
        }
        Kernels.inputGrad(mm, delta[l], wT, act[l], delta[l - 1]);
      }
      float[][] g = gradRows[l];
      for (int r0 = 0; r0 < w.length; r0 += ROWS) {
        int count = Math.min(ROWS, w.length - r0);
        if (narrow[l]) {
          mm.gradRows(delta[l], r0, count, act[l], g);
        } else {
          mm.gradRows(act[l], r0, count, delta[l], g);
        }
        for (int r = 0; r < count; r++) {
          update(w[r0 + r], g[r], state(0, l, r0 + r), state(1, l, r0 + r));
        }
      }
      Kernels.columnSums(delta[l], biasGrad[l]);
      update(biases[l], biasGrad[l], state(0, l, -1), state(1, l, -1));
    }
    act[0] = null;
    return loss;
  }

  private float[] state(int slot, int layer, int row) {
    if (slot >= kernelState.length) {
      return null;
    }
    return row < 0 ? biasState[slot][layer] : kernelState[slot][layer][row];
  }

  /** Writes the gradient of the loss with respect to {@code prediction} into {@code grad}. */
  abstract float loss(float[][] prediction, float[][] target, float[][] grad);

  /** Called once per step before the first {@link #update} (step counters, bias corrections). */
  void beginUpdate() {}

  /** Updates one parameter row from its gradient row; {@code s0}, {@code s1}: state rows or null. */
  abstract void update(float[] param, float[] grad, float[] s0, float[] s1);

  /** Floating-point operations of one step: 2·B·in·out per matmul (forward, dW, dX but layer 1's). */
  static long flops(int batch, int... sizes) {
    long total = 0;
    for (int l = 0; l + 1 < sizes.length; l++) {
      long mm = 2L * batch * sizes[l] * sizes[l + 1];
      total += l == 0 ? 2 * mm : 3 * mm;
    }
    return total;
  }
}
