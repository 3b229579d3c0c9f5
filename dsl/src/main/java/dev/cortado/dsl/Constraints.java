package dev.cortado.dsl;

import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;

/** Applies a user's {@link Constraint} (written with DSL ops) to a node of the training graph. */
final class Constraints {
  private Constraints() {}

  static Node project(GraphBuilder b, Constraint c, Node updated) {
    ModelBuilder scratch = ModelBuilder.over(b);
    Tensor out = c.apply(scratch.wrap(updated));
    if (!out.shape().equals(updated.shape())) {
      throw new IllegalArgumentException("constraint " + c + " changed the shape of '" + updated.name() + "' from "
          + updated.shape() + " to " + out.shape() + "; a constraint must keep the shape");
    }
    return out.node();
  }
}
