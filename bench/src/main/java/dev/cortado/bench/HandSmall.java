package dev.cortado.bench;

/**
 * 64-128-10 ReLU MLP, softmax cross-entropy, {@code torch.optim.AdamW(lr, betas, eps,
 * weight_decay)} on every parameter.
 */
final class HandSmall extends HandMlp {
  static final float LR = 1e-3f;
  static final float WEIGHT_DECAY = 1e-2f;
  static final float BETA1 = 0.9f;
  static final float BETA2 = 0.999f;
  static final float EPS = 1e-8f;

  private int t;
  private float stepSize;
  private float invSqrtC2;

  HandSmall(Matmul mm, int batch, long seed) {
    super(mm, batch, new int[] {64, 128, 10}, 2, seed);
  }

  @Override
  float loss(float[][] prediction, float[][] target, float[][] grad) {
    return Losses.softmaxCrossEntropy(prediction, target, grad);
  }

  @Override
  void beginUpdate() {
    t++;
    stepSize = (float) (LR / (1 - Math.pow(BETA1, t)));
    invSqrtC2 = (float) (1 / Math.sqrt(1 - Math.pow(BETA2, t)));
  }

  @Override
  void update(float[] param, float[] grad, float[] m, float[] v) {
    Updates.adamW(param, grad, m, v, 1f - LR * WEIGHT_DECAY, BETA1, BETA2, EPS, stepSize, invSqrtC2);
  }
}
