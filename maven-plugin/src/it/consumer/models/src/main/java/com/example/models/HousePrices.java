package com.example.models;

import static dev.cortado.dsl.Cortado.*;

import dev.cortado.dsl.ModelDefinition;
import dev.cortado.dsl.Tensor;

/**
 * A 4-16-1 regression network trained with SGD, L2 on the kernels. It declares its optimizer,
 * so the plugin generates its training step.
 */
public final class HousePrices extends ModelDefinition {
  @Override
  protected void define() {
    seed(42);
    optimizer(sgd(0.05));
    Tensor x = input("x", BATCH, 4);
    Tensor y = input("y", BATCH, 1);
    Tensor h = dense("hidden", x, 16, d -> d.activation(RELU).kernelRegularizer(l2(1e-3)));
    Tensor price = dense("out", h, 1);
    output("price", price);
    minimize(mse(price, y));
  }
}
