package dev.cortado.codegen.emit;

import static com.github.javaparser.ast.expr.BinaryExpr.Operator.DIVIDE;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.GREATER;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.MINUS;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.MULTIPLY;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.PLUS;

import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.IfStmt;
import com.github.javaparser.ast.stmt.Statement;
import dev.cortado.codegen.lower.Plan;
import dev.cortado.ir.Attrs;
import dev.cortado.ir.Node;
import dev.cortado.op.Op;

/**
 * Kernels along the last axis, a row at a time: softmax and log-softmax, softmax cross-entropy
 * (which also writes the softmax its gradient needs when that is the next kernel), argmax, and
 * 2-D transposes. Maximum, exponentials and sums are taken in double in the interpreter's order,
 * so both dtypes match it exactly.
 */
final class RowKernels {
  private final Exprs x;
  private final Plan plan;
  private final MatmulKernel.Scratch scratch;
  /** Floats per vector of the Vector API, 0 where the JVM has no {@code jdk.incubator.vector}. */
  private final int lanes;
  /** A softmax already written by the cross-entropy kernel before it ({@link #softmaxAfter}). */
  private Node softmaxDone;

  RowKernels(Exprs x, MatmulKernel.Scratch scratch, int lanes) {
    this.x = x;
    this.lanes = lanes;
    this.plan = x.plan();
    this.scratch = scratch;
  }

  /** Softmax or log-softmax of the kernel's root, unless the cross-entropy before it wrote it. */
  void softmax(Plan.Kernel k, Exprs.Body body) {
    if (k.root().equals(softmaxDone)) {
      body.block.addOrphanComment(new com.github.javaparser.ast.comments.LineComment(" written by the cross-entropy above"));
    } else {
      softmax(k.root(), body);
    }
  }

  /** The mean softmax cross-entropy of the kernel's root, and the softmax after it if that is next. */
  void crossEntropy(Plan.Kernel k, Exprs.Body body) {
    crossEntropy(k.root(), softmaxAfter(k), body);
  }

  /**
   * Per row of the last axis: the maximum, then Σ e^(x-max), as the interpreter computes them;
   * with {@code keep} (a double scratch row) each e^(x-max) is also kept, so softmax calls exp
   * once per element.
   */
  private Lin rowStats(String in, int n, Lin row, BlockStmt blk, String max, String sum, String keep) {
    Lin j = n == 1 ? Lin.ZERO : Lin.var("j");
    Lin at = row.times(n).plus(j);
    blk.addStatement(J.declare(J.doubleType(), max, J.field("Double", "NEGATIVE_INFINITY")));
    blk.addStatement(overLast(n, J.assign(J.name(max), J.call("Math", "max", J.name(max), J.at(in, at.toExpr())))));
    blk.addStatement(J.declare(J.doubleType(), sum, J.dlit(0)));
    Expression e = J.call("Math", "exp", J.bin(MINUS, J.at(in, at.toExpr()), J.name(max)));
    if (keep == null) {
      blk.addStatement(overLast(n, J.assign(J.name(sum), J.bin(PLUS, J.name(sum), e))));
    } else {
      BlockStmt both = new BlockStmt();
      both.addStatement(J.assign(J.at(keep, j.toExpr()), e));
      both.addStatement(J.assign(J.name(sum), J.bin(PLUS, J.name(sum), J.at(keep, j.toExpr()))));
      blk.addStatement(n == 1 ? both : J.loop("j", 0, n, both));
    }
    return at;
  }

  private static Statement overLast(int n, Statement s) {
    return n == 1 ? s : J.loop("j", 0, n, new BlockStmt(new com.github.javaparser.ast.NodeList<>(s)));
  }

  private int lastDim(Node n) {
    int[] d = x.dims(n);
    return d.length == 0 ? 1 : d[d.length - 1];
  }

  private void softmax(Node r, Exprs.Body body) {
    Node in = r.input(0);
    String src = x.array(in);
    int n = lastDim(in);
    int rows = Iter.size(x.dims(in)) / n;
    Lin row = rows == 1 ? Lin.ZERO : Lin.var("r");
    BlockStmt blk = new BlockStmt();
    boolean log = r.op() == Op.LOG_SOFTMAX;
    String keep = log ? null : scratch.doubles(n);
    Lin at = rowStats(src, n, row, blk, "max", "sum", keep);
    Expression z = J.bin(MINUS, J.at(src, at.toExpr()), J.name("max"));
    Expression v;
    if (log) {
      blk.addStatement(J.declare(J.doubleType(), "lse", J.call("Math", "log", J.name("sum"))));
      v = J.bin(MINUS, z, J.name("lse"));
    } else {
      v = J.bin(DIVIDE, J.at(keep, (n == 1 ? Lin.ZERO : Lin.var("j")).toExpr()), J.name("sum"));
    }
    blk.addStatement(overLast(n, J.assign(J.at(x.array(r), at.toExpr()), x.lib(v))));
    body.block.addStatement(rows == 1 ? blk : J.loop("r", 0, rows, blk));
  }

