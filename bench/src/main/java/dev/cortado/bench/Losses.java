package dev.cortado.bench;

/**
 * Each loss and its gradient with respect to the prediction in one pass over the rows, float32.
 */
final class Losses {
  private Losses() {}

  /**
   * Softmax cross-entropy, the mean over the batch of {@code -Σ_n labels[b][n]·logSoftmax(z[b])[n]};
   * writes {@code d[b][n] = (softmax(z[b])[n]·Σ_n labels[b][n] - labels[b][n]) / B}, the gradient
   * of that mean, and returns the loss.
   */
  static float softmaxCrossEntropy(float[][] z, float[][] labels, float[][] d) {
    int batch = z.length;
    float invBatch = 1f / batch;
    float total = 0f;
    for (int b = 0; b < batch; b++) {
      float[] zb = z[b];
      float[] lb = labels[b];
      float[] db = d[b];
      float max = zb[0];
      for (int n = 1; n < zb.length; n++) {
        max = Math.max(max, zb[n]);
      }
      float sum = 0f;
      float labelSum = 0f;
      float dot = 0f;
      for (int n = 0; n < zb.length; n++) {
        float e = (float) Math.exp(zb[n] - max);
        db[n] = e;
        sum += e;
        labelSum += lb[n];
        dot += lb[n] * zb[n];
      }
      float logSumExp = max + (float) Math.log(sum);
      total += labelSum * logSumExp - dot;
      float scale = labelSum / sum * invBatch;
      for (int n = 0; n < zb.length; n++) {
        db[n] = db[n] * scale - lb[n] * invBatch;
      }
    }
    return total * invBatch;
  }

  /**
   * Mean squared error over all {@code B·N} elements; writes {@code d = 2·(p - y) / (B·N)} and
   * returns the loss.
   */
  static float meanSquaredError(float[][] p, float[][] y, float[][] d) {
    int count = p.length * p[0].length;
    float scale = 2f / count;
    float total = 0f;
    for (int b = 0; b < p.length; b++) {
      float[] pb = p[b];
      float[] yb = y[b];
      float[] db = d[b];
      for (int n = 0; n < pb.length; n++) {
        float e = pb[n] - yb[n];
        total = Math.fma(e, e, total);
        db[n] = scale * e;
      }
    }
    return total / count;
  }
}
