package dev.cortado.codegen.emit;

import static com.github.javaparser.ast.expr.BinaryExpr.Operator.DIVIDE;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.GREATER;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.GREATER_EQUALS;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.MINUS;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.MULTIPLY;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.PLUS;

import com.github.javaparser.ast.expr.ArrayAccessExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.LiteralExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import dev.cortado.codegen.lower.Plan;
import dev.cortado.ir.Node;
import dev.cortado.ir.Shape;
import dev.cortado.op.Op;
import java.util.Map;

/**
 * Elementwise expressions: a node's value at one point of an iteration, inlining the fused
 * chain below it. Each op is written exactly as the interpreter computes it: F64 in double; F32
 * with float arithmetic for + - * / (which rounds as the interpreter's double-then-float does)
 * and every library function computed in double and cast to float once, as the interpreter rounds
 * every op's result.
 */
final class Exprs {
  private final Plan plan;
  private final Storage storage;
  private final boolean f32;

  Exprs(Plan plan, Storage storage, boolean f32) {
    this.plan = plan;
    this.storage = storage;
    this.f32 = f32;
  }

  /** A statement sink with fresh local names, for values used twice in one formula. */
  static final class Body {
    final BlockStmt block;
    private final int[] counter;

    Body(BlockStmt block, int[] counter) {
      this.block = block;
      this.counter = counter;
    }

    Body in(BlockStmt inner) {
      return new Body(inner, counter);
    }

    String fresh(String prefix) {
      return prefix + counter[0]++;
    }
  }

  Expression value(Node x, Iter it, Body body, Map<Node, Expression> overrides) {
    Expression o = overrides.get(x);
    if (o != null) {
      return o.clone();
    }
    if (x.op() == Op.CONSTANT) {
      return J.lit(x.attrs().value(), f32);
    }
    if (x.op() == Op.HYPER) {
      return J.name(storage.hyper(x));
    }
    if (!plan.isInline(x)) {
      return read(x, it);
    }
    return compute(x, it, body, overrides);
  }

  /** The formula of {@code x} itself at this point, its inline operands expanded. */
  Expression compute(Node x, Iter it, Body body, Map<Node, Expression> overrides) {
    if (x.op() == Op.CONSTANT || x.op() == Op.HYPER) {
      return value(x, it, body, overrides);
    }
    if (x.op() == Op.DROPOUT_MASK) {
      return dropout(x, value(x.input(1), it, body, overrides), it);
    }
    Expression a = x.op().arity() > 0 ? value(x.input(0), it, body, overrides) : null;
    Expression b = x.op().arity() > 1 ? value(x.input(1), it, body, overrides) : null;
    Expression r = switch (x.op()) {
      case ADD -> J.bin(PLUS, a, b);
      case SUB -> J.bin(MINUS, a, b);
      case MUL -> J.bin(MULTIPLY, a, b);
      case DIV -> J.bin(DIVIDE, a, b);
      case POW -> lib(J.call("Math", "pow", a, b));
      case MAXIMUM -> J.call("Math", "max", a, b);
      case MINIMUM -> J.call("Math", "min", a, b);
      case GREATER_EQUAL -> J.cond(J.bin(GREATER_EQUALS, a, b), one(), zero());
      case NEG -> J.neg(a);
      case RELU -> J.call("Math", "max", a, zero());
      case LEAKY_RELU -> {
        Expression s = share(a, body);
        yield J.cond(J.bin(GREATER, s, zero()), s.clone(), lib(J.bin(MULTIPLY, J.dlit(x.attrs().value()), s.clone())));
      }
      case STEP -> x.attrs().value() == 0 ? unitStep(a)
          : J.cond(J.bin(GREATER, a, zero()), one(), J.lit(x.attrs().value(), f32));
      case SIGMOID -> lib(J.bin(DIVIDE, J.dlit(1), J.bin(PLUS, J.dlit(1), J.call("Math", "exp", J.neg(a)))));
      case TANH -> lib(J.call("Math", "tanh", a));
      case EXP -> lib(J.call("Math", "exp", a));
      case EXPM1 -> lib(J.call("Math", "expm1", a));
      case LOG -> lib(J.call("Math", "log", a));
      case SQRT -> lib(J.call("Math", "sqrt", a));
      case SQUARE -> {
        Expression s = share(a, body);
        yield J.bin(MULTIPLY, s, s.clone());
      }
      case ABS -> J.call("Math", "abs", a);
      case SIGN -> J.call("Math", "signum", a);
      case SOFTPLUS -> {
        Expression s = share(a, body);
        yield lib(J.bin(PLUS, J.call("Math", "max", s, J.dlit(0)),
            J.call("Math", "log1p", J.call("Math", "exp", J.neg(J.call("Math", "abs", s.clone()))))));
      }
      case DROPOUT_MASK -> throw new AssertionError("handled above");
      case IN_TRAINING -> throw new IllegalStateException("specialization keeps one branch of " + x);
      case BROADCAST_TO -> a;
      // computed by their own kernels (KernelEmitter), never inline; no default, so a new op is a compile error here
      case INPUT, VARIABLE, HYPER, CONSTANT, MATMUL, TRANSPOSE, RESHAPE, SUM_TO, SUM, MEAN, MAX, ARGMAX_MASK, NUMEL,
          SOFTMAX, LOG_SOFTMAX, SOFTMAX_CROSS_ENTROPY, PATCHES, PATCHES_ADJOINT, PERMUTE, MAX_POOL, MAX_POOL_GRAD,
          GRU, LSTM, GRU_GRAD, LSTM_GRAD, RNN_ROWS, GATHER, SCATTER_ADD, SLICE, PAD, BATCH_MATMUL -> throw new IllegalStateException("not an elementwise op: " + x);
    };
    return readsCount(x) && !isCount(x) && !(r instanceof com.github.javaparser.ast.expr.CastExpr)
        ? J.cast(J.type(true), r) : r;
  }

