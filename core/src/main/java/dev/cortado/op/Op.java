package dev.cortado.op;

import dev.cortado.ir.Attrs;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Every op of the IR, each defined once: its arity, shape rule, reference evaluation and
 * vector-Jacobian product side by side. A VJP builds IR (never Java text): given the op's output
 * node {@code y} and the upstream gradient {@code g}, it returns one gradient node per input
 * ({@code null} where an input needs none, or the op has no gradient there). Attributes (axes,
 * slopes, shapes) ride on the node. Codegen has one exhaustive switch over this enum.
 */
public enum Op {
  // ---------------------------------------------------------------- leaves

  /** A named input fed at every step; shape from the attribute. */
  INPUT(0) {
    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, dev.cortado.ir.Node n) {
      return c.leaf(n);
    }
  },
  /** A persistent tensor: a parameter or optimizer state. */
  VARIABLE(0) {
    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, dev.cortado.ir.Node n) {
      return c.leaf(n);
    }
  },
  /** A named run-time scalar, such as a learning-rate multiplier; its default is the attribute value. */
  HYPER(0) {
    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, dev.cortado.ir.Node n) {
      return c.leaf(n);
    }
  },
  /** A scalar constant {@code value}; broadcasting gives it any shape. */
  CONSTANT(0) {
    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, dev.cortado.ir.Node n) {
      return NDArray.scalar(a.value());
    }
  },

  // ---------------------------------------------------------------- broadcasting binary

  /** x + y, broadcast. */
  ADD(2, (x, y) -> x + y) {
    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> b.sumTo(g, y.input(0).shape()), () -> b.sumTo(g, y.input(1).shape()));
    }
  },
  /** x - y, broadcast. */
  SUB(2, (x, y) -> x - y) {
    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> b.sumTo(g, y.input(0).shape()), () -> b.sumTo(b.neg(g), y.input(1).shape()));
    }
  },
  /** x · y, broadcast. */
  MUL(2, (x, y) -> x * y) {
    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      Node p = y.input(0);
      Node q = y.input(1);
      return grads(need, () -> b.sumTo(b.mul(g, q), p.shape()), () -> b.sumTo(b.mul(g, p), q.shape()));
    }
  },
  /** x / y, broadcast. */
  DIV(2, (x, y) -> x / y) {
    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      Node p = y.input(0);
      Node q = y.input(1);
      return grads(need, () -> b.sumTo(b.div(g, q), p.shape()),
          () -> b.sumTo(b.neg(b.div(b.mul(g, y), q)), q.shape()));
    }
  },
  /** x^y, broadcast; d/dx = y·x^(y-1), d/dy = x^y·ln x. */
  POW(2, Math::pow) {
    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      Node p = y.input(0);
      Node q = y.input(1);
      return grads(need,
          () -> b.sumTo(b.mul(g, b.mul(q, b.apply(POW, Attrs.NONE, p, b.sub(q, b.constant(1))))), p.shape()),
          () -> b.sumTo(b.mul(g, b.mul(y, b.unary(LOG, p))), q.shape()));
    }
  },
  /** max(x, y), broadcast; the gradient goes to x where x ≥ y. */
  MAXIMUM(2, Math::max) {
    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      Node mask = b.apply(GREATER_EQUAL, Attrs.NONE, y.input(0), y.input(1));
      return grads(need, () -> b.sumTo(b.mul(g, mask), y.input(0).shape()),
          () -> b.sumTo(b.mul(g, b.sub(b.constant(1), mask)), y.input(1).shape()));
    }
  },
  /** min(x, y), broadcast; the gradient goes to x where x ≤ y. */
  MINIMUM(2, Math::min) {
    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      Node mask = b.apply(GREATER_EQUAL, Attrs.NONE, y.input(1), y.input(0));
      return grads(need, () -> b.sumTo(b.mul(g, mask), y.input(0).shape()),
          () -> b.sumTo(b.mul(g, b.sub(b.constant(1), mask)), y.input(1).shape()));
    }
  },
  /** 1 where x ≥ y, else 0, broadcast; no gradient. */
  GREATER_EQUAL(2, (x, y) -> x >= y ? 1.0 : 0.0),

  // ---------------------------------------------------------------- elementwise unary

  /** -x. */
  NEG(1, x -> -x) {
    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> b.neg(g));
    }
  },
  /**
   * max(x, 0); NaN stays NaN and the gradient at 0 is 0, as PyTorch. The derivative is taken of
   * the output, which is positive (or NaN) exactly where x is: the input then need not be kept
   * for the backward pass, only the output that the next layer reads anyway.
   */
  RELU(1, x -> x > 0 || x != x ? x : 0.0) {
    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> b.mul(g, b.apply(STEP, Attrs.value(0), y)));
    }
  },
  /** x where x > 0, else value·x (the slope attribute). */
  LEAKY_RELU(1) {
    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Kernels.map(x.get(0), v -> v > 0 ? v : a.value() * v);
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> b.mul(g, b.apply(STEP, Attrs.value(y.attrs().value()), y.input(0))));
    }
  },
  /**
   * 1 where x > 0, else the attribute value: the derivative of (leaky) ReLU; with value 0 a NaN
   * stays NaN (as the generated branch-free code computes it). No gradient.
   */
  STEP(1) {
    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      double alpha = a.value();
      return Kernels.map(x.get(0), v -> v > 0 ? 1.0 : alpha == 0 && v != v ? v : alpha);
    }
  },
  /** 1 / (1 + e^-x); dy/dx = y(1 - y). */
  SIGMOID(1, x -> 1.0 / (1.0 + Math.exp(-x))) {
    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> b.mul(g, b.mul(y, b.sub(b.constant(1), y))));
    }
  },
  /** tanh x; dy/dx = 1 - y². */
  TANH(1, Math::tanh) {
    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> b.mul(g, b.sub(b.constant(1), b.unary(SQUARE, y))));
    }
  },
  /** e^x; dy/dx = y. */
  EXP(1, Math::exp) {
    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> b.mul(g, y));
    }
  },
  /**
   * e^x - 1, accurate near 0 where {@code exp(x) - 1} cancels; dy/dx = y + 1. Adam's bias
   * corrections {@code 1 - β^t = -expm1(t·ln β)} use it, so they stay accurate in float32.
   */
  EXPM1(1, Math::expm1) {
    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> b.mul(g, b.add(y, b.constant(1))));
    }
  },
  /** ln x; dy/dx = 1/x. */
  LOG(1, Math::log) {
    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> b.div(g, y.input(0)));
    }
  },
  /** √x; dy/dx = 1/(2y). */
  SQRT(1, Math::sqrt) {
    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> b.div(g, b.mul(y, 2)));
    }
  },
  /** x²; dy/dx = 2x. */
  SQUARE(1, x -> x * x) {
    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> b.mul(g, b.mul(y.input(0), 2)));
    }
  },
  /** |x|; dy/dx = sign(x), 0 at 0 as PyTorch. */
  ABS(1, Math::abs) {
    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> b.mul(g, b.unary(SIGN, y.input(0))));
    }
  },
  /** sign(x) ∈ {-1, 0, 1}; no gradient. */
  SIGN(1, Math::signum),
  /** ln(1 + e^x), computed as max(x,0) + ln(1 + e^-|x|); dy/dx = sigmoid(x). */
  SOFTPLUS(1, x -> Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)))) {
    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> b.mul(g, b.unary(SIGMOID, y.input(0))));
    }
  },
  /**
   * The inverted-dropout mask for x at the given global step: 1/(1-rate) with probability
   * 1-rate, else 0, drawn by {@code Rng.uniform(seed, step, index)}; all ones outside training.
   * The index is the element's flat index, plus {@link EvalContext#firstRow()} times the elements
   * per row when the mask's first axis is the batch: a chunk of a larger batch whose first row is
   * global row r draws, for its row j, the mask of the larger batch's row r + j. No gradient.
   */
  DROPOUT_MASK(2) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      if (!in.get(1).shape().isScalar()) {
        throw new IllegalArgumentException("the step of a dropout mask must be a scalar, got " + in.get(1).shape());
      }
      return in.get(0).shape();
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      Shape s = n.shape();
      long offset = s.rank() > 0 && s.dim(0) == Shape.BATCH ? c.firstRow() * s.fixedSize() : 0;
      return Kernels.dropoutMask(x.get(0).shape(), a.value(), a.seed(), (long) x.get(1).get(0), offset, c.training());
    }
  },

  // ---------------------------------------------------------------- recurrent layers

  /**
   * A GRU over every step of x {@code [B, T, F]} (inputs x, kernel, recurrent kernel, bias
   * {@code [2, 3u]}): {@code z = σ(a_z + c_z)}, {@code r = σ(a_r + c_r)},
   * {@code n = tanh(a_n + r ⊙ c_n)}, {@code h = z ⊙ h + (1 - z) ⊙ n} with {@code a = x_t·kernel +
   * bias[0]}, {@code c = h·recurrent + bias[1]}, h starting at 0; every h {@code [B, T, u]} when
   * the attribute value is 1, else the last {@code [B, u]}. VJP by {@link #GRU_GRAD}.
   */
  GRU(4) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      return Recurrent.shape("gru", in.get(0).shape(), in.get(1).shape(), in.get(2).shape(), in.get(3).shape(), 3,
          true, a.value() != 0);
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      int[] s = x.get(0).shape();
      int u = x.get(2).shape()[0];
      double[] all = Recurrent.gru(x.get(0).data(), s[0], s[1], s[2], x.get(1).data(), x.get(2).data(),
          x.get(3).data(), u, null);
      return Recurrent.output(all, s[0], s[1], u, a.value() != 0);
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return recurrentGrads(b, y, g, need, GRU_GRAD);
    }
  },
  /**
   * An LSTM over every step (inputs x, kernel, recurrent kernel, bias {@code [4u]}), gate blocks
   * i, f, g, o of {@code a = x_t·kernel + h·recurrent + bias}: {@code c = σ(a_f) ⊙ c + σ(a_i) ⊙
   * tanh(a_g)}, {@code h = σ(a_o) ⊙ tanh(c)}, h and c starting at 0; output as {@link #GRU}.
   * VJP by {@link #LSTM_GRAD}.
   */
  LSTM(4) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      return Recurrent.shape("lstm", in.get(0).shape(), in.get(1).shape(), in.get(2).shape(), in.get(3).shape(), 4,
          false, a.value() != 0);
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      int[] s = x.get(0).shape();
      int u = x.get(2).shape()[0];
      double[] all = Recurrent.lstm(x.get(0).data(), s[0], s[1], s[2], x.get(1).data(), x.get(2).data(),
          x.get(3).data(), u, null);
      return Recurrent.output(all, s[0], s[1], u, a.value() != 0);
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return recurrentGrads(b, y, g, need, LSTM_GRAD);
    }
  },
  /**
   * Backpropagation through time of a GRU (inputs x, kernel, recurrent kernel, bias, the
   * output's gradient; attribute value as the GRU's): dx for axis 0, else the parameter
   * gradients packed as {@code [F + u + 2, 3u]} (kernel, recurrent kernel, bias rows). No gradient.
   */
  GRU_GRAD(5) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      return Recurrent.gradShape(in.get(0).shape(), in.get(1).shape(), in.get(2).shape(), 2, a.axis());
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Recurrent.gradient(true, x.get(0), x.get(1), x.get(2), x.get(3), x.get(4), a.value() != 0, a.axis());
    }
  },
  /** Backpropagation through time of an LSTM, as {@link #GRU_GRAD}; packed {@code [F + u + 1, 4u]}. No gradient. */
  LSTM_GRAD(5) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      return Recurrent.gradShape(in.get(0).shape(), in.get(1).shape(), in.get(2).shape(), 1, a.axis());
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Recurrent.gradient(false, x.get(0), x.get(1), x.get(2), x.get(3), x.get(4), a.value() != 0, a.axis());
    }
  },
  /** Rows {@code [axis, axis + n)} of a 2-D tensor, in the attribute's shape of n rows' elements. No gradient. */
  RNN_ROWS(1) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      Shape m = in.get(0).shape();
      if (m.rank() != 2 || m.hasBatch() || a.axis() < 0 || a.shape().fixedSize() % m.dim(1) != 0
          || a.axis() + a.shape().fixedSize() / m.dim(1) > m.dim(0)) {
        throw new IllegalArgumentException("rows from " + a.axis() + " in the shape " + a.shape() + " do not fit in " + m);
      }
      return a.shape();
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Recurrent.rows(x.get(0), a.axis(), a.shape().dims());
    }
  },

  // ---------------------------------------------------------------- structure

  /**
   * op(A)·op(B), op transposing where the attribute says so; an A of rank above 2 is a stack of
   * rows along its last axis (see {@link ShapeRules#matmul}).
   */
  MATMUL(2) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      return ShapeRules.matmul(in.get(0).shape(), in.get(1).shape(), a.transA(), a.transB());
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Kernels.matmul(x.get(0), x.get(1), a.transA(), a.transB());
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      Node p = y.input(0);
      Node q = y.input(1);
      boolean ta = y.attrs().transA();
      boolean tb = y.attrs().transB();
      return grads(need,
          () -> ta ? b.matmul(q, g, tb, true) : b.matmul(g, q, false, !tb),
          () -> tb ? b.matmul(g, p, true, ta) : b.matmul(p, g, !ta, false));
    }
  },
  /** The transpose of a 2-D tensor. */
  TRANSPOSE(1) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      Shape s = in.get(0).shape();
      if (s.rank() != 2) {
        throw new IllegalArgumentException("transpose needs a 2-D tensor, got " + s);
      }
      return Shape.of(s.dim(1), s.dim(0));
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Kernels.transpose(x.get(0));
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> b.unary(TRANSPOSE, g));
    }
  },
  /** The same values, row-major, in the attribute's shape. */
  RESHAPE(1) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      return ShapeRules.reshape(in.get(0).shape(), a.shape());
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return new NDArray(a.shape().resolve(c.batch()), x.get(0).data());
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> b.reshape(g, y.input(0).shape()));
    }
  },
  /** x broadcast up to the attribute's shape. */
  BROADCAST_TO(1) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      if (!ShapeRules.broadcastsTo(in.get(0).shape(), a.shape())) {
        throw new IllegalArgumentException(in.get(0).shape() + " does not broadcast to " + a.shape());
      }
      return a.shape();
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Kernels.broadcastTo(x.get(0), a.shape().resolve(c.batch()));
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> b.sumTo(g, y.input(0).shape()));
    }
  },
  /** x summed down to the attribute's shape: the inverse of broadcasting. */
  SUM_TO(1) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      if (!ShapeRules.broadcastsTo(a.shape(), in.get(0).shape())) {
        throw new IllegalArgumentException(a.shape() + " does not broadcast to " + in.get(0).shape()
            + ", so " + in.get(0).shape() + " cannot be summed down to it");
      }
      return a.shape();
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Kernels.sumTo(x.get(0), a.shape().resolve(c.batch()));
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> b.broadcastTo(g, y.input(0).shape()));
    }
  },

  // ---------------------------------------------------------------- reductions

  /** Σx over one axis (removed) or over everything (a scalar). */
  SUM(1) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      return ShapeRules.reduce(in.get(0).shape(), a.axis());
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Kernels.reduce(x.get(0), a.axis(), 0.0, Double::sum);
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> unreduce(b, y, g));
    }
  },
  /** The mean over one axis (removed) or over everything. */
  MEAN(1) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      return ShapeRules.reduce(in.get(0).shape(), a.axis());
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      NDArray s = Kernels.reduce(x.get(0), a.axis(), 0.0, Double::sum);
      int count = x.get(0).size() / s.size();
      return Kernels.map(s, v -> v / count);
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> b.div(unreduce(b, y, g), b.numel(y.input(0), y.attrs().axis())));
    }
  },
  /** The maximum over one axis (removed) or everything; the gradient goes to the first maximum. */
  MAX(1) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      return ShapeRules.reduce(in.get(0).shape(), a.axis());
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Kernels.reduce(x.get(0), a.axis(), Double.NEGATIVE_INFINITY, Math::max);
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      Node x = y.input(0);
      return grads(need, () -> b.mul(unreduce(b, y, g), b.apply(ARGMAX_MASK, Attrs.axis(y.attrs().axis()), x)));
    }
  },
  /** 1 at the first maximum along the axis (or overall), else 0; shaped like x; no gradient. */
  ARGMAX_MASK(1) {
    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Kernels.argmaxMask(x.get(0), a.axis());
    }
  },
  /** The number of elements of x along the axis (or in all of x), a scalar known when a step runs. */
  NUMEL(1) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      ShapeRules.axis(in.get(0).shape(), a.axis());
      return Shape.SCALAR;
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return NDArray.scalar(a.axis() == Attrs.ALL ? x.get(0).size() : x.get(0).shape()[a.axis()]);
    }
  },

  // ---------------------------------------------------------------- normalization

  /**
   * {@code x₀} in a training step, {@code x₁} in predict and evaluate: batch normalization's
   * batch statistics against its moving ones. The gradient goes to {@code x₀}, the branch a
   * training step (the only one that differentiates) takes. The code generator never sees it:
   * specialization for an entry point keeps the branch that entry takes.
   */
  IN_TRAINING(2) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      if (!in.get(0).shape().equals(in.get(1).shape())) {
        throw new IllegalArgumentException("the training and inference branches must have one shape, got "
            + in.get(0).shape() + " and " + in.get(1).shape());
      }
      return in.get(0).shape();
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return c.training() ? x.get(0) : x.get(1);
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> g, () -> null);
    }
  },

  // ---------------------------------------------------------------- softmax family

  /** e^x / Σe^x along the last axis; VJP y·(g - Σ g·y). */
  SOFTMAX(1) {
    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Kernels.softmax(x.get(0), false);
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      int last = y.shape().rank() - 1;
      return grads(need, () -> b.mul(y, b.sub(g, b.sumKeep(b.mul(g, y), last))));
    }
  },
  /** x - ln Σe^x along the last axis; VJP g - softmax(x)·Σg. */
  LOG_SOFTMAX(1) {
    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Kernels.softmax(x.get(0), true);
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      int last = y.shape().rank() - 1;
      return grads(need, () -> b.sub(g, b.mul(b.unary(EXP, y), b.sumKeep(g, last))));
    }
  },
  /**
   * Mean over rows of -Σ labels·logSoftmax(logits) along the last axis, fused and stable; VJP
   * (softmax(logits)·Σlabels - labels)/rows for the logits and -logSoftmax(logits)/rows for the labels.
   */
  SOFTMAX_CROSS_ENTROPY(2) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      Shape z = in.get(0).shape();
      if (!z.equals(in.get(1).shape()) || z.rank() < 1) {
        throw new IllegalArgumentException("logits " + z + " and labels " + in.get(1).shape()
            + " must have the same shape, of rank 1 or more");
      }
      return Shape.SCALAR;
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Kernels.softmaxCrossEntropy(x.get(0), x.get(1));
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      Node z = y.input(0);
      Node t = y.input(1);
      int last = z.shape().rank() - 1;
      Node rows = b.div(b.numel(z, Attrs.ALL), b.numel(z, last));
      Node scale = b.div(g, rows);
      return grads(need,
          () -> b.mul(scale, b.sub(b.mul(b.unary(SOFTMAX, z), b.sumKeep(t, last)), t)),
          () -> b.neg(b.mul(scale, b.unary(LOG_SOFTMAX, z))));
    }
  },

  // ---------------------------------------------------------------- windows and axes (convolution, pooling)

  /**
   * The patches of an image batch {@code [B, H, W, C]} under a window (see {@link Windows}):
   * {@code out[b, oy, ox, (dy·kw + dx)·C + c] = x[b, oy·sh + dy - top, ox·sw + dx - left, c]}, zero in
   * the padding. A convolution is {@code patches(x)·kernel} with the kernel as a
   * {@code [kh·kw·C, F]} matrix; a pooling window is a reduction over a patch. VJP: the adjoint.
   */
  PATCHES(1) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      return Windows.patches(in.get(0).shape(), a);
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Windows.patches(x.get(0), a.ints());
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      Node x = y.input(0);
      return grads(need, () -> b.apply(PATCHES_ADJOINT, Attrs.ints(x.shape(), y.attrs().ints()), g));
    }
  },
  /**
   * The adjoint of {@link #PATCHES}: each patch element added back into its pixel of an image of the
   * attribute's shape (pixels in no window get 0). VJP: the patches of the gradient.
   */
  PATCHES_ADJOINT(1) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      return Windows.adjoint(in.get(0).shape(), a);
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Windows.adjoint(x.get(0), a.ints(), a.shape().resolve(c.batch()));
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> b.apply(PATCHES, Attrs.ints(null, y.attrs().ints()), g));
    }
  },
  /**
   * Max pooling of an image batch {@code [B, H, W, C]} under a window (see {@link Windows}) to
   * {@code [B, OH, OW, C]}: each output the {@code Math.max} of its window's cells, a padding cell
   * counting as 0 (the same values as {@link #MAX} over the window axis of {@link #PATCHES}, with no
   * patches stored). VJP: {@link #MAX_POOL_GRAD} of the input and the gradient.
   */
  MAX_POOL(1) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      return MaxPools.pool(in.get(0).shape(), a);
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return MaxPools.pool(x.get(0), a.ints());
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      Node x = y.input(0);
      return grads(need, () -> b.apply(MAX_POOL_GRAD, Attrs.ints(null, y.attrs().ints()), x, g));
    }
  },
  /**
   * The gradient of {@link #MAX_POOL} (inputs: the pooled image x, the output gradient g), shaped
   * like x: each {@code g} added into the pixel of its window's first maximum (the scan keeps the
   * earlier cell on a tie or a NaN, as {@link #ARGMAX_MASK}), 0 in every other pixel; a maximum in
   * the padding sends nothing. No gradient.
   */
  MAX_POOL_GRAD(2) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      return MaxPools.grad(in.get(0).shape(), in.get(1).shape(), a);
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return MaxPools.grad(x.get(0), x.get(1), a.ints());
    }
  },
  /** x with its axes permuted: {@code out} axis i is x's axis {@code perm[i]}. VJP: the inverse permutation. */
  PERMUTE(1) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      return Windows.permute(in.get(0).shape(), a.ints());
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Windows.permute(x.get(0), a.ints());
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> b.apply(PERMUTE, Attrs.ints(null, Windows.inverse(y.attrs().ints())), g));
    }
  },

  // ---------------------------------------------------------------- lookups, slices, batched products

  /**
   * Rows of a table by id: {@code out[p, :] = table[ids[p], :]} (inputs ids, table {@code [vocab,
   * dim]}; output {@code ids.shape + [dim]}); an id that is not a whole number in {@code [0, vocab)}
   * is an IllegalArgumentException. VJP: the table gets {@link #SCATTER_ADD} of g (dense); ids none.
   */
  GATHER(2) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      return Sequences.gather(in.get(0).shape(), in.get(1).shape());
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Sequences.gather(x.get(0), x.get(1));
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      Node ids = y.input(0);
      return grads(need, () -> null, () -> b.apply(SCATTER_ADD, Attrs.shape(y.input(1).shape()), ids, g));
    }
  },
  /**
   * A zero table of the attribute's shape {@code [vocab, dim]} with each row {@code g[p, :]} added
   * into row {@code ids[p]}, positions in order (inputs ids, g). VJP: g gets {@link #GATHER} of the
   * upstream gradient; ids none.
   */
  SCATTER_ADD(2) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      return Sequences.scatterAdd(in.get(0).shape(), in.get(1).shape(), a.shape());
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Sequences.scatterAdd(x.get(0), x.get(1), a.shape().dims());
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      return grads(need, () -> null, () -> b.apply(GATHER, Attrs.NONE, y.input(0), g));
    }
  },
  /** x cut along an axis: ints {@code {axis, from, to}} keep indices {@code [from, to)} there. VJP: {@link #PAD}. */
  SLICE(1) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      return Sequences.slice(in.get(0).shape(), a);
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Sequences.copyAlong(x.get(0), n.shape().resolve(c.batch()), a.ints(0), a.ints(1), true);
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      int[] w = y.attrs().ints();
      return grads(need, () -> b.apply(PAD, Attrs.ints(null, w[0], w[1], y.input(0).shape().dim(w[0])), g));
    }
  },
  /**
   * x placed in zeros along an axis: ints {@code {axis, from, size}} give that axis {@code size}
   * indices, x's at {@code [from, from + n)} (the adjoint of {@link #SLICE}). VJP: the slice.
   */
  PAD(1) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      return Sequences.pad(in.get(0).shape(), a);
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Sequences.copyAlong(x.get(0), n.shape().resolve(c.batch()), a.ints(0), a.ints(1), false);
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      int[] w = y.attrs().ints();
      return grads(need, () -> b.apply(SLICE, Attrs.ints(null, w[0], w[1], w[1] + y.input(0).shape().dim(w[0])), g));
    }
  },
  /**
   * {@code op(A[s])·op(B[s])} for every s along axis 0: {@code [B, n, k]·[B, k, m] → [B, n, m]},
   * op transposing the last two axes where the attribute says so. VJP as {@link #MATMUL}'s, batched.
   */
  BATCH_MATMUL(2) {
    @Override
    public Shape shape(List<Node> in, Attrs a) {
      return Sequences.batchMatmul(in.get(0).shape(), in.get(1).shape(), a.transA(), a.transB());
    }

    @Override
    public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
      return Sequences.batchMatmul(x.get(0), x.get(1), a.transA(), a.transB());
    }

    @Override
    List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
      Node p = y.input(0);
      Node q = y.input(1);
      boolean ta = y.attrs().transA();
      boolean tb = y.attrs().transB();
      return grads(need,
          () -> ta ? bmm(b, q, g, tb, true) : bmm(b, g, q, false, !tb),
          () -> tb ? bmm(b, g, p, true, ta) : bmm(b, p, g, !ta, false));
    }
  };

  private static Node bmm(GraphBuilder b, Node x, Node y, boolean ta, boolean tb) {
    return b.apply(BATCH_MATMUL, Attrs.matmul(ta, tb), x, y);
  }

  // ================================================================= machinery

  private final int arity;
  private final java.util.function.DoubleUnaryOperator unaryFn;
  private final java.util.function.DoubleBinaryOperator binaryFn;

  Op(int arity) {
    this.arity = arity;
    this.unaryFn = null;
    this.binaryFn = null;
  }

  Op(int arity, java.util.function.DoubleUnaryOperator f) {
    this.arity = arity;
    this.unaryFn = f;
    this.binaryFn = null;
  }

  Op(int arity, java.util.function.DoubleBinaryOperator f) {
    this.arity = arity;
    this.unaryFn = null;
    this.binaryFn = f;
  }

  /**
   * The number of operands.
   *
   * @return the arity
   */
  public int arity() {
    return arity;
  }

  /**
   * True for ops applied element by element (with broadcasting for binary ones).
   *
   * @return whether the op is elementwise
   */
  public boolean isElementwise() {
    return unaryFn != null || binaryFn != null || this == LEAKY_RELU || this == STEP;
  }

  /**
   * The lower-case name used in labels and messages: {@code matmul}, {@code softmax_cross_entropy}.
   *
   * @return the label
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The output shape for these inputs and attributes; throws IllegalArgumentException saying what
   * does not fit.
   *
   * @param in the operands
   * @param a the attributes
   * @return the output shape
   * @throws IllegalArgumentException if the operands do not fit
   */
  public Shape shape(List<Node> in, Attrs a) {
    if (arity == 0) {
      return a.shape() == null ? Shape.SCALAR : a.shape();
    }
    if (arity == 2) {
      return ShapeRules.broadcast(in.get(0).shape(), in.get(1).shape());
    }
    return in.get(0).shape();
  }

  /**
   * Evaluates the op on concrete inputs (the interpreter's reference semantics).
   *
   * @param x the operands' values
   * @param a the attributes
   * @param c the step's leaves, mode and batch size
   * @param n the node being evaluated
   * @return the result
   */
  public NDArray eval(List<NDArray> x, Attrs a, EvalContext c, Node n) {
    if (unaryFn != null) {
      return Kernels.map(x.get(0), unaryFn);
    }
    return Kernels.zip(x.get(0), x.get(1), binaryFn);
  }

  /** The gradient of each input; {@code null} where the op has none. */
  List<Node> vjp(GraphBuilder b, Node y, Node g, boolean[] need) {
    return Arrays.asList(new Node[arity]);
  }

  /**
   * The gradient nodes for each input of {@code y} given its upstream gradient {@code g}, built
   * only where {@code need[i]} is set; {@code null} elsewhere and for inputs without a gradient.
   *
   * @param b the builder the gradient nodes are added to
   * @param y the node
   * @param g the gradient of the loss with respect to {@code y}
   * @param need which operands need a gradient
   * @return one entry per operand
   */
  public List<Node> gradients(GraphBuilder b, Node y, Node g, boolean[] need) {
    return vjp(b, y, g, need);
  }

  /**
   * The scalar function of an elementwise op ({@code null} for others); codegen may call it to fold
   * constants.
   *
   * @param x the first operand
   * @param y the second operand (ignored by a unary op)
   * @param a the attributes
   * @return the result
   */
  public double apply(double x, double y, Attrs a) {
    if (unaryFn != null) {
      return unaryFn.applyAsDouble(x);
    }
    if (binaryFn != null) {
      return binaryFn.applyAsDouble(x, y);
    }
    return eval(List.of(NDArray.scalar(x)), a, null, null).get(0);
  }

  @SafeVarargs
  private static List<Node> grads(boolean[] need, java.util.function.Supplier<Node>... rules) {
    Node[] out = new Node[rules.length];
    for (int i = 0; i < rules.length; i++) {
      out[i] = need[i] ? rules[i].get() : null;
    }
    return Arrays.asList(out);
  }

  /** The gradients of a recurrent layer's inputs: dx by its own BPTT, the parameters cut from one packed BPTT. */
  private static List<Node> recurrentGrads(GraphBuilder b, Node y, Node g, boolean[] need, Op grad) {
    Node[] in = {y.input(0), y.input(1), y.input(2), y.input(3), g};
    double seq = y.attrs().value();
    Node[] out = new Node[4];
    if (need[0]) {
      out[0] = b.apply(grad, new Attrs(0, seq, null, false, false, 0), in);
    }
    if (need[1] || need[2] || need[3]) {
      Node packed = b.apply(grad, new Attrs(1, seq, null, false, false, 0), in);
      int f = y.input(1).shape().dim(0);
      int u = y.input(2).shape().dim(0);
      Shape[] shapes = {y.input(1).shape(), y.input(2).shape(), y.input(3).shape()};
      int[] from = {0, f, f + u};
      for (int i = 0; i < 3; i++) {
        if (need[i + 1]) {
          out[i + 1] = b.apply(RNN_ROWS, new Attrs(from[i], 0, shapes[i], false, false, 0), packed);
        }
      }
    }
    return Arrays.asList(out);
  }

  /** Broadcasts the gradient of a reduction back to the reduced input's shape. */
  private static Node unreduce(GraphBuilder b, Node y, Node g) {
    Shape xs = y.input(0).shape();
    int axis = y.attrs().axis();
    Node kept = axis == Attrs.ALL ? g : b.reshape(g, xs.keep(axis));
    return b.broadcastTo(kept, xs);
  }
}
