package dev.cortado.codegen.pass;

import dev.cortado.ir.Attrs;
import dev.cortado.ir.Graph;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.Verifier;
import dev.cortado.op.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The passes on the IR, each a pure function from graph to graph that keeps the results the
 * interpreter computes (folding rounds like the interpreter: every op's result to the dtype).
 * A rewritten graph is verified again when it is built, so a pass cannot produce a broken graph.
 */
public final class Passes {
  private Passes() {}

  /**
   * A pass with the name its dump file carries.
   *
   * @param name the pass's name, part of the dump file's name
   * @param pass the pass: a graph in, a graph computing the same values out
   */
  public record Named(String name, UnaryOperator<Graph> pass) {}

  /**
   * Checks the graph's invariants and returns it unchanged.
   *
   * @param g the graph
   * @return {@code g}
   * @throws IllegalStateException naming the first node that breaks an invariant
   */
  public static Graph verify(Graph g) {
    Verifier.verify(g);
    return g;
  }

  /** Which part of a graph an entry point runs. */
  public enum Entry {
    /** Losses and updates, dropout on. */
    TRAIN,
    /** Outputs, dropout off. */
    PREDICT,
    /** Losses, dropout off. */
    EVALUATE,
    /** The gradient half of a split step ({@link dev.cortado.ir.StepSplit}): losses and gradient buffers, dropout on. */
    GRADIENT,
    /** The apply half of a split step: the optimizer's update from the gradient buffers. */
    APPLY;

    /**
     * Whether this entry writes variables (a step or one of its halves).
     *
     * @return true for the training step and both halves of a split step
     */
    public boolean trains() {
      return this == TRAIN || this == GRADIENT || this == APPLY;
    }
  }

  /**
   * Keeps only what {@code e} computes (dead-code elimination to its roles).
   *
   * @param g the model graph
   * @param e the entry point
   * @return a graph of only {@code e}'s roots (for a half of a split step, that half's) and what they read
   */
  public static Graph extract(Graph g, Entry e) {
    if (e == Entry.GRADIENT) {
      g = dev.cortado.ir.StepSplit.gradientHalf(g);
    } else if (e == Entry.APPLY) {
      g = dev.cortado.ir.StepSplit.applyHalf(g);
    }
    return Rewriter.rewrite(g, (b, n, in) -> null, e == Entry.PREDICT, e != Entry.PREDICT, e.trains());
  }

  /**
   * Fixes what a batch size and the training flag decide: {@code NUMEL} becomes a constant,
   * outside training a dropout mask becomes ones, and {@code IN_TRAINING} becomes the branch the
   * entry takes.
   *
   * @param g the entry graph
   * @param batch the batch size
   * @param training whether the entry trains (dropout on)
   * @return the specialized graph
   */
  public static Graph specialize(Graph g, int batch, boolean training) {
    return Rewriter.rewrite(g, (b, n, in) -> {
      if (n.op() == Op.NUMEL) {
        int[] dims = n.input(0).shape().resolve(batch);
        long count = 1;
        if (n.attrs().axis() == Attrs.ALL) {
          for (int d : dims) {
            count *= d;
          }
        } else {
          count = dims[n.attrs().axis()];
        }
        return b.constant(g.dtype().round(count));
      }
      if (n.op() == Op.IN_TRAINING) {
        return in.get(training ? 0 : 1);
      }
      if (n.op() == Op.DROPOUT_MASK && !training) {
        return b.broadcastTo(b.constant(1), n.shape());
      }
      return null;
    });
  }

  /**
   * Evaluates elementwise ops whose operands are all constants (or broadcast constants), rounding
   * to the dtype; the result is broadcast back where the node's shape needs it.
   *
   * @param g the graph
   * @return the graph with those nodes turned into constants
   */
  public static Graph foldConstants(Graph g) {
    return Rewriter.rewrite(g, (b, n, in) -> {
      if (!n.op().isElementwise() || !in.stream().allMatch(Passes::isConstant)) {
        return null;
      }
      double x = constantOf(in.get(0));
      double y = in.size() > 1 ? constantOf(in.get(1)) : 0;
      return b.broadcastTo(b.constant(g.dtype().round(n.op().apply(x, y, n.attrs()))), n.shape());
    });
  }

  private static boolean isConstant(Node n) {
    return n.op() == Op.CONSTANT || (n.op() == Op.BROADCAST_TO && n.input(0).op() == Op.CONSTANT);
  }

  private static double constantOf(Node n) {
    return n.op() == Op.CONSTANT ? n.attrs().value() : n.input(0).attrs().value();
  }

  /**
   * Merges nodes with the same op, attributes and operands.
   *
   * @param g the graph
   * @return the graph with each such set of nodes as one
   */
  public static Graph eliminateCommonSubexpressions(Graph g) {
    Map<List<Object>, Node> seen = new HashMap<>();
    return Rewriter.rewrite(g, (b, n, in) -> {
      List<Object> key = new ArrayList<>();
      key.add(n.op());
      key.add(n.attrs());
      in.forEach(x -> key.add(x.id()));
      Node hit = seen.get(key);
      if (hit != null) {
        return hit;
      }
      Node made = b.apply(n.op(), n.attrs(), in.toArray(new Node[0]));
      seen.put(key, made);
      return made;
    });
  }

  /**
   * Algebraic identities that change no value (x+0 and 0+x only the sign of a zero x): x·1, 1·x,
   * x/1, x+0, 0+x, x-0 (where the shape stays), -(-x), transpose of transpose, reshape chains and no-op reshapes, broadcasts and
   * sums to the same shape, a broadcast constant in a product, a transposed matmul operand
   * turned into the matmul's flag, and a ReLU's derivative after a max pooling's gradient moved to
   * the pooled values (the same values unless the pooled image holds a NaN).
   *
   * @param g the graph
   * @return the simplified graph
   */
  public static Graph simplify(Graph g) {
    return Rewriter.rewrite(g, Passes::identity);
  }

  private static Node identity(GraphBuilder b, Node n, List<Node> in) {
    Node x = in.isEmpty() ? null : in.get(0);
    Node y = in.size() > 1 ? in.get(1) : null;
    switch (n.op()) {
      case MUL:
        if (isConst(y, 1) && fits(x, n)) {
          return x;
        }
        if (isConst(x, 1) && fits(y, n)) {
          return y;
        }
        if (y.op() == Op.BROADCAST_TO && y.input(0).op() == Op.CONSTANT && fits(x, n)) {
          return b.mul(x, y.input(0));
        }
        if (x.op() == Op.BROADCAST_TO && x.input(0).op() == Op.CONSTANT && fits(y, n)) {
          return b.mul(x.input(0), y);
        }
        Node pooled = stepOfPooled(b, x, y);
        return pooled != null ? pooled : stepOfPooled(b, y, x);
      case DIV:
        return isConst(y, 1) && fits(x, n) ? x : null;
      case ADD:
        if (isConst(y, 0) && fits(x, n)) {
          return x;
        }
        return isConst(x, 0) && fits(y, n) ? y : null;
      case SUB:
        return isConst(y, 0) && fits(x, n) ? x : null;
      case NEG:
        return x.op() == Op.NEG ? x.input(0) : null;
      case TRANSPOSE:
        return x.op() == Op.TRANSPOSE ? x.input(0) : null;
      case RESHAPE:
        return b.reshape(x.op() == Op.RESHAPE ? x.input(0) : x, n.shape());
      case BROADCAST_TO:
      case SUM_TO:
        return fits(x, n) ? x : null;
      case MATMUL: {
        boolean ta = n.attrs().transA();
        boolean tb = n.attrs().transB();
        if (x.op() != Op.TRANSPOSE && y.op() != Op.TRANSPOSE) {
          return null;
        }
        Node a = x.op() == Op.TRANSPOSE ? x.input(0) : x;
        Node c = y.op() == Op.TRANSPOSE ? y.input(0) : y;
        return b.matmul(a, c, x.op() == Op.TRANSPOSE ? !ta : ta, y.op() == Op.TRANSPOSE ? !tb : tb);
      }
      default:
        return null;
    }
  }

  /**
   * {@code MAX_POOL_GRAD(x, g)·STEP(x)} (a ReLU's derivative, taken of its output x, after a max
   * pooling of x) as {@code MAX_POOL_GRAD(x, g·STEP(MAX_POOL(x)))}: the pooling's gradient is 0
   * but at each window's first maximum, where x is the window's maximum, so the step is taken of
   * the pooled values (a quarter of the pixels under a 2×2 window, and the forward pass's array
   * after the merge of common subexpressions) and the pass that multiplies every pixel is gone.
   * The same values, but where x holds a NaN (whose 0·NaN the old product spread to every pixel).
   */
  private static Node stepOfPooled(GraphBuilder b, Node grad, Node step) {
    if (grad.op() != Op.MAX_POOL_GRAD || step.op() != Op.STEP || step.attrs().value() != 0
        || step.input(0) != grad.input(0)) {
      return null;
    }
    Node x = grad.input(0);
    Node top = b.apply(Op.MAX_POOL, grad.attrs(), x);
    return b.apply(Op.MAX_POOL_GRAD, grad.attrs(), x, b.mul(grad.input(1), b.apply(Op.STEP, step.attrs(), top)));
  }

  private static boolean isConst(Node n, double v) {
    return n != null && n.op() == Op.CONSTANT && n.attrs().value() == v;
  }

  private static boolean fits(Node x, Node n) {
    return x.shape().equals(n.shape());
  }

  /**
   * The passes run on every entry's graph once the batch size is fixed, in order.
   *
   * @param batch the batch size
   * @param training whether the entry trains
   * @return the named passes
   */
  public static List<Named> standard(int batch, boolean training) {
    return List.of(
        new Named("verify", Passes::verify),
        new Named("specialize", g -> specialize(g, batch, training)),
        new Named("fold", Passes::foldConstants),
        new Named("simplify", Passes::simplify),
        new Named("fold2", Passes::foldConstants),
        new Named("simplify2", Passes::simplify),
        new Named("cse", Passes::eliminateCommonSubexpressions));
  }
}
