package dev.cortado.ir;

import dev.cortado.runtime.ModelSpec;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The two halves of a training-step graph, for gradient accumulation and data-parallel training.
 * The training graph holds, for each trainable parameter {@code p}, the gradient {@code g_p} of
 * the total loss and a buffer variable {@code state/gradient/p} ({@link
 * VariableInfo.Role#GRADIENT}). The halves are graphs with the same variables:
 *
 * <ul>
 *   <li>{@link #gradientHalf}: the losses; the buffer of each parameter takes {@code g_p}; frozen
 *       variables the forward pass writes (moving statistics) take their new values. No
 *       parameter, optimizer state or step count changes.
 *   <li>{@link #applyHalf}: every other update of the step (parameters, optimizer state, step
 *       counts), rebuilt with each {@code g_p} read from its buffer instead of computed.
 * </ul>
 *
 * The apply half's nodes are the step's update nodes, op for op, so the halves compute the same
 * values as the fused step when the buffers hold the step's own gradients.
 */
public final class StepSplit {
  private StepSplit() {}

  /**
   * Whether {@code step} has gradient buffers to split through.
   *
   * @param step a training-step graph
   * @return true if it has gradient buffers
   */
  public static boolean splits(Graph step) {
    return !step.updates().isEmpty() && step.variables().values().stream()
        .anyMatch(v -> v.role() == VariableInfo.Role.GRADIENT);
  }

  /**
   * Whether variable {@code name}'s update belongs to the gradient half (a frozen parameter the
   * forward pass writes).
   *
   * @param step a training-step graph
   * @param name a variable's full name
   * @return true for a forward-written frozen variable
   */
  public static boolean writtenByGradientHalf(Graph step, String name) {
    VariableInfo v = step.variables().get(name);
    return v.role() == VariableInfo.Role.PARAMETER && !v.trainable();
  }

  /**
   * The gradient half of {@code step}: losses, gradient buffers and forward-written state.
   *
   * @param step a training-step graph that splits
   * @return the new graph
   */
  public static Graph gradientHalf(Graph step) {
    GraphBuilder b = GraphBuilder.from(step);
    b.updates.clear();
    step.updates().forEach((name, u) -> {
      if (writtenByGradientHalf(step, name)) {
        b.updates.put(name, u);
      }
    });
    step.gradients().forEach((name, g) -> b.updates.put(ModelSpec.gradientBuffer(name), g));
    return b.build();
  }

  /**
   * The apply half of {@code step}: its updates of parameters and optimizer state, each gradient
   * read from its buffer. It reads no input.
   *
   * @param step a training-step graph that splits
   * @return the new graph
   * @throws IllegalStateException if an update reads an input other than through a gradient
   */
  public static Graph applyHalf(Graph step) {
    Map<Node, Node> grads = new HashMap<>();
    step.gradients().forEach((name, g) -> grads.put(g, step.variables().get(ModelSpec.gradientBuffer(name)).node()));
    boolean[] live = new boolean[step.nodes().size()];
    ArrayDeque<Node> todo = new ArrayDeque<>();
    step.updates().forEach((name, u) -> {
      if (!writtenByGradientHalf(step, name)) {
        todo.add(u);
      }
    });
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      if (live[n.id()]) {
        continue;
      }
      live[n.id()] = true;
      Node buffer = grads.get(n);
      if (buffer != null) {
        live[buffer.id()] = true;
      } else if (n.op() == dev.cortado.op.Op.INPUT) {
        throw new IllegalStateException("the update of model '" + step.name() + "' reads input '" + n.name()
            + "' other than through a gradient: its step cannot be split");
      } else {
        todo.addAll(n.inputs());
      }
    }
    GraphBuilder b = new GraphBuilder(step.name(), step.dtype());
    Node[] map = new Node[live.length];
    // leaves first, in their order (a buffer variable comes after the gradient it replaces)
    for (Node n : step.nodes()) {
      switch (n.op()) {
        case INPUT -> map[n.id()] = b.input(n.name(), n.shape());
        case HYPER -> map[n.id()] = b.hyper(n.name(), n.attrs().value());
        case VARIABLE -> map[n.id()] = b.variable(step.variables().get(n.name()));
        default -> { }
      }
    }
    for (Node n : step.nodes()) {
      Node buffer = grads.get(n);
      if (buffer != null && live[n.id()]) {
        map[n.id()] = map[buffer.id()];
      } else if (map[n.id()] == null && live[n.id()]) {
        List<Node> in = n.inputs().stream().map(x -> map[x.id()]).toList();
        String old = b.labelPrefix(scope(n.name()));
        map[n.id()] = b.apply(n.op(), n.attrs(), in.toArray(new Node[0]));
        b.labelPrefix(old);
      }
    }
    step.updates().forEach((name, u) -> {
      if (!writtenByGradientHalf(step, name)) {
        b.update(name, map[u.id()]);
      }
    });
    return b.build();
  }

  private static String scope(String label) {
    int slash = label.lastIndexOf('/');
    return slash < 0 ? "" : label.substring(0, slash + 1);
  }
}
