package dev.cortado.codegen.emit;

import static com.github.javaparser.ast.expr.BinaryExpr.Operator.AND;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.GREATER_EQUALS;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.LESS;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.MINUS;
import static com.github.javaparser.ast.expr.BinaryExpr.Operator.MULTIPLY;

import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.IfStmt;
import com.github.javaparser.ast.type.PrimitiveType;
import dev.cortado.ir.Node;
import dev.cortado.op.Op;

/**
 * Kernels over windows and axes: the patches of an image batch (im2col: each window's
 * {@code kw·C} pixels of a row copied as one run, so a convolution is then one matmul of the
 * patches with the kernel matrix), their adjoint (the runs added back into the image in the
 * interpreter's order and the image's precision, so a float32 pixel rounds after each of its at
 * most {@code kh·kw} adds; copied back where the windows tile the image), permutations of axes,
 * and max pooling forward and backward ({@link PoolKernels}).
 * Loops have literal bounds; a guard is emitted only where padding can put a window outside the image.
 */
final class WindowKernels {
  private final Exprs x;
  private final MatmulKernel.Scratch scratch;
  /** Floats per vector of the Vector API, 0 where the JVM has no {@code jdk.incubator.vector}. */
  private final int lanes;

  /** Runs shorter than this many elements are copied by a loop rather than by {@code System.arraycopy}. */
  private static final int SHORT_RUN = 16;

  private final PoolKernels pools;

  WindowKernels(Exprs x, MatmulKernel.Scratch scratch, int lanes) {
    this.x = x;
    this.scratch = scratch;
    this.lanes = lanes;
    this.pools = new PoolKernels(x, scratch, lanes);
  }

  void emit(Node r, Exprs.Body body) {
    switch (r.op()) {
      case PATCHES -> windows(r, r.input(0), false, body);
      case PATCHES_ADJOINT -> windows(r, r, true, body);
      case PERMUTE -> permute(r, body);
      case MAX_POOL -> pools.forward(r, body);
      case MAX_POOL_GRAD -> pools.backward(r, body);
      default -> throw new IllegalStateException("not a window kernel: " + r);
    }
  }