  /**
   * The softmax of the same logits when it is the very next kernel (the cross-entropy's gradient
   * needs it): the cross-entropy kernel then writes it too, from the exponentials it computes
   * anyway, and the softmax kernel emits nothing. Each row's softmax is written after the row's
   * logits and labels are read, so its buffer may be either of theirs.
   */
  private Node softmaxAfter(Plan.Kernel xent) {
    int at = -1; // found by identity: a record's first equals links a method-handle chain, ~10 ms cold
    for (int k = 0; k < plan.kernels.size() && at < 0; k++) {
      at = plan.kernels.get(k) == xent ? k : -1;
    }
    if (at < 0 || at + 1 >= plan.kernels.size()) {
      return null;
    }
    Plan.Kernel next = plan.kernels.get(at + 1);
    Node z = xent.root().input(0);
    boolean same = next.kind() == Plan.Kind.SOFTMAX && next.root().op() == Op.SOFTMAX
        && next.root().input(0).equals(z);
    return same ? next.root() : null;
  }

  private void crossEntropy(Node r, Node softmax, Exprs.Body body) {
    String z = x.array(r.input(0));
    String t = x.array(r.input(1));
    int n = lastDim(r.input(0));
    int rows = Iter.size(x.dims(r.input(0))) / n;
    Lin row = rows == 1 ? Lin.ZERO : Lin.var("r");
    body.block.addStatement(J.declare(J.doubleType(), "total", J.dlit(0)));
    BlockStmt blk = new BlockStmt();
    String keep = softmax == null ? null : scratch.doubles(n);
    Lin at = rowStats(z, n, row, blk, "max", "sum", keep);
    blk.addStatement(J.declare(J.doubleType(), "lse", J.call("Math", "log", J.name("sum"))));
    Expression ls = J.bin(MINUS, J.bin(MINUS, J.at(z, at.toExpr()), J.name("max")), J.name("lse"));
    blk.addStatement(overLast(n, J.assign(J.name("total"),
        J.bin(MINUS, J.name("total"), J.bin(MULTIPLY, J.at(t, at.toExpr()), ls)))));
    if (softmax != null) {
      Expression p = J.bin(DIVIDE, J.at(keep, (n == 1 ? Lin.ZERO : Lin.var("j")).toExpr()), J.name("sum"));
      blk.addStatement(overLast(n, J.assign(J.at(x.array(softmax), at.toExpr()), x.lib(p))));
      softmaxDone = softmax;
    }
    body.block.addStatement(rows == 1 ? blk : J.loop("r", 0, rows, blk));
    body.block.addStatement(J.assign(J.at(x.array(r), J.intLit(0)), x.lib(J.bin(DIVIDE, J.name("total"), J.dlit(rows)))));
  }

  void argmax(Node r, Exprs.Body body) {
    String src = x.array(r.input(0));
    int[] d = x.dims(r.input(0));
    int axis = r.attrs().axis();
    int outer = axis == Attrs.ALL ? 1 : prod(d, 0, axis);
    int mid = axis == Attrs.ALL ? Iter.size(d) : d[axis];
    int inner = axis == Attrs.ALL ? 1 : prod(d, axis + 1, d.length);
    boolean floats = x.f32() && !x.isCount(r.input(0));
    if (WindowVectors.handles(floats, lanes, mid, inner)) {
      String mask = WindowVectors.maskMethod(lanes, scratch);
      BlockStmt each = new BlockStmt();
      each.addStatement(J.call(J.call(null, mask, J.name(src), J.name(x.array(r)),
          Lin.var("o").times((long) mid * inner).toExpr(), J.intLit(mid), J.intLit(inner))));
      body.block.addStatement(J.loop("o", 0, outer, each));
      return;
    }
    body.block.addStatement(J.call(J.call("java.util.Arrays", "fill", J.name(x.array(r)), x.zero())));
    Lin base = (outer == 1 ? Lin.ZERO : Lin.var("o").times((long) mid * inner)).plus(inner == 1 ? Lin.ZERO : Lin.var("c"));
    BlockStmt blk = new BlockStmt();
    blk.addStatement(J.declare(com.github.javaparser.ast.type.PrimitiveType.intType(), "best", base.toExpr()));
    // the best value in a local: the next comparison then waits on no load through the index just chosen
    blk.addStatement(J.declare(J.type(floats), "top", J.at(src, J.name("best"))));
    Lin k = base.plus(Lin.var("m").times(inner));
    BlockStmt scan = new BlockStmt();
    scan.addStatement(J.declare(J.type(floats), "v", J.at(src, k.toExpr())));
    BlockStmt take = new BlockStmt();
    take.addStatement(J.assign(J.name("top"), J.name("v")));
    take.addStatement(J.assign(J.name("best"), k.toExpr()));
    scan.addStatement(new IfStmt(J.bin(GREATER, J.name("v"), J.name("top")), take, null));
    blk.addStatement(J.loop("m", 1, mid, scan));
    blk.addStatement(J.assign(J.at(x.array(r), J.name("best")), x.one()));
    Statement s = inner == 1 ? blk : J.loop("c", 0, inner, blk);
    body.block.addStatement(outer == 1 ? s : J.loop("o", 0, outer, s instanceof BlockStmt b ? b
        : new BlockStmt(new com.github.javaparser.ast.NodeList<>(s))));
  }

  private static int prod(int[] d, int from, int to) {
    int p = 1;
    for (int i = from; i < to; i++) {
      p *= d[i];
    }
    return p;
  }

  void transpose(Node r, Exprs.Body body) {
    String src = x.array(r.input(0));
    int[] d = x.dims(r.input(0));
    Loops.nest(body.block, d, new int[] {0, 1}, new Lin[2], Iter.size(d) <= KernelEmitter.UNROLL, "i", (blk, idx) ->
        blk.addStatement(J.assign(J.at(x.array(r), idx[1].times(d[0]).plus(idx[0]).toExpr()),
            J.at(src, idx[0].times(d[1]).plus(idx[1]).toExpr()))));
  }
}
