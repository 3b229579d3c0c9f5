package dev.cortado.dsl;

import dev.cortado.interp.Interpreter;
import dev.cortado.ir.Graph;
import dev.cortado.ir.Node;
import dev.cortado.op.NDArray;
import dev.cortado.optim.TrainingGraph;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The result of {@link Model#checkGradients}: for each trainable variable, the worst relative
 * error {@code |analytic - numeric| / max(|analytic| + |numeric|, 1e-8)} between the autodiff
 * gradient and central differences {@code (L(w+h) - L(w-h)) / 2h}, over up to
 * {@link #MAX_ELEMENTS} elements per variable.
 */
public record GradientCheck(Map<String, Double> worstRelativeError) {
  /** Elements checked per variable at most (a seeded sample beyond that). */
  public static final int MAX_ELEMENTS = 64;

  /**
   * The worst error over every variable.
   *
   * @return the largest relative error, 0 for no variable
   */
  public double worst() {
    return worstRelativeError.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }

  /**
   * True when every variable's worst error is below {@code tolerance}.
   *
   * @param tolerance the bound, e.g. 1e-6 for an F64 model
   * @return whether every error is below it
   */
  public boolean passes(double tolerance) {
    return worst() < tolerance;
  }

  static GradientCheck run(Model model, Map<String, double[]> batch) {
    Graph g = model.trainingGraph(ctx -> {
      // no updates: only the gradients are wanted
    });
    Interpreter interp = new Interpreter(g);
    Node loss = g.losses().get(Graph.LOSS);
    List<Node> grads = new ArrayList<>(g.gradients().values());
    List<NDArray> analytic = interp.run(batch, grads, false);
    Map<String, Double> worst = new LinkedHashMap<>();
    int k = 0;
    SplittableRandom rng = new SplittableRandom(7);
    for (String name : g.gradients().keySet()) {
      double[] a = analytic.get(k++).data();
      double[] w = interp.parameter(name);
      int count = Math.min(MAX_ELEMENTS, w.length);
      double max = 0;
      for (int j = 0; j < count; j++) {
        int i = w.length <= MAX_ELEMENTS ? j : rng.nextInt(w.length);
        double h = 1e-6 * Math.max(1, Math.abs(w[i]));
        double[] p = w.clone();
        p[i] = w[i] + h;
        interp.setParameter(name, p);
        double up = interp.run(batch, List.of(loss), false).get(0).get(0);
        p[i] = w[i] - h;
        interp.setParameter(name, p);
        double down = interp.run(batch, List.of(loss), false).get(0).get(0);
        interp.setParameter(name, w);
        double numeric = (up - down) / (2 * h);
        max = Math.max(max, Math.abs(a[i] - numeric) / Math.max(Math.abs(a[i]) + Math.abs(numeric), 1e-8));
      }
      worst.put(name, max);
    }
    return new GradientCheck(java.util.Collections.unmodifiableMap(worst));
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("gradient check (worst relative error by variable):\n");
    worstRelativeError.forEach((k, v) -> sb.append(String.format("  %-30s %.3e%n", k, v)));
    return sb.toString();
  }
}
