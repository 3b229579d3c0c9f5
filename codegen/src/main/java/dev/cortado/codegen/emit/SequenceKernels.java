package dev.cortado.codegen.emit;

import com.github.javaparser.StaticJavaParser;
import com.github.javaparser.ast.stmt.BlockStmt;
import dev.cortado.ir.Node;

/**
 * Kernels of lookups, slices and batched products, each a small loop nest with literal bounds
 * in its own block: a table lookup copies one row per id ({@code System.arraycopy}); its adjoint
 * adds the rows back in position order, summed in double as the interpreter does; a slice and its
 * zero-padding adjoint copy one run per outer index; a batched product sums each element in double
 * in the interpreter's order, so both agree to the last bit. Locals are {@code i0}..{@code i3},
 * {@code s0} and {@code a0}, names the {@link Namer} never gives a field.
 */
final class SequenceKernels {
  private final Exprs x;
  private final MatmulKernel.Scratch scratch;

  SequenceKernels(Exprs x, MatmulKernel.Scratch scratch) {
    this.x = x;
    this.scratch = scratch;
  }

  void emit(Node r, Exprs.Body body) {
    String code = switch (r.op()) {
      case GATHER -> gather(r);
      case SCATTER_ADD -> scatterAdd(r);
      case SLICE -> copyAlong(r, r.input(0), r, true);
      case PAD -> copyAlong(r, r, r.input(0), false);
      case BATCH_MATMUL -> batchMatmul(r);
      default -> throw new IllegalStateException("not a sequence kernel: " + r);
    };
    body.block.addStatement(StaticJavaParser.parseBlock(code));
  }

  private String store() {
    return x.f32() ? "(float) " : "";
  }

  /** {@code out[p·D ..] = table[ids[p]·D ..]}: the ids were checked before the step ran. */
  private String gather(Node r) {
    int positions = Iter.size(x.dims(r.input(0)));
    int dim = x.dims(r.input(1))[1];
    return "{ for (int i0 = 0; i0 < " + positions + "; i0++) { System.arraycopy(" + x.array(r.input(1)) + ", (int) "
        + x.array(r.input(0)) + "[i0] * " + dim + ", " + x.array(r) + ", i0 * " + dim + ", " + dim + "); } }";
  }

  /** Rows of g added into a zero table at their ids, in position order, in double. */
  private String scatterAdd(Node r) {
    int positions = Iter.size(x.dims(r.input(0)));
    int[] t = x.dims(r);
    int dim = t[1];
    String out = x.array(r);
    String acc = x.f32() ? scratch.doubles(t[0] * dim) : out;
    StringBuilder s = new StringBuilder("{ java.util.Arrays.fill(" + acc + ", 0.0);");
    s.append(" for (int i0 = 0; i0 < ").append(positions).append("; i0++) { int a0 = (int) ")
        .append(x.array(r.input(0))).append("[i0] * ").append(dim).append("; int s0 = i0 * ").append(dim)
        .append("; for (int i1 = 0; i1 < ").append(dim).append("; i1++) { ").append(acc).append("[a0 + i1] += ")
        .append(x.array(r.input(1))).append("[s0 + i1]; } }");
    if (x.f32()) {
      s.append(" for (int i0 = 0; i0 < ").append(t[0] * dim).append("; i0++) { ").append(out).append("[i0] = (float) ")
          .append(acc).append("[i0]; }");
    }
    return s.append(" }").toString();
  }

  /**
   * One {@code System.arraycopy} per index of the axes before {@code axis}: a slice reads a run at
   * offset {@code from} of the larger tensor, a pad writes it there (after zeroing).
   */
  private String copyAlong(Node r, Node bigNode, Node smallNode, boolean slice) {
    int[] w = r.attrs().ints();
    int axis = w[0];
    int from = w[1];
    int[] big = x.dims(bigNode);
    int[] small = x.dims(smallNode);
    long outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= big[i];
    }
    long inner = 1;
    for (int i = axis + 1; i < big.length; i++) {
      inner *= big[i];
    }
    long runBig = big[axis] * inner;
    long runSmall = small[axis] * inner;
    String b = x.array(bigNode);
    String s = x.array(smallNode);
    String bigAt = "i0 * " + runBig + " + " + from * inner;
    String smallAt = "i0 * " + runSmall;
    String copy = slice ? "System.arraycopy(" + b + ", " + bigAt + ", " + s + ", " + smallAt + ", " + runSmall + ");"
        : "System.arraycopy(" + s + ", " + smallAt + ", " + b + ", " + bigAt + ", " + runSmall + ");";
    String fill = slice ? "" : "java.util.Arrays.fill(" + b + ", " + (x.f32() ? "0.0f" : "0.0") + "); ";
    return "{ " + fill + "for (int i0 = 0; i0 < " + outer + "; i0++) { " + copy + " } }";
  }

  /** {@code out[s, i, j] = Σ_p op(A)[s, i, p]·op(B)[s, p, j]}, each sum in double from p = 0. */
  private String batchMatmul(Node r) {
    int[] as = x.dims(r.input(0));
    int[] bs = x.dims(r.input(1));
    int[] os = x.dims(r);
    boolean ta = r.attrs().transA();
    boolean tb = r.attrs().transB();
    int n = os[1];
    int m = os[2];
    int k = ta ? as[1] : as[2];
    String a = x.array(r.input(0));
    String b = x.array(r.input(1));
    String ai = ta ? "i0 * " + (long) as[1] * as[2] + " + i3 * " + as[2] + " + i1"
        : "i0 * " + (long) as[1] * as[2] + " + i1 * " + as[2] + " + i3";
    String bi = tb ? "i0 * " + (long) bs[1] * bs[2] + " + i2 * " + bs[2] + " + i3"
        : "i0 * " + (long) bs[1] * bs[2] + " + i3 * " + bs[2] + " + i2";
    String cast = x.f32() ? "(double) " : "";
    return "{ for (int i0 = 0; i0 < " + os[0] + "; i0++) { for (int i1 = 0; i1 < " + n + "; i1++) { "
        + "for (int i2 = 0; i2 < " + m + "; i2++) { double s0 = 0.0; for (int i3 = 0; i3 < " + k + "; i3++) { "
        + "s0 += " + cast + a + "[" + ai + "] * " + cast + b + "[" + bi + "]; } "
        + x.array(r) + "[i0 * " + (long) n * m + " + i1 * " + m + " + i2] = " + store() + "s0; } } } }";
  }
}
