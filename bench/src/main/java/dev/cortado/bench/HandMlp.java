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
 *       place);
 *   <li>the loss and its gradient {@code delta[L-1]} in one pass ({@link #loss});
 *   <li>backward, last layer first: {@code Wᵀ} is copied before the update, the input gradient
 *       {@code delta[l-1] = (delta[l]·Wᵀ) ⊙ [act[l] > 0]} is formed from the copy (not for the
 *       first layer: the data needs no gradient), then each row {@code k} of {@code dW =
 *       act[l]ᵀ·delta[l]} is computed into a scratch row and the optimizer updates row {@code k}
 *       of {@code W} at once, while it is in L1; the bias last.
 * </ol>
 */
abstract class HandMlp {
  final int batch;
  final int[] sizes;
  final float[][][] kernels;
  final float[][] biases;
  /** Optimizer state slots, each shaped like the kernels / biases. */
  final float[][][][] kernelState;
  final float[][][] biasState;
  private final float[][][] transposed;
  private final float[][][] act;
  private final float[][][] delta;
  private final float[][] gradRows;

  /**
   * Initializes the parameters as {@code torch.nn.Linear} does, uniform in {@code ±1/sqrt(in)}
   * for kernel and bias, drawn layer by layer (kernel row-major, then bias) from {@code seed}.
   */
  HandMlp(int batch, int[] sizes, int stateSlots, long seed) {
    this.batch = batch;
    this.sizes = sizes.clone();
    int layers = sizes.length - 1;
    kernels = new float[layers][][];
    biases = new float[layers][];
    transposed = new float[layers][][];
    act = new float[layers + 1][][];
    delta = new float[layers][][];
    gradRows = new float[layers][];
    kernelState = new float[stateSlots][layers][][];
    biasState = new float[stateSlots][layers][];
    SplittableRandom random = new SplittableRandom(seed);
    for (int l = 0; l < layers; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      double bound = 1 / Math.sqrt(in);
      kernels[l] = new float[in][out];
      biases[l] = new float[out];
      for (float[] row : kernels[l]) {
        for (int n = 0; n < out; n++) {
          row[n] = (float) random.nextDouble(-bound, bound);
        }
      }
      for (int n = 0; n < out; n++) {
        biases[l][n] = (float) random.nextDouble(-bound, bound);
      }
      transposed[l] = l > 0 ? new float[out][in] : null;
      act[l + 1] = new float[batch][out];
      delta[l] = new float[batch][out];
      gradRows[l] = new float[out];
      for (int s = 0; s < stateSlots; s++) {
        kernelState[s][l] = new float[in][out];
        biasState[s][l] = new float[out];
      }
    }
  }

  /** Runs one training step on {@code x[batch][in]} and returns the loss before the update. */
  final float step(float[][] x, float[][] target) {
    int layers = kernels.length;
    act[0] = x;
    for (int l = 0; l < layers; l++) {
      Kernels.dense(act[l], kernels[l], biases[l], act[l + 1]);
      if (l < layers - 1) {
        Kernels.relu(act[l + 1]);
      }
    }
    float loss = loss(act[layers], target, delta[layers - 1]);
    beginUpdate();
    for (int l = layers - 1; l >= 0; l--) {
      float[][] w = kernels[l];
      if (l > 0) {
        Kernels.transpose(w, transposed[l]);
        Kernels.inputGrad(delta[l], transposed[l], act[l], delta[l - 1]);
      }
      float[] g = gradRows[l];
      for (int k = 0; k < w.length; k++) {
        Kernels.gradRow(act[l], k, delta[l], g);
        update(w[k], g, state(0, l, k), state(1, l, k));
      }
      Kernels.columnSums(delta[l], g);
      update(biases[l], g, state(0, l, -1), state(1, l, -1));
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
