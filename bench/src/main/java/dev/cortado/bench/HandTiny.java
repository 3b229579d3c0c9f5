package dev.cortado.bench;

/** 4-16-3 ReLU MLP, MSE loss, {@code torch.optim.SGD(lr, weight_decay)} on every parameter. */
final class HandTiny extends HandMlp {
  static final float LR = 0.05f;
  static final float WEIGHT_DECAY = 1e-4f;

  HandTiny(int batch, long seed) {
    super(batch, new int[] {4, 16, 3}, 0, seed);
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
