package dev.cortado.codegen.emit;

import com.github.javaparser.StaticJavaParser;
import dev.cortado.ir.Node;

/**
 * Max pooling straight from the image, forward and backward, with no patches stored: {@code x}
 * {@code [B, H, W, C]} under a window {@code [kh, kw, sh, sw, top, bottom, left, right]}, pooled
 * to {@code [B, OH, OW, C]}. Each output pixel's window is visited cell by cell in row-major
 * order, each cell a run of C channels.
 *
 * <p>Forward: each output channel is the {@code Math.max} of its window's cells (a padding cell
 * is 0), which does not depend on the order of the cells, so the vector form (a window at a time,
 * whole vectors of channels) gives the same bits.
 *
 * <p>Backward: per channel, a scan of the window keeps the first cell and moves on only to a
 * strictly greater value, as the interpreter does; where the windows tile the image (stride =
 * size, no padding, nothing left over) each pixel lies in exactly one window and is written
 * once, the gradient at the chosen cell and 0 at the others, so the image needs no zero fill.
 * Otherwise the image is zeroed and each gradient added into its chosen pixel in output order
 * (a chosen cell in the padding adds nothing). The vector form keeps the chosen cell of each lane
 * as a float (exact, the window has fewer than 2^24 cells) and makes no data-dependent branch.
 */
final class PoolKernels {
  private final Exprs x;
  private final MatmulKernel.Scratch scratch;
  /** Floats per vector of the Vector API, 0 where the JVM has no {@code jdk.incubator.vector}. */
  private final int lanes;

  PoolKernels(Exprs x, MatmulKernel.Scratch scratch, int lanes) {
    this.x = x;
    this.scratch = scratch;
    this.lanes = lanes;
  }

  /** The window's geometry at the plan's batch. */
  private record Geometry(int b, int h, int w, int c, int oh, int ow, int kh, int kw, int sh, int sw, int top,
      int left) {
    static Geometry of(int[] image, int[] pooled, int[] win) {
      return new Geometry(image[0], image[1], image[2], image[3], pooled[1], pooled[2], win[0], win[1], win[2],
          win[3], win[4], win[6]);
    }

    boolean padded() {
      return top > 0 || left > 0 || (oh - 1) * sh + kh > h || (ow - 1) * sw + kw > w;
    }

    boolean tiles() {
      return !padded() && kh == sh && kw == sw && oh * sh == h && ow * sw == w;
    }

    /** The first channel of the output pixel (i0, i1, i2). */
    String output() {
      return "i0 * " + (long) oh * ow * c + " + i1 * " + (long) ow * c + " + i2 * " + c;
    }

    /** The first channel of the window's top-left cell (which may be in the padding). */
    String corner() {
      return "i0 * " + (long) h * w * c + " + i1 * " + (long) sh * w * c + " + i2 * " + (long) sw * c
          + (top == 0 && left == 0 ? "" : " - " + ((long) top * w + left) * c);
    }
  }

  /** Whether the Vector API form applies: float32, no padding, the channels whole vectors. */
  private boolean vectors(Geometry g) {
    return x.f32() && lanes > 0 && g.c % lanes == 0 && !g.padded() && (long) g.kh * g.kw < 1 << 24;
  }

  void forward(Node r, Exprs.Body body) {
    Geometry g = Geometry.of(x.dims(r.input(0)), x.dims(r), r.attrs().ints());
    String in = x.array(r.input(0));
    String out = x.array(r);
    StringBuilder s = new StringBuilder("{\n");
    s.append(outerLoops(g));
    s.append("// the output pixel's first channel\nint p0 = ").append(g.output()).append(";\n");
    s.append("// the first channel of the window's top-left cell\nint p1 = ").append(g.corner()).append(";\n");
    if (vectors(g)) {
      s.append(PoolVectors.maxMethod(lanes, g.kh, g.kw, g.w * g.c, g.c, scratch))
          .append("(").append(in).append(", p1, ").append(out).append(", p0);\n");
    } else {
      String t = x.f32() ? "Float" : "Double";
      s.append("for (int i3 = 0; i3 < ").append(g.c).append("; i3++) {\n");
      s.append(out).append("[p0 + i3] = ").append(t).append(".NEGATIVE_INFINITY;\n}\n");
      s.append(cellLoops(g));
      s.append("for (int i3 = 0; i3 < ").append(g.c).append("; i3++) {\n");
      if (g.padded()) {
        s.append(out).append("[p0 + i3] = Math.max(").append(out).append("[p0 + i3], b0 ? ")
            .append(in).append("[p2 + i3] : ").append(x.f32() ? "0.0f" : "0.0").append(");\n");
      } else {
        s.append(out).append("[p0 + i3] = Math.max(").append(out).append("[p0 + i3], ").append(in).append("[p2 + i3]);\n");
      }
      s.append("}\n}\n}\n");
    }
    s.append("}\n}\n}\n}\n");
    body.block.getStatements().addAll(StaticJavaParser.parseBlock(s.toString()).getStatements());
  }

