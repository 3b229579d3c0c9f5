package dev.cortado.ir;

/**
 * What a model parameter is for, as the layer that made it says: the handle by which an
 * optimizer's {@code excludeFromWeightDecay(Role...)} picks variables without naming them. A
 * kernel (a dense or convolution weight matrix) has no role: it is the default target of weight
 * decay. A variable's role is fixed when it is created and survives every graph rewrite.
 */
public enum Role {
  /** An additive bias: {@code dense}'s {@code bias}. */
  BIAS,
  /** A normalization layer's scale and shift: {@code gamma} and {@code beta} of {@code layerNorm} and {@code batchNorm}. */
  NORMALIZATION,
  /** An embedding table: {@code embedding}'s {@code embeddings}. */
  EMBEDDING
}