  /**
   * True if an F32 op {@code x} reads an exact count (a {@code double}): Java then computes it in
   * double from the exact count, and its result is cast to float once, as the interpreter rounds
   * every result. A count itself (a whole constant added to one) stays in double.
   */
  private boolean readsCount(Node x) {
    if (!f32) {
      return false;
    }
    for (Node in : x.inputs()) {
      if (isCount(in)) {
        return true;
      }
    }
    return false;
  }

  /** True if {@code n} holds an exact count, kept in double in an F32 model too. */
  boolean isCount(Node n) {
    return storage.isCount(n);
  }

  /**
   * {@code x > 0 ? 1 : 0} without a branch: {@code min(max(x·2^k, 0), 1)} with 2^k large enough
   * to take the smallest positive subnormal to at least 2 (2^150 in float, 2^1075 in double, each
   * as two exact factors), so the result is exactly 1 for every positive x and 0 for every other
   * non-NaN x, ±0 included. The select compiles to a branch that mispredicts on half the elements
   * and keeps C2 from vectorising the loop (about 4× slower here). A NaN gives NaN where the
   * interpreter gives 0, as {@code Math.max(x, 0)} does for RELU: only a diverged step sees it.
   */
  private Expression unitStep(Expression x) {
    Expression big = f32
        ? J.bin(MULTIPLY, J.bin(MULTIPLY, x, power(126, true, unitStepNote(150, "float"))), power(24, true, null))
        : J.bin(MULTIPLY, J.bin(MULTIPLY, x, power(1023, false, unitStepNote(1075, "double"))), power(52, false, null));
    return J.call("Math", "min", J.call("Math", "max", big, zero()), one());
  }

  /** The comment on the first factor of {@link #unitStep}'s 2^{@code k} (concatenated: no {@code Formatter} to load). */
  private static String unitStepNote(int k, String type) {
    return " 2^" + k + " (over two factors): x * 2^" + k + " >= 2 for every " + type
        + " x > 0, so min(max(., 0), 1) is x > 0 ? 1 : 0";
  }