  void backward(Node r, Exprs.Body body) {
    Geometry g = Geometry.of(x.dims(r.input(0)), x.dims(r.input(1)), r.attrs().ints());
    String in = x.array(r.input(0));
    String grad = x.array(r.input(1));
    String out = x.array(r);
    String type = x.f32() ? "float" : "double";
    String zero = x.f32() ? "0.0f" : "0.0";
    StringBuilder s = new StringBuilder("{\n");
    if (!g.tiles()) {
      // windows overlap, leave pixels out or reach into the padding: gradients are added into zeros
      s.append("java.util.Arrays.fill(").append(out).append(", ").append(zero).append(");\n");
    }
    s.append(outerLoops(g));
    s.append("// the output pixel's first channel\nint p0 = ").append(g.output()).append(";\n");
    s.append("// the first channel of the window's top-left cell\nint p1 = ").append(g.corner()).append(";\n");
    if (vectors(g)) {
      s.append(PoolVectors.gradMethod(lanes, g.kh, g.kw, g.w * g.c, g.c, g.tiles(), scratch))
          .append("(").append(in).append(", p1, ").append(grad).append(", p0, ").append(out).append(");\n");
      s.append("}\n}\n}\n}\n");
      body.block.getStatements().addAll(StaticJavaParser.parseBlock(s.toString()).getStatements());
      return;
    }
    s.append("for (int i3 = 0; i3 < ").append(g.c).append("; i3++) {\n");
    // the scan starts at the window's first cell: -1 stands for a cell in the padding, whose value is 0
    if (g.padded()) {
      s.append("// whether the window's first cell is in the image\nboolean b1 = ").append(insideTest(g, lin("i1", g.sh, null, -g.top), lin("i2", g.sw, null, -g.left)))
          .append(";\n");
      s.append("// the first maximum so far (s0) and its index, -1 in the padding\nint best = b1 ? p1 + i3 : -1;\n");
      s.append(type).append(" s0 = b1 ? ").append(in).append("[p1 + i3] : ").append(zero).append(";\n");
    } else {
      s.append("// the first maximum so far (s0) and its index\nint best = p1 + i3;\n");
      s.append(type).append(" s0 = ").append(in).append("[best];\n");
    }
    s.append(cellLoops(g));
    s.append(type).append(" s1 = ").append(g.padded() ? "b0 ? " + in + "[p2 + i3] : " + zero : in + "[p2 + i3]")
        .append(";\n");
    s.append("if (s1 > s0) {\ns0 = s1;\nbest = ").append(g.padded() ? "b0 ? p2 + i3 : -1" : "p2 + i3")
        .append(";\n}\n}\n}\n");
    if (g.tiles()) {
      // each pixel is in this window only: the gradient at the first maximum, 0 at the other cells
      s.append(type).append(" s2 = ").append(grad).append("[p0 + i3];\n");
      s.append(cellLoops(g));
      s.append(out).append("[p2 + i3] = p2 + i3 == best ? s2 : ").append(zero).append(";\n}\n}\n");
    } else if (g.padded()) {
      s.append("if (best >= 0) {\n").append(out).append("[best] += ").append(grad).append("[p0 + i3];\n}\n");
    } else {
      s.append(out).append("[best] += ").append(grad).append("[p0 + i3];\n");
    }
    s.append("}\n}\n}\n}\n}\n");
    body.block.getStatements().addAll(StaticJavaParser.parseBlock(s.toString()).getStatements());
  }

  /** Opens the loops over batch (i0), output row (i1) and output column (i2). */
  private static String outerLoops(Geometry g) {
    return "for (int i0 = 0; i0 < " + g.b + "; i0++) {\n"
        + "for (int i1 = 0; i1 < " + g.oh + "; i1++) {\n"
        + "for (int i2 = 0; i2 < " + g.ow + "; i2++) {\n";
  }

  /**
   * Opens the loops over the window's rows (i4) and columns (i5), declaring {@code q}, the cell's
   * first channel, and where padding is possible {@code inside}, whether the cell is in the image.
   */
  private static String cellLoops(Geometry g) {
    StringBuilder s = new StringBuilder();
    s.append("for (int i4 = 0; i4 < ").append(g.kh).append("; i4++) {\n");
    s.append("for (int i5 = 0; i5 < ").append(g.kw).append("; i5++) {\n");
    s.append("// the cell's first channel\nint p2 = p1 + i4 * ").append((long) g.w * g.c).append(" + i5 * ").append(g.c).append(";\n");
    if (g.padded()) {
      s.append("// whether the cell is in the image (else in the padding, value 0)\nboolean b0 = ").append(insideTest(g, lin("i1", g.sh, "i4", -g.top),
          lin("i2", g.sw, "i5", -g.left))).append(";\n");
    }
    return s.toString();
  }

  /**
   * The test that image row {@code row} and column {@code col} are inside the image, only on the
   * sides where a window reaches into the padding ({@code true} where none does).
   */
  private static String insideTest(Geometry g, String row, String col) {
    java.util.List<String> t = new java.util.ArrayList<>();
    if (g.top > 0) {
      t.add(row + " >= 0");
    }
    if ((long) (g.oh - 1) * g.sh + g.kh - g.top > g.h) {
      t.add(row + " < " + g.h);
    }
    if (g.left > 0) {
      t.add(col + " >= 0");
    }
    if ((long) (g.ow - 1) * g.sw + g.kw - g.left > g.w) {
      t.add(col + " < " + g.w);
    }
    return t.isEmpty() ? "true" : String.join(" && ", t);
  }

  /** {@code a·ca + b + k} as short text: no factor 1, no term 0. */
  private static String lin(String a, long ca, String b, long k) {
    StringBuilder s = new StringBuilder(ca == 1 ? a : a + " * " + ca);
    if (b != null) {
      s.append(" + ").append(b);
    }
    if (k != 0) {
      s.append(k > 0 ? " + " : " - ").append(Math.abs(k));
    }
    return s.toString();
  }
}
