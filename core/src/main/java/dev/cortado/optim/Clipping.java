package dev.cortado.optim;

import dev.cortado.ir.Attrs;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.op.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient clipping, applied to the gradient of the total loss before any coupled decay and
 * before the optimizer's rule, in this order where several are set (0 = off):
 *
 * <ul>
 *   <li>by value: {@code g ← min(max(g, -v), v)} ({@code torch.nn.utils.clip_grad_value_},
 *       Keras {@code clipvalue});
 *   <li>by norm, per parameter: {@code g ← g·c / max(‖g‖, c)} ({@code tf.clip_by_norm}, Keras
 *       {@code clipnorm});
 *   <li>by global norm over every trainable parameter: {@code g ← g·min(1, c / (‖G‖ + 1e-6))}
 *       with {@code ‖G‖ = √Σ‖g‖²} ({@code torch.nn.utils.clip_grad_norm_}).
 * </ul>
 */
record Clipping(double value, double norm, double globalNorm) {
  static final Clipping NONE = new Clipping(0, 0, 0);

  boolean isOff() {
    return value == 0 && norm == 0 && globalNorm == 0;
  }

  /** The clipped gradients, in the order given. */
  List<Node> apply(GraphBuilder b, List<Node> grads) {
    List<Node> out = new ArrayList<>();
    for (Node g : grads) {
      if (value > 0) {
        b.note(value, "the clip value: each gradient element is clamped to [-" + value + ", " + value + "]");
        b.note(-value, "minus the clip value");
        g = b.apply(Op.MINIMUM, Attrs.NONE,
            b.apply(Op.MAXIMUM, Attrs.NONE, g, b.constant(-value)), b.constant(value));
      }
      if (norm > 0) {
        Node n = b.unary(Op.SQRT, squaredNorm(b, g));
        b.note(norm, "the largest norm of one parameter's gradient (clipByNorm)");
        Node limit = b.constant(norm);
        g = b.div(b.mul(g, limit), b.apply(Op.MAXIMUM, Attrs.NONE, n, limit));
      }
      out.add(g);
    }
    if (globalNorm > 0 && !out.isEmpty()) {
      Node total = null;
      for (Node g : out) {
        Node s = squaredNorm(b, g);
        total = total == null ? s : b.add(total, s);
      }
      b.note(globalNorm, "the largest norm of all the gradients together (clipByGlobalNorm)");
      b.note(1e-6, "added to the global norm before dividing by it, as torch.nn.utils.clip_grad_norm_ does");
      Node coef = b.apply(Op.MINIMUM, Attrs.NONE,
          b.div(b.constant(globalNorm), b.add(b.unary(Op.SQRT, total), b.constant(1e-6))),
          b.constant(1.0));
      out.replaceAll(g -> b.mul(g, coef));
    }
    return out;
  }

  private static Node squaredNorm(GraphBuilder b, Node g) {
    return b.sum(b.unary(Op.SQUARE, g));
  }

  String describe() {
    StringBuilder sb = new StringBuilder();
    if (value > 0) {
      sb.append(", clipByValue=").append(value);
    }
    if (norm > 0) {
      sb.append(", clipByNorm=").append(norm);
    }
    if (globalNorm > 0) {
      sb.append(", clipByGlobalNorm=").append(globalNorm);
    }
    return sb.toString();
  }
}
