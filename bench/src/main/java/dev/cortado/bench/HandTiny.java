package dev.cortado.bench;

/**
 * 4-16-3 ReLU MLP at batch 16, MSE loss, {@code torch.optim.SGD(lr, weight_decay)} on every
 * parameter.
 *
 * <p>The generic loops of {@link HandMlp} are tuned for long rows; here every row is 16 or 3
 * floats, so the step is written out for these sizes instead: constant loop bounds (C2 unrolls
 * them completely), the 16-wide hidden rows as the vector dimension, the three outputs as scalars.
 * This is the shape the codegen's "tiny tensors unrolled into scalar statements" should reach.
 * Layout as in {@link HandMlp}: {@code kernels[0]} is {@code W1[4][16]}, {@code kernels[1]} is
 * the narrow layer's {@code W2ᵀ[3][16]}.
 */
final class HandTiny extends HandMlp {
  static final float LR = 0.05f;
  static final float WEIGHT_DECAY = 1e-4f;
  private static final int B = 16;
  private static final int IN = 4;
  private static final int H = 16;
  private static final int OUT = 3;

  private final float[][] h = new float[B][H];
  private final float[][] dh = new float[B][H];
  private final float[][] dz = new float[B][OUT];
  private final float[] g = new float[H];

  HandTiny(int batch, long seed) {
    super(Matmul.PLAIN, batch, new int[] {IN, H, OUT}, 0, seed);
    if (batch != B) {
      throw new IllegalArgumentException("HandTiny is written for batch " + B + ", got " + batch);
    }
  }

  @Override
  float step(float[][] x, float[][] y) {
    float[][] w1 = kernels[0];
    float[][] w2t = kernels[1];
    float[] b1 = biases[0];
    float[] b2 = biases[1];
    float[] v0 = w2t[0];
    float[] v1 = w2t[1];
    float[] v2 = w2t[2];
    float loss = 0f;
    float scale = 2f / (B * OUT);
    for (int b = 0; b < B; b++) {
      float[] xb = x[b];
      float[] hb = h[b];
      float a0 = xb[0];
      float a1 = xb[1];
      float a2 = xb[2];
      float a3 = xb[3];
      float[] r0 = w1[0];
      float[] r1 = w1[1];
      float[] r2 = w1[2];
      float[] r3 = w1[3];
      float z0 = b2[0];
      float z1 = b2[1];
      float z2 = b2[2];
      for (int j = 0; j < H; j++) {
        float s = Math.fma(a3, r3[j], Math.fma(a2, r2[j], Math.fma(a1, r1[j], Math.fma(a0, r0[j], b1[j]))));
        s = Math.max(s, 0f);
        hb[j] = s;
        z0 = Math.fma(s, v0[j], z0);
        z1 = Math.fma(s, v1[j], z1);
        z2 = Math.fma(s, v2[j], z2);
      }
      float[] yb = y[b];
      float e0 = z0 - yb[0];
      float e1 = z1 - yb[1];
      float e2 = z2 - yb[2];
      loss = Math.fma(e2, e2, Math.fma(e1, e1, Math.fma(e0, e0, loss)));
      float[] db = dz[b];
      db[0] = scale * e0;
      db[1] = scale * e1;
      db[2] = scale * e2;
      float[] dhb = dh[b];
      for (int j = 0; j < H; j++) {
        float d = Math.fma(db[2], v2[j], Math.fma(db[1], v1[j], db[0] * v0[j]));
        dhb[j] = d * Kernels.reluMask(hb[j]);
      }
    }
    // fc2: row o of dW2ᵀ = Σ_b dz[b][o]·h[b], then the update of that row; the bias.
    for (int o = 0; o < OUT; o++) {
      java.util.Arrays.fill(g, 0f);
      float gb = 0f;
      for (int b = 0; b < B; b++) {
        float d = dz[b][o];
        float[] hb = h[b];
        gb += d;
        for (int j = 0; j < H; j++) {
          g[j] = Math.fma(d, hb[j], g[j]);
        }
      }
      Updates.sgd(w2t[o], g, LR, WEIGHT_DECAY);
      b2[o] -= LR * Math.fma(WEIGHT_DECAY, b2[o], gb);
    }
    // fc1: row k of dW1 = Σ_b x[b][k]·dh[b], then its update; the bias from Σ_b dh[b].
    for (int k = 0; k < IN; k++) {
      java.util.Arrays.fill(g, 0f);
      for (int b = 0; b < B; b++) {
        float a = x[b][k];
        float[] dhb = dh[b];
        for (int j = 0; j < H; j++) {
          g[j] = Math.fma(a, dhb[j], g[j]);
        }
      }
      Updates.sgd(w1[k], g, LR, WEIGHT_DECAY);
    }
    Kernels.columnSums(dh, g);
    Updates.sgd(b1, g, LR, WEIGHT_DECAY);
    return loss / (B * OUT);
  }

  @Override
  float loss(float[][] prediction, float[][] target, float[][] grad) {
    return Losses.meanSquaredError(prediction, target, grad);
  }

  @Override
  void update(float[] param, float[] grad, float[] s0, float[] s1) {
    Updates.sgd(param, grad, LR, WEIGHT_DECAY);
  }
}
