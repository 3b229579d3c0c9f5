package com.example.models;

import static dev.cortado.dsl.Cortado.*;

import dev.cortado.dsl.ModelDefinition;
import dev.cortado.dsl.Tensor;

/** Is a point of the plane inside the circle of radius 0.8? A 2-16-2 classifier trained with Adam. */
public final class Circle extends ModelDefinition {
  @Override
  protected void define() {
    optimizer(adam(0.01));          // a training class; without optimizer(...), inference only
    Tensor x = input("x", BATCH, 2);
    Tensor y = input("y", BATCH, 2);
    Tensor h = dense("hidden", x, 16, d -> d.activation(RELU).kernelRegularizer(l2(1e-4)));
    Tensor logits = dense("out", h, 2);
    output("probs", logits.softmax());
    minimize(softmaxCrossEntropy(logits, y));
  }
}
