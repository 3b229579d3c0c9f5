package dev.cortado.dsl;

import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.ShapeException;

/**
 * The built-in {@link Constraint}s, with Keras's semantics (norms over {@code axis}, 0 by
 * default: for a dense kernel {@code [in, out]}, the incoming weights of each unit; ε = 1e-7),
 * and the bridge that applies a constraint to a node of the training graph.
 */
final class Constraints {
  private Constraints() {}

  /** Keras's {@code backend.epsilon()}. */
  static final double EPS = 1e-7;

  /**
   * {@code c} applied to {@code updated}, the new value of {@code variable}. Errors name the
   * variable: the node itself only carries an internal label such as {@code update/fc1/kernel/sub_57}.
   */
  static Node project(GraphBuilder b, Constraint c, String variable, Node updated) {
    ModelBuilder scratch = ModelBuilder.over(b);
    Tensor out;
    try {
      out = c.apply(scratch.wrap(updated));
    } catch (ShapeException e) {
      throw new ShapeException("variable '" + variable + "': " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("variable '" + variable + "': " + e.getMessage(), e);
    }
    if (!out.shape().equals(updated.shape())) {
      throw new IllegalArgumentException("constraint " + c + " changed the shape of variable '" + variable
          + "' from " + updated.shape() + " to " + out.shape() + "; a constraint must keep the shape");
    }
    return out.node();
  }

  /** {@code √Σw²} over {@code axis}, the axis kept with size 1 so it broadcasts against {@code w}. */
  static Tensor norms(Tensor w, int axis, String constraint) {
    if (w.shape().isScalar()) {
      return w.abs();
    }
    int rank = w.shape().rank();
    int ax = axis < 0 ? axis + rank : axis;
    if (ax < 0 || ax >= rank) {
      throw new IllegalArgumentException(constraint + ": axis " + axis + " is out of range for " + w);
    }
    return w.square().sum(ax).reshape(w.shape().keep(ax).dims()).sqrt();
  }

  static double check(String constraint, String arg, double v, boolean ok, String what) {
    if (!ok || !Double.isFinite(v)) {
      throw new IllegalArgumentException(constraint + ": " + arg + " must be " + what + ", got " + v);
    }
    return v;
  }

  /** {@code w·min(‖w‖, max)/(ε + ‖w‖)}: norms above {@code max} are scaled down to it. */
  record MaxNorm(double max, int axis) implements Constraint {
    MaxNorm {
      check("maxNorm", "max", max, max > 0, "positive and finite");
    }

    @Override
    public Tensor apply(Tensor w) {
      Tensor n = norms(w, axis, toString());
      return w.mul(n.minimum(max).div(n.add(EPS)));
    }

    @Override
    public String toString() {
      return "maxNorm(" + max + ", axis=" + axis + ")";
    }
  }

  /** {@code w·(rate·clip(‖w‖, min, max) + (1 - rate)·‖w‖)/(ε + ‖w‖)}. */
  record MinMaxNorm(double min, double max, double rate, int axis) implements Constraint {
    MinMaxNorm {
      check("minMaxNorm", "min", min, min >= 0, "finite and ≥ 0");
      check("minMaxNorm", "max", max, max >= min, "finite and ≥ min (" + min + ")");
      check("minMaxNorm", "rate", rate, rate > 0 && rate <= 1, "in (0, 1]");
    }

    @Override
    public Tensor apply(Tensor w) {
      Tensor n = norms(w, axis, toString());
      Tensor desired = n.maximum(min).minimum(max).mul(rate).add(n.mul(1 - rate));
      return w.mul(desired.div(n.add(EPS)));
    }

    @Override
    public String toString() {
      return "minMaxNorm(" + min + ", " + max + ", rate=" + rate + ", axis=" + axis + ")";
    }
  }

  /** {@code max(w, 0)}. */
  record NonNeg() implements Constraint {
    @Override
    public Tensor apply(Tensor w) {
      return w.maximum(0.0);
    }

    @Override
    public String toString() {
      return "nonNeg()";
    }
  }

  /** {@code w/(ε + ‖w‖)}. */
  record UnitNorm(int axis) implements Constraint {
    @Override
    public Tensor apply(Tensor w) {
      return w.div(norms(w, axis, toString()).add(EPS));
    }

    @Override
    public String toString() {
      return "unitNorm(axis=" + axis + ")";
    }
  }
}