  /** 2^k as a named constant of the model's type. */
  private Expression power(int k, boolean f32, String comment) {
    return storage.constant("2^" + k + (f32 ? "f" : "d"), "TWO_POW_" + k, J.type(f32), J.lit(Math.scalb(1.0, k), f32), comment);
  }

  /** The stored value of {@code x} at this iteration point. */
  Expression read(Node x, Iter it) {
    Node home = plan.home(x);
    return J.at(storage.array(home), it.index(x.shape().resolve(plan.batch)).toExpr());
  }

  /**
   * The mask at this point: {@code Rng.uniform(seed, step, index)} against the rate, as the
   * interpreter draws it; a mask whose first axis is the batch adds {@code firstRow} times its
   * elements per row to the index (the chunk's first global row in a gradient half, else 0).
   */
  private Expression dropout(Node x, Expression step, Iter it) {
    double rate = x.attrs().value();
    String label = Storage.withoutNumber(x.name());
    String what = JavaText.literal(x.name());
    Shape shape = x.shape();
    boolean rows = shape.rank() > 0 && shape.dim(0) == Shape.BATCH;
    long rowSize = shape.fixedSize();
    String index = rows ? "firstRow * " + rowSize + " + i" : "i";
    String offset = rows ? " (firstRow: a chunk's first global row, else 0)" : "";
    Expression seed = storage.constant("seed " + x.name() + " " + x.attrs().seed(), label + "_seed",
        com.github.javaparser.ast.type.PrimitiveType.longType(), J.longLit(x.attrs().seed()),
        " dropout " + what + " keeps element i of step s, times 1 / (1 - " + rate + "), if Rng.uniform(seed, s, "
            + index + ") >= " + rate + offset);
    Expression at = it.flatIndex().toExpr();
    if (rows) {
      Expression size = rowSize > Integer.MAX_VALUE ? J.longLit(rowSize) : J.intLit(rowSize);
      Expression first = J.bin(MULTIPLY, J.name("firstRow"), size);
      boolean zero = at instanceof com.github.javaparser.ast.expr.IntegerLiteralExpr l && l.getValue().equals("0");
      at = zero ? first : J.bin(PLUS, first, at);
    }
    Expression u = J.call("Rng", "uniform", seed, J.cast(com.github.javaparser.ast.type.PrimitiveType.longType(), step), at);
    return J.cond(J.bin(GREATER_EQUALS, u, J.dlit(rate)), J.lit(1.0 / (1.0 - rate), f32), zero());
  }

  /** Binds a compound expression to a local so a formula can use it twice. */
  Expression share(Expression e, Body body) {
    if (e instanceof NameExpr || e instanceof LiteralExpr || e instanceof ArrayAccessExpr) {
      return e;
    }
    String n = body.fresh("t");
    body.block.addStatement(J.declare(J.type(f32), n, e));
    return J.name(n);
  }

  /** A library result computed in double, cast to float once in an F32 model. */
  Expression lib(Expression e) {
    return f32 ? J.cast(J.type(true), e) : e;
  }

  Expression zero() {
    return J.lit(0, f32);
  }

  Expression one() {
    return J.lit(1, f32);
  }

  boolean f32() {
    return f32;
  }

  /** The dimensions of {@code n} at the plan's batch size. */
  int[] dims(Node n) {
    return n.shape().resolve(plan.batch);
  }

  /** The array field holding {@code n}'s value. */
  String array(Node n) {
    return storage.array(plan.home(n));
  }

  /** True when every array the inline tree of {@code root} reads is root-sized or a scalar. */
  boolean flatOk(Node root, int size, boolean top) {
    if (!top && (root.op() == Op.CONSTANT || root.op() == Op.HYPER)) {
      return true;
    }
    if (!top && !plan.isInline(root)) {
      int s = Iter.size(dims(root));
      return s == size || s == 1;
    }
    for (Node in : root.inputs()) {
      if (!flatOk(in, size, false)) {
        return false;
      }
    }
    return true;
  }

  Plan plan() {
    return plan;
  }

  Storage storage() {
    return storage;
  }
}