  /**
   * Visits every window row: image {@code [B, H, W, C]}, patches {@code [B, OH, OW, kh·kw·C]}.
   * Forward, copies each run from the image into the patches; adjoint, adds it back.
   */
  private void windows(Node r, Node imageNode, boolean adjoint, Exprs.Body body) {
    int[] w = r.attrs().ints();
    int[] img = x.dims(imageNode);
    Node patchNode = adjoint ? r.input(0) : r;
    int[] pd = x.dims(patchNode);
    int kh = w[0];
    int kw = w[1];
    int sh = w[2];
    int sw = w[3];
    int top = w[4];
    int left = w[6];
    int h = img[1];
    int wd = img[2];
    int c = img[3];
    int oh = pd[1];
    int ow = pd[2];
    int k = pd[3];
    String image = x.array(imageNode);
    String patches = x.array(patchNode);
    boolean rowsInside = top == 0 && (oh - 1) * sh + kh <= h;
    boolean colsInside = left == 0 && (ow - 1) * sw + kw <= wd;
    // windows that tile the image exactly: the adjoint copies each run back and needs no zeros
    boolean tiles = rowsInside && colsInside && kh == sh && kw == sw && oh * sh == h && ow * sw == wd;
    // a patch buffer that holds nothing else keeps the zeros of its padding from its allocation
    boolean padded = !rowsInside || !colsInside;
    if (adjoint && !tiles || !adjoint && padded && !x.storage().holdsOnlyPatchesLike(r)) {
      body.block.addStatement(J.call(J.call("java.util.Arrays", "fill", J.name(adjoint ? image : patches), x.zero())));
    }
    BlockStmt inner = new BlockStmt();
    // i0 batch, i1 output row, i2 output column, i3 window row, i4 image row, i5..i6 the run's columns
    inner.addStatement(J.declare(PrimitiveType.intType(), "i4", lin("i1", sh, "i3", 1, -top)));
    BlockStmt row = new BlockStmt();
    Expression dst = J.bin(com.github.javaparser.ast.expr.BinaryExpr.Operator.PLUS,
        Lin.var("i0").times((long) oh * ow * k).plus(Lin.var("i1").times((long) ow * k))
            .plus(Lin.var("i2").times(k)).plus(Lin.var("i3").times((long) kw * c)).toExpr(),
        colsInside ? J.intLit(0) : J.bin(MULTIPLY, J.name("i5"), J.intLit(c)));
    Expression src = J.bin(com.github.javaparser.ast.expr.BinaryExpr.Operator.PLUS,
        Lin.var("i0").times((long) h * wd * c).plus(Lin.var("i4").times((long) wd * c))
            .plus(Lin.var("i2").times((long) sw * c)).plus(Lin.of((long) -left * c)).toExpr(),
        colsInside ? J.intLit(0) : J.bin(MULTIPLY, J.name("i5"), J.intLit(c)));
    Expression length;
    if (colsInside) {
      length = J.intLit((long) kw * c);
    } else {
      // the run's columns inside the image: dx in [i5, i6)
      row.addStatement(J.declare(PrimitiveType.intType(), "i5", J.call("Math", "max", J.intLit(0),
          lin("i2", -sw, null, 0, left))));
      row.addStatement(J.declare(PrimitiveType.intType(), "i6", J.call("Math", "min", J.intLit(kw),
          lin("i2", -sw, null, 0, wd + left))));
      length = J.bin(MULTIPLY, J.bin(MINUS, J.name("i6"), J.name("i5")), J.intLit(c));
    }
    if (!adjoint && (long) kw * c < SHORT_RUN) {
      // a run of a few floats (a first layer's one or three channels): a loop C2 unrolls, where
      // System.arraycopy's call and checks cost more than the copy
      row.addStatement(J.declare(PrimitiveType.intType(), "i7", src));
      row.addStatement(J.declare(PrimitiveType.intType(), "i8", dst));
      BlockStmt copy = new BlockStmt();
      copy.addStatement(J.assign(J.at(patches, J.bin(com.github.javaparser.ast.expr.BinaryExpr.Operator.PLUS,
          J.name("i8"), J.name("i9"))), J.at(image, J.bin(com.github.javaparser.ast.expr.BinaryExpr.Operator.PLUS,
          J.name("i7"), J.name("i9")))));
      row.addStatement(J.loop("i9", J.intLit(0), length, 1, copy));
    } else if (!adjoint) {
      row.addStatement(J.call(J.call("System", "arraycopy", J.name(image), src, J.name(patches), dst, length)));
    } else if (tiles) {
      row.addStatement(J.call(J.call("System", "arraycopy", J.name(patches), dst, J.name(image), src, length)));
    } else {
      row.addStatement(J.declare(PrimitiveType.intType(), "i7", src));
      row.addStatement(J.declare(PrimitiveType.intType(), "i8", dst));
      // every run starts at a whole pixel and spans whole pixels: with C a multiple of the vector
      // length it is a few whole vectors, too short for C2's unrolled vector loop
      if (x.f32() && lanes > 0 && c % lanes == 0) {
        String add = WindowVectors.addMethod(lanes, scratch);
        row.addStatement(J.call(J.call(null, add, J.name(image), J.name("i7"), J.name(patches), J.name("i8"), length)));
      } else {
        BlockStmt add = new BlockStmt();
        add.addStatement(J.addAssign(J.at(image, J.bin(com.github.javaparser.ast.expr.BinaryExpr.Operator.PLUS,
            J.name("i7"), J.name("i9"))), J.at(patches, J.bin(com.github.javaparser.ast.expr.BinaryExpr.Operator.PLUS,
            J.name("i8"), J.name("i9")))));
        row.addStatement(J.loop("i9", J.intLit(0), length, 1, add));
      }
    }
    if (rowsInside) {
      inner.getStatements().addAll(row.getStatements());
    } else {
      inner.addStatement(new IfStmt(J.bin(AND, J.bin(GREATER_EQUALS, J.name("i4"), J.intLit(0)),
          J.bin(LESS, J.name("i4"), J.intLit(h))), row, null));
    }
    BlockStmt loops = inner;
    int[] bounds = {pd[0], oh, ow, kh};
    for (int d = 3; d >= 0; d--) {
      BlockStmt outer = new BlockStmt();
      outer.addStatement(J.loop("i" + d, 0, bounds[d], loops));
      loops = outer;
    }
    body.block.getStatements().addAll(loops.getStatements());
  }

  /** {@code a·ca + b·cb + k} as an expression ({@code b} may be null). */
  private static Expression lin(String a, long ca, String b, long cb, long k) {
    Lin l = Lin.var(a).times(ca).plus(Lin.of(k));
    if (b != null) {
      l = l.plus(Lin.var(b).times(cb));
    }
    return l.toExpr();
  }

  /** {@code out[i] = in[perm(i)]}: loops over the output's axes, the input read at the permuted index. */
  private void permute(Node r, Exprs.Body body) {
    int[] perm = r.attrs().ints();
    int[] in = x.dims(r.input(0));
    int[] out = x.dims(r);
    long[] stride = new long[in.length];
    for (int i = in.length - 1, s = 1; i >= 0; i--) {
      stride[i] = s;
      s *= in[i];
    }
    String src = x.array(r.input(0));
    String dst = x.array(r);
    Loops.nest(body.block, out, Loops.range(0, out.length), new Lin[out.length], Iter.size(out) <= KernelEmitter.UNROLL,
        "i", (blk, idx) -> {
          Lin from = Lin.ZERO;
          for (int i = 0; i < out.length; i++) {
            from = from.plus(idx[i].times(stride[perm[i]]));
          }
          blk.addStatement(J.assign(J.at(dst, new Iter(out, idx, false).flatIndex().toExpr()), J.at(src, from.toExpr())));
        });
  }
}
