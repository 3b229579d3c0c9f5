package com.example.models;

import static dev.cortado.dsl.Cortado.*;

import dev.cortado.dsl.ModelDefinition;
import dev.cortado.dsl.Tensor;

/** A 4-8-3 softmax classifier in float64 with no optimizer: the plugin generates inference only. */
public final class Species extends ModelDefinition {
  @Override
  protected void define() {
    dtype(F64);
    seed(3);
    Tensor x = input("x", BATCH, 4);
    Tensor h = dense("fc1", x, 8, d -> d.activation(TANH));
    output("probs", dense("fc2", h, 3).softmax());
  }
}
