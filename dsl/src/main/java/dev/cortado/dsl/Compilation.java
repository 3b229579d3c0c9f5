package dev.cortado.dsl;

import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.Executable;

/** The bridge from a model to the code generator: the back half of the pipeline. */
final class Compilation {
  private Compilation() {}

  static Executable compile(Model m, Optimizer optimizer) {
    throw new UnsupportedOperationException("the code generator is not wired in yet; use interpret(...)");
  }

  static String source(Model m, Optimizer optimizer, String packageName, String className) {
    throw new UnsupportedOperationException("the code generator is not wired in yet; use interpret(...)");
  }
}
