package com.example.bad;

import static dev.cortado.dsl.Cortado.*;

import dev.cortado.dsl.ModelDefinition;
import dev.cortado.dsl.Tensor;

/** A definition whose define() fails: a 3-column input times a 4-row weight. */
public final class Throws extends ModelDefinition {
  @Override
  protected void define() {
    Tensor x = input("x", BATCH, 3);
    output("y", x.matmul(variable("w").shape(4, 2)));
  }
}
