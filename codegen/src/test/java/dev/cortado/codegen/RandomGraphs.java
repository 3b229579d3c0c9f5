package dev.cortado.codegen;

import dev.cortado.ir.Attrs;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.Shape;
import dev.cortado.ir.VariableInfo;
import dev.cortado.op.Op;
import dev.cortado.optim.Adagrad;
import dev.cortado.optim.Adam;
import dev.cortado.optim.Optimizer;
import dev.cortado.optim.RmsProp;
import dev.cortado.optim.Sgd;
import dev.cortado.optim.TrainingGraph;
import dev.cortado.optim.UpdateContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded random models: chains of every op the emitter knows, with numpy broadcasting against
 * variables, constants, run-time scalars and other values, matmuls with every transpose flag,
 * reductions kept and broadcast back, softmax, reshapes, transposes, dropout, the
 * training/inference switch, image batches (convolutions as patches times a kernel, poolings,
 * permutations, dense layers on the last axis), sequence batches (batched products, softmax, slices,
 * pads, embeddings of an ids input; a GRU or an LSTM returning the last state or every state);
 * frozen variables the step writes; a loss of a mean
 * square (plus cross-entropy and regularization terms), trained by a random optimizer (the
 * library's, or a hand-built rule with its own state and scalars).
 */
final class RandomGraphs {
  private RandomGraphs() {}

  /** A generated model: its step graph and how to feed it. */
  record Generated(long seed, Graph graph, boolean training, int batch) {
    Map<String, double[]> inputs(int b, SplittableRandom r) {
      Map<String, double[]> in = new LinkedHashMap<>();
      graph.inputs().forEach((n, node) -> {
        double[] v = new double[node.shape().size(b)];
        for (int i = 0; i < v.length; i++) {
          v[i] = n.equals("y") ? r.nextDouble() : n.equals("ids") ? r.nextInt(VOCAB) : r.nextDouble(-1.5, 1.5);
        }
        in.put(n, v);
      });
      return in;
    }
  }

  /** The rows of every embedding table; the {@code ids} input holds whole numbers below it. */
  static final int VOCAB = 5;

  static Generated generate(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    DType dt = r.nextInt(5) == 0 ? DType.F32 : DType.F64;
    GraphBuilder b = new GraphBuilder("random" + seed, dt);
    Gen g = new Gen(b, r);
    int d = 1 + r.nextInt(4);
    Node x = b.input("x", Shape.of(Shape.BATCH, d));
    List<Node> pool = new ArrayList<>(List.of(x));
    int ops = 3 + r.nextInt(8);
    for (int s = 0; s < ops; s++) {
      Node a = pool.get(Math.max(0, pool.size() - 1 - r.nextInt(Math.min(3, pool.size()))));
      pool.add(g.step(a, pool));
    }
    Node last = pool.get(pool.size() - 1);
    b.output("out", last);
    if (r.nextBoolean()) {
      b.output("mid", pool.get(r.nextInt(pool.size())));
    }
    Node data = b.apply(Op.MEAN, Attrs.axis(Attrs.ALL), b.unary(Op.SQUARE, last));
    if (r.nextInt(3) == 0) {
      Node logits = g.dense(x, 1 + r.nextInt(4));
      Node labels = b.input("y", logits.shape());
      data = b.add(data, b.apply(Op.SOFTMAX_CROSS_ENTROPY, Attrs.NONE, logits, labels));
    }
    Node loss = data;
    Map<String, Node> terms = new LinkedHashMap<>();
    for (Node w : g.vars) {
      if (r.nextInt(3) == 0) {
        Node term = b.mul(b.sum(r.nextBoolean() ? b.unary(Op.SQUARE, w) : b.unary(Op.ABS, w)), 0.01 + r.nextDouble(0.1));
        terms.put("regularization/" + w.name(), term);
        loss = b.add(loss, term);
      }
    }
    b.loss(Graph.LOSS, loss);
    b.loss(Graph.DATA_LOSS, data);
    terms.forEach(b::loss);
    // state the step itself writes (as batch normalization's moving statistics): some frozen
    // variables follow a moving average of the data loss
    Map<String, Node> stateUpdates = new LinkedHashMap<>();
    for (Node w : g.vars) {
      if (!b.variables().get(w.name()).trainable() && r.nextBoolean()) {
        stateUpdates.put(w.name(), b.add(b.mul(w, 0.9), b.mul(data, 0.1)));
      }
    }
    Graph forward = b.build();
    boolean training = r.nextInt(6) != 0;
    int batch = 1 + r.nextInt(5);
    if (!training) {
      return new Generated(seed, forward, false, batch);
    }
    return new Generated(seed, TrainingGraph.build(forward, optimizer(r), Map.of(), stateUpdates), true, batch);
  }

  static Optimizer optimizer(SplittableRandom r) {
    return switch (r.nextInt(7)) {
      case 0 -> new Sgd(0.05);
      case 1 -> new Sgd(0.05).momentum(0.9).weightDecay(0.01);
      case 2 -> Adam.adam(0.01);
      case 3 -> Adam.adamW(0.01).weightDecay(0.05);
      case 4 -> new RmsProp(0.01);
      case 5 -> new Adagrad(0.05);
      default -> RandomGraphs::handMadeMomentum;
    };
  }

  /** A rule built straight from IR: velocity state, a step count, a run-time scale and a clamp. */
  static void handMadeMomentum(UpdateContext ctx) {
    GraphBuilder b = ctx.builder();
    Node scale = ctx.hyper("scale", 0.5);
    Node t = ctx.scalarState("count", 0);
    Node t1 = b.add(t, b.constant(1));
    ctx.update("count", t1);
    for (UpdateContext.Param p : ctx.params()) {
      Node v = ctx.slot(p, "velocity", 0);
      Node v1 = b.add(b.mul(v, 0.8), p.gradient());
      ctx.update(p.name() + "/velocity", v1);
      Node lr = b.div(b.mul(scale, b.constant(0.1)), b.unary(Op.SQRT, t1));
      Node next = b.sub(p.value(), b.mul(lr, v1));
      ctx.update(p.name(), b.apply(Op.MINIMUM, Attrs.NONE, b.apply(Op.MAXIMUM, Attrs.NONE, next, b.constant(-5)), b.constant(5)));
    }
  }

  /** The op chooser, with the builder, the random source and the variables made so far. */
  private static final class Gen {
    final GraphBuilder b;
    final SplittableRandom r;
    final List<Node> vars = new ArrayList<>();
    Node step;
    Node ids;

    Gen(GraphBuilder b, SplittableRandom r) {
      this.b = b;
      this.r = r;
    }

    Node variable(Shape s) {
      double[] init = new double[s.size(1)];
      for (int i = 0; i < init.length; i++) {
        init[i] = r.nextDouble(-0.8, 0.8);
      }
      Node v = b.variable("v" + vars.size() + (r.nextBoolean() ? "/kernel" : ""), s, VariableInfo.Role.PARAMETER,
          r.nextInt(8) != 0, init);
      vars.add(v);
      return v;
    }

    Node dense(Node a, int h) {
      boolean tb = r.nextBoolean();
      int k = a.shape().dim(1);
      Node w = variable(tb ? Shape.of(h, k) : Shape.of(k, h));
      Node y = b.matmul(a, w, false, tb);
      return r.nextBoolean() ? b.add(y, variable(Shape.of(h))) : y;
    }

    /**
     * {@code a} made into an image batch {@code [B, H, W, C]} by a dense layer and a reshape, then a
     * convolution (patches with random window, strides and padding, times a kernel, maybe a bias
     * and a relu), a max pooling (padded or not) or a max or mean over patches, a permutation of axes, or a dense layer on the last axis,
     * and flattened back to {@code [B, rest]}.
     */
    Node image(Node a) {
      int h = 1 + r.nextInt(5);
      int w = 1 + r.nextInt(5);
      int c = 1 + r.nextInt(3);
      Node x = b.reshape(dense(a, h * w * c), Shape.of(Shape.BATCH, h, w, c));
      int kh = 1 + r.nextInt(Math.min(3, h));
      int kw = 1 + r.nextInt(Math.min(3, w));
      int sh = 1 + r.nextInt(2);
      int sw = 1 + r.nextInt(2);
      Node y;
      switch (r.nextInt(4)) {
        case 0 -> {
          int[] win = {kh, kw, sh, sw, r.nextInt(kh), r.nextInt(kh), r.nextInt(kw), r.nextInt(kw)};
          Node p = b.apply(Op.PATCHES, Attrs.ints(null, win), x);
          int f = 1 + r.nextInt(3);
          y = b.matmul(p, variable(Shape.of(kh * kw * c, f)), false, false);
          if (r.nextBoolean()) {
            y = b.add(y, variable(Shape.of(f)));
          }
          if (r.nextBoolean()) {
            y = b.unary(Op.RELU, y);
          }
        }
        case 1 -> {
          if (r.nextBoolean()) {
            // max pooling straight from the image, maybe of a relu (whose derivative then moves to
            // the pooled values): random window, strides and padding
            int[] win = {kh, kw, sh, sw, r.nextInt(kh), r.nextInt(kh), r.nextInt(kw), r.nextInt(kw)};
            y = b.apply(Op.MAX_POOL, Attrs.ints(null, win), r.nextBoolean() ? b.unary(Op.RELU, x) : x);
          } else {
            int[] win = {kh, kw, sh, sw, 0, 0, 0, 0};
            Node p = b.apply(Op.PATCHES, Attrs.ints(null, win), x);
            Shape ps = p.shape();
            Node windows = b.reshape(p, Shape.of(Shape.BATCH, ps.dim(1), ps.dim(2), kh * kw, c));
            y = b.reduce(r.nextBoolean() ? Op.MAX : Op.MEAN, windows, 3);
          }
        }
        case 2 -> y = b.apply(Op.PERMUTE, Attrs.ints(null, 0, 2, 1, 3), x);
        default -> {
          int u = 1 + r.nextInt(3);
          y = b.add(b.matmul(x, variable(Shape.of(c, u)), false, false), variable(Shape.of(u)));
        }
      }
      Shape ys = y.shape();
      return b.reshape(y, Shape.of(Shape.BATCH, (int) ys.fixedSize()));
    }

    /**
     * {@code a} made into a sequence batch {@code [B, T, F]} by a dense layer and a reshape, then a
     * GRU or an LSTM of a few units returning its last state or every state, flattened back to
     * {@code [B, rest]}.
     */
    Node recurrent(Node a) {
      int steps = 1 + r.nextInt(4);
      int f = 1 + r.nextInt(3);
      int u = 1 + r.nextInt(4);
      boolean gru = r.nextBoolean();
      boolean sequences = r.nextBoolean();
      Node x = b.reshape(dense(a, steps * f), Shape.of(Shape.BATCH, steps, f));
      int g = (gru ? 3 : 4) * u;
      Node k = variable(Shape.of(f, g));
      Node rk = variable(Shape.of(u, g));
      Node bias = variable(gru ? Shape.of(2, g) : Shape.of(g));
      Node y = b.apply(gru ? Op.GRU : Op.LSTM, Attrs.value(sequences ? 1 : 0), x, k, rk, bias);
      return sequences ? b.reshape(y, Shape.of(Shape.BATCH, steps * u)) : y;
    }

    /**
     * {@code a} made into a sequence batch {@code [B, T, D]} by a dense layer and a reshape, then
     * one-head attention (batched products of it with itself, a softmax between), a batched product
     * with transposes, a slice along a random axis padded back, or an embedding of the {@code ids}
     * input concatenated before it along the steps (two pads added); flattened back to {@code [B, rest]}.
     */
    Node sequence(Node a) {
      int t = 1 + r.nextInt(3);
      int d = 1 + r.nextInt(3);
      Node s = b.reshape(dense(a, t * d), Shape.of(Shape.BATCH, t, d));
      Node y;
      switch (r.nextInt(4)) {
        case 0 -> {
          Node scores = bmm(s, s, false, true);
          Node w = b.unary(r.nextBoolean() ? Op.SOFTMAX : Op.LOG_SOFTMAX, scores);
          y = bmm(w, s, r.nextBoolean(), false);
        }
        case 1 -> {
          boolean ta = r.nextBoolean();
          y = bmm(s, s, ta, !ta);
        }
        case 2 -> {
          int axis = 1 + r.nextInt(2);
          int n = s.shape().dim(axis);
          int from = r.nextInt(n);
          int to = from + 1 + r.nextInt(n - from);
          Node cut = b.apply(Op.SLICE, Attrs.ints(null, axis, from, to), s);
          y = r.nextBoolean() ? cut : b.apply(Op.PAD, Attrs.ints(null, axis, from, n), cut);
        }
        default -> {
          if (ids == null) {
            ids = b.input("ids", Shape.of(Shape.BATCH, 2));
          }
          Node e = b.apply(Op.GATHER, Attrs.NONE, ids, variable(Shape.of(VOCAB, d)));
          y = b.add(b.apply(Op.PAD, Attrs.ints(null, 1, 0, t + 2), e), b.apply(Op.PAD, Attrs.ints(null, 1, 2, t + 2), s));
        }
      }
      Shape ys = y.shape();
      return b.reshape(y, Shape.of(Shape.BATCH, (int) ys.fixedSize()));
    }

    Node bmm(Node x, Node y, boolean ta, boolean tb) {
      return b.apply(Op.BATCH_MATMUL, Attrs.matmul(ta, tb), x, y);
    }

    /** A shape that broadcasts against {@code s}: a suffix of it without the batch, some dims 1. */
    Shape partnerShape(Shape s) {
      int keep = r.nextInt(s.rank() + 1);
      int[] dims = new int[keep];
      for (int i = 0; i < keep; i++) {
        int d = s.dim(s.rank() - keep + i);
        dims[i] = d == Shape.BATCH || r.nextInt(4) == 0 ? 1 : d;
      }
      return Shape.of(dims);
    }

    Node partner(Node a, List<Node> pool) {
      return switch (r.nextInt(5)) {
        case 0 -> b.constant(Math.round(r.nextDouble(-2, 2) * 8) / 8.0);
        case 1 -> b.hyper("h" + r.nextInt(2), 0.75);
        case 2 -> {
          for (Node o : pool) {
            if (o != a && o.shape().equals(a.shape())) {
              yield o;
            }
          }
          yield variable(partnerShape(a.shape()));
        }
        default -> variable(partnerShape(a.shape()));
      };
    }

    Node positive(Node a) {
      return b.add(b.unary(Op.SQUARE, a), b.constant(0.5));
    }

    Node step(Node a, List<Node> pool) {
      int rank = a.shape().rank();
      if (rank == 2 && a.shape().dim(0) == Shape.BATCH && a.shape().dim(1) != Shape.BATCH && r.nextInt(5) == 0) {
        // recurrent layers in F64 graphs only: with the Vector API their F32 gates use the
        // vector exp and tanh, equal to the interpreter's to float precision, not bit for bit,
        // which the products of a random graph can amplify past 1e-4 (RecurrentFloatGatesTest
        // and the float32 golden cases check F32 gates instead)
        return r.nextInt(3) == 0 && b.dtype() == DType.F64 ? recurrent(a) : image(a);
      }
      if (rank == 2 && a.shape().dim(0) == Shape.BATCH && a.shape().dim(1) != Shape.BATCH && r.nextInt(5) == 0) {
        return sequence(a);
      }
      switch (r.nextInt(12)) {
        case 0:
        case 1: {
          Op op = List.of(Op.NEG, Op.RELU, Op.SIGMOID, Op.TANH, Op.SQUARE, Op.ABS, Op.SOFTPLUS, Op.SIGN)
              .get(r.nextInt(8));
          return b.unary(op, a);
        }
        case 2: {
          return switch (r.nextInt(5)) {
            case 0 -> b.unary(Op.LOG, positive(a));
            case 1 -> b.unary(Op.SQRT, positive(a));
            case 2 -> b.unary(Op.EXP, b.unary(Op.TANH, a));
            case 3 -> b.unary(Op.EXPM1, b.unary(Op.TANH, a));
            default -> b.apply(Op.LEAKY_RELU, Attrs.value(0.1), a);
          };
        }
        case 3:
        case 4: {
          Node p = partner(a, pool);
          boolean swap = r.nextBoolean();
          Node u = swap ? p : a;
          Node v = swap ? a : p;
          return switch (r.nextInt(8)) {
            case 0, 1 -> b.add(u, v);
            case 2 -> b.sub(u, v);
            case 3, 4 -> b.mul(u, v);
            case 5 -> b.div(u, b.add(b.unary(Op.SQUARE, v), b.constant(1)));
            case 6 -> b.apply(r.nextBoolean() ? Op.MAXIMUM : Op.MINIMUM, Attrs.NONE, u, v);
            default -> b.mul(a, b.apply(Op.GREATER_EQUAL, Attrs.NONE, u, v));
          };
        }
        case 5:
          if (r.nextInt(3) == 0) {
            // batch normalization's switch: one branch in a training step, the other in inference
            return b.apply(Op.IN_TRAINING, Attrs.NONE, a, b.unary(Op.TANH, a));
          }
          return b.apply(Op.POW, Attrs.NONE, b.add(b.unary(Op.ABS, a), b.constant(0.5)), b.constant(r.nextBoolean() ? 2 : 1.5));
        case 6: {
          if (rank == 2 && a.shape().dim(1) != Shape.BATCH) {
            return dense(a, 1 + r.nextInt(5));
          }
          if (rank == 2) {
            for (Node o : pool) {
              if (o.shape().rank() == 2 && o.shape().dim(0) == a.shape().dim(0) && o != a) {
                return b.matmul(a, o, true, false);
              }
            }
          }
          return b.unary(Op.TANH, a);
        }
        case 7: {
          if (rank == 0) {
            return b.mul(a, b.constant(1.5));
          }
          int axis = r.nextInt(rank);
          Op op = List.of(Op.SUM, Op.MEAN, Op.MAX).get(r.nextInt(3));
          Node red = b.reduce(op, a, axis);
          return r.nextBoolean() ? b.add(a, b.reshape(red, a.shape().keep(axis))) : red;
        }
        case 8:
          if (rank == 0) {
            return b.add(a, b.sum(pool.get(0)));
          }
          return r.nextBoolean() ? b.unary(Op.SOFTMAX, a) : b.unary(Op.LOG_SOFTMAX, a);
        case 9: {
          if (rank == 2 && a.shape().dim(0) == Shape.BATCH && a.shape().dim(1) != Shape.BATCH) {
            Node up = b.reshape(a, Shape.of(Shape.BATCH, 1, a.shape().dim(1)));
            Node mixed = b.mul(up, variable(Shape.of(2, 1)));
            return b.reshape(b.sum(mixed, 1), a.shape());
          }
          if (rank == 2) {
            return b.unary(Op.TRANSPOSE, a);
          }
          return b.mul(b.sum(a), a);
        }
        case 10: {
          if (step == null) {
            step = b.variable(Graph.GLOBAL_STEP, Shape.SCALAR, VariableInfo.Role.STATE, false, new double[] {0});
          }
          Node mask = b.apply(Op.DROPOUT_MASK, Attrs.dropout(0.3, r.nextLong()), a, step);
          return b.mul(a, mask);
        }
        default: {
          Node s = b.sum(a);
          return b.add(a, b.mul(s, b.constant(0.25)));
        }
      }
    }
  }
}
