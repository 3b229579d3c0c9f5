package dev.cortado.dsl.optim;

import static dev.cortado.dsl.Cortado.*;

import dev.cortado.dsl.Dense;
import dev.cortado.dsl.Model;
import dev.cortado.interp.Interpreter;
import dev.cortado.ir.Graph;
import dev.cortado.ir.Node;
import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.Executable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/** A small F64 model (3 → 4 tanh → 2, mse) and seeded batches for the optimizer tests. */
final class Fixtures {
  private Fixtures() {}

  /** fc1 (tanh) and fc2, each configured by its consumer; the loss is mse plus every regularization term. */
  static Model mlp(String name, Consumer<Dense> fc1, Consumer<Dense> fc2) {
    return Model.define(name, m -> {
      m.dtype(F64);
      m.seed(7);
      var x = m.input("x", BATCH, 3);
      var y = m.input("y", BATCH, 2);
      var h = m.dense("fc1", x, 4, d -> {
        d.activation(TANH);
        fc1.accept(d);
      });
      var out = m.dense("fc2", h, 2, fc2);
      m.output("out", out);
      m.minimize(mse(out, y).add(addN(m.collection(REGULARIZATION_LOSSES))));
    });
  }

  static Model mlp(String name) {
    return mlp(name, d -> { }, d -> { });
  }

  /** Batch {@code s} of 5 rows, drawn from a seed. */
  static Map<String, double[]> batch(int s) {
    SplittableRandom r = new SplittableRandom(1000 + s);
    Map<String, double[]> in = new LinkedHashMap<>();
    in.put("x", r.doubles(15, -2, 2).toArray());
    in.put("y", r.doubles(10, -1, 1).toArray());
    return in;
  }

  /** The training interpreter of {@code m} with {@code opt}. */
  static Interpreter interp(Model m, Optimizer opt) {
    return (Interpreter) m.interpret(opt);
  }

  /** Each trainable parameter's gradient of the total loss at the executable's current values. */
  static Map<String, double[]> gradients(Interpreter exe, Map<String, double[]> batch) {
    Graph g = exe.graph();
    List<Node> nodes = new ArrayList<>(g.gradients().values());
    var values = exe.run(batch, nodes, true);
    Map<String, double[]> out = new LinkedHashMap<>();
    int i = 0;
    for (String k : g.gradients().keySet()) {
      out.put(k, values.get(i++).data());
    }
    return out;
  }

  /** Every parameter's current value. */
  static Map<String, double[]> params(Executable exe) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (String n : exe.parameterNames()) {
      out.put(n, exe.parameter(n));
    }
    return out;
  }

  /** Copies every parameter from one executable to another. */
  static void copyParams(Executable from, Executable to) {
    params(from).forEach(to::setParameter);
  }

  /** The messages logged to {@code loggerName} (java.util.logging, System.Logger's default) while {@code body} runs. */
  static List<String> logged(String loggerName, Runnable body) {
    List<String> out = new ArrayList<>();
    java.util.logging.Handler h = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        out.add(r.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    java.util.logging.Logger log = java.util.logging.Logger.getLogger(loggerName);
    log.addHandler(h);
    try {
      body.run();
    } finally {
      log.removeHandler(h);
    }
    return out;
  }

  static double maxRelDiff(double[] a, double[] b) {
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1e-12, Math.abs(a[i])));
    }
    return worst;
  }
}
