package com.example.models;

import static dev.cortado.dsl.Cortado.*;

import dev.cortado.dsl.ModelDefinition;
import dev.cortado.dsl.Tensor;

/** A small convolutional classifier of 6×6 two-channel images, trained with AdamW. */
public final class TinyCnn extends ModelDefinition {
  @Override
  protected void define() {
    seed(5);
    optimizer(adamW(1e-2).weightDecay(1e-2).excludeFromWeightDecay("*/bias"));
    Tensor x = input("x", BATCH, 6, 6, 2);
    Tensor y = input("y", BATCH, 3);
    Tensor h = conv2d("conv", x, 4, 3, c -> c.padding(SAME).activation(RELU));
    h = maxPool2d(h, 2);
    Tensor logits = dense("out", flatten(h), 3);
    output("logits", logits);
    minimize(softmaxCrossEntropy(logits, y));
  }
}
