package dev.cortado.optim;

import dev.cortado.autodiff.Autodiff;
import dev.cortado.ir.Graph;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.VariableInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The front half of the pipeline: a model's forward graph, differentiated and given its
 * optimizer's updates, becomes the training-step graph that the interpreter runs and the
 * code generator compiles.
 */
public final class TrainingGraph {
  private TrainingGraph() {}

  /** A projection applied to a parameter's new value after each update (a Keras constraint). */
  @FunctionalInterface
  public interface Projection {
    /**
     * Adds the projection of a parameter's updated value.
     *
     * @param b the builder of the training graph
     * @param updated the parameter's value after the optimizer's update
     * @return the projected value, of the same shape
     */
    Node apply(GraphBuilder b, Node updated);
  }

  /**
   * Differentiates {@code forward}'s total loss with respect to every trainable parameter, adds
   * the optimizer's updates and then each parameter's projection.
   *
   * @param forward the forward graph, with a total loss
   * @param optimizer the optimizer
   * @param projections each constrained parameter's projection, by full name
   * @return the training graph
   */
  public static Graph build(Graph forward, Optimizer optimizer, Map<String, Projection> projections) {
    return build(forward, optimizer, projections, Map.of());
  }

  /**
   * As {@link #build(Graph, Optimizer, Map)}, and every frozen variable named in
   * {@code stateUpdates} (batch normalization's moving statistics) takes the value of its node of
   * {@code forward} after the step: state the step itself writes, with no gradient, no decay and
   * no optimizer state.
   *
   * @param forward the forward graph, with a total loss
   * @param optimizer the optimizer
   * @param projections each constrained parameter's projection, by full name
   * @param stateUpdates each such variable's new-value node in {@code forward}, by full name
   * @return the training graph
   */
  public static Graph build(Graph forward, Optimizer optimizer, Map<String, Projection> projections,
      Map<String, Node> stateUpdates) {
    Node loss = forward.losses().get(Graph.LOSS);
    if (loss == null) {
      throw new IllegalStateException("model '" + forward.name()
          + "' has no loss to train: call minimize(loss) in its definition, or compile it for inference");
    }
    GraphBuilder b = GraphBuilder.from(forward);
    List<Node> wrt = new ArrayList<>();
    List<VariableInfo> infos = new ArrayList<>();
    for (VariableInfo v : forward.variables().values()) {
      if (v.role() == VariableInfo.Role.PARAMETER && v.trainable()) {
        wrt.add(v.node());
        infos.add(v);
      }
    }
    Map<Node, Node> grads = Autodiff.gradients(b, loss, wrt);
    List<UpdateContext.Param> params = new ArrayList<>();
    for (int i = 0; i < wrt.size(); i++) {
      Node g = grads.get(wrt.get(i));
      VariableInfo v = infos.get(i);
      b.gradient(v.name(), g);
      params.add(new UpdateContext.Param(v.name(), wrt.get(i), g, v.purpose()));
    }
    // the split step's hand-over between its halves (StepSplit); never read by the fused step
    for (VariableInfo v : infos) {
      b.variable(dev.cortado.runtime.ModelSpec.gradientBuffer(v.name()), v.shape(), VariableInfo.Role.GRADIENT, false,
          new double[v.shape().size(1)]);
    }
    String old = b.labelPrefix("update/");
    optimizer.buildUpdates(new UpdateContext(b, params));
    projections.forEach((name, proj) -> {
      Node updated = b.updates().get(name);
      if (updated != null) {
        b.update(name, proj.apply(b, updated));
      }
    });
    stateUpdates.forEach((name, value) -> {
      VariableInfo v = forward.variables().get(name);
      if (v == null || (v.role() == VariableInfo.Role.PARAMETER && v.trainable()) || b.updates().containsKey(name)) {
        throw new IllegalArgumentException("variable '" + name + "' cannot be written by the step: it is "
            + (v == null ? "not a variable of model '" + forward.name() + "'" : "trainable or updated already"));
      }
      b.update(name, value);
    });
    VariableInfo step = forward.variables().get(Graph.GLOBAL_STEP);
    if (step != null && step.role() == VariableInfo.Role.STATE) {
      b.update(Graph.GLOBAL_STEP, b.add(step.node(), b.constant(1)));
    }
    b.labelPrefix(old);
    return b.build();
  }
}
