package dev.cortado.dsl;

import dev.cortado.codegen.Codegen;
import dev.cortado.codegen.compile.InMemoryCompiler;
import dev.cortado.codegen.pass.Passes;
import dev.cortado.ir.Graph;
import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.Executable;

/**
 * The bridge from a model to the code generator. The whole pipeline, each step a named pure
 * function: verify → autodiff → optimizer (the step graph, {@link Model#trainingGraph}) →
 * simplify (the passes, per entry point and batch size) → schedule (fusion, kernels, buffers) →
 * emit (JavaParser) → compile (in-memory javac, cached by source hash). The last four run on the
 * first call with each batch size; {@code -Dcortado.dump=DIR} writes the IR after every pass,
 * the plan and the source.
 */
final class Compilation {
  private Compilation() {}

  /** The executable; {@code threads} 0 takes the default of {@link Codegen.Options#defaults()}. */
  static Executable compile(Model m, Optimizer optimizer, int threads) {
    Codegen.Options o = Codegen.Options.defaults();
    if (o.cache() == null) {
      InMemoryCompiler.warmUpInBackground(); // javac warms up on another core while the step graph is built
    }
    Graph step = stepGraph(m, optimizer);
    return Codegen.compile(step, describe(optimizer), threads == 0 ? o : o.withThreads(threads));
  }

  static String source(Model m, Optimizer optimizer, String packageName, String className) {
    return source(m, optimizer, packageName, className, Codegen.DEFAULT_BATCH, false);
  }

  /** The source of the class for {@code batch}, with the split step's halves if {@code splitStep}. */
  static String source(Model m, Optimizer optimizer, String packageName, String className, int batch,
      boolean splitStep) {
    Graph step = stepGraph(m, optimizer);
    return Codegen.generateSource(step, describe(optimizer), batch, packageName, className,
        Codegen.Options.defaults().withSplitStep(splitStep));
  }

  /** verify → autodiff → optimizer: the graph one step runs (the forward graph for inference). */
  private static Graph stepGraph(Model m, Optimizer optimizer) {
    Graph forward = Passes.verify(m.graph());
    return optimizer == null ? forward : m.trainingGraph(optimizer);
  }

  private static String describe(Optimizer optimizer) {
    return optimizer == null ? "inference only" : optimizer.describe();
  }
}
