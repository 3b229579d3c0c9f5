package dev.cortado.bench;

/**
 * 784-256-128-10 ReLU MLP, softmax cross-entropy, {@code torch.optim.SGD(lr, momentum=0.9,
 * weight_decay=5e-4)} on every parameter.
 */
final class HandMnist extends HandMlp {
  static final float LR = 0.01f;
  static final float MOMENTUM = 0.9f;
  static final float WEIGHT_DECAY = 5e-4f;

  HandMnist(Matmul mm, int batch, long seed) {
    super(mm, batch, new int[] {784, 256, 128, 10}, 1, seed);
  }

  @Override
  float loss(float[][] prediction, float[][] target, float[][] grad) {
    return Losses.softmaxCrossEntropy(prediction, target, grad);
  }

  @Override
  void update(float[] param, float[] grad, float[] buf, float[] unused) {
    Updates.sgdMomentum(param, grad, buf, LR, MOMENTUM, WEIGHT_DECAY);
  }
}
