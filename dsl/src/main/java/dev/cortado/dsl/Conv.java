package dev.cortado.dsl;

import dev.cortado.ir.Attrs;
import dev.cortado.ir.Shape;
import dev.cortado.op.Op;
import dev.cortado.op.Windows;
import java.util.Arrays;
import java.util.Objects;

/**
 * The options of a convolution layer, {@code activation(conv(x, kernel) + bias)} on channels-last
 * input: {@code conv2d} on {@code [BATCH, height, width, channels]} with {@code kernel} of shape
 * {@code [kh, kw, in, filters]}, {@code conv1d} on {@code [BATCH, steps, channels]} with
 * {@code kernel [k, in, filters]}. It is a cross-correlation (the kernel is not flipped):
 * {@code out[b, i, j, f] = bias[f] + Σ_{di, dj, c} xp[b, i·sh + di, j·sw + dj, c]·kernel[di, dj, c, f]},
 * {@code xp} the input padded by {@link Padding}. Strides default to 1, padding to
 * {@link Padding#VALID}, the kernel to glorotUniform and the bias to zeros. Like {@link Dense}, the
 * layer is a helper over ordinary variables {@code <name>/kernel} and {@code <name>/bias}; it is
 * computed as the matrix product of the input's patches ({@code [BATCH, OH, OW, kh·kw·in]}) with the
 * kernel as a {@code [kh·kw·in, filters]} matrix. The bias carries {@link dev.cortado.ir.Role#BIAS}.
 */
public final class Conv extends AffineLayerOptions<Conv> {
  int[] kernelSize;
  int[] strides;
  Padding padding = Padding.VALID;

  Conv() {}

  @Override
  Conv self() {
    return this;
  }

  /**
   * A non-square kernel {@code kh × kw} (conv2d), replacing the size given to the layer.
   *
   * @param kh the kernel's height, positive
   * @param kw the kernel's width, positive
   * @return these options
   */
  public Conv kernelSize(int kh, int kw) {
    this.kernelSize = new int[] {kh, kw};
    return this;
  }

  /**
   * The same stride along every spatial axis.
   *
   * @param s the stride, positive (default 1)
   * @return these options
   */
  public Conv strides(int s) {
    this.strides = new int[] {s, s};
    return this;
  }

  /**
   * Strides {@code sh} down and {@code sw} across (conv2d).
   *
   * @param sh the stride down the height, positive
   * @param sw the stride across the width, positive
   * @return these options
   */
  public Conv strides(int sh, int sw) {
    this.strides = new int[] {sh, sw};
    return this;
  }

  /**
   * How the input is padded: {@code VALID} (the default, none) or {@code SAME} (TensorFlow's,
   * {@code ⌈n/stride⌉} positions; PyTorch's {@code padding='same'} for stride 1).
   *
   * @param p the padding
   * @return these options
   */
  public Conv padding(Padding p) {
    this.padding = Objects.requireNonNull(p, "padding");
    return this;
  }

  /** conv2d on {@code [BATCH, H, W, C]}. */
  Tensor build2d(ModelBuilder m, String name, Tensor x, int filters, int size) {
    int[] k = kernelSize != null ? kernelSize : new int[] {size, size};
    int[] s = strides != null ? strides : new int[] {1, 1};
    String what = describe("conv2d", name, x, k, s);
    Shape xs = x.shape();
    check(what, filters, k, s);
    if (xs.rank() != 4 || fixed(xs, 1, 4)) {
      throw new IllegalArgumentException(what + ": needs an image batch [BATCH, height, width, channels] of fixed"
          + " height, width and channels");
    }
    int[] w = window(what, xs.dim(1), xs.dim(2), k, s);
    int in = xs.dim(3);
    return m.scoped(name, () -> {
      Variable kernel = kernel(m, k[0], k[1], in, filters);
      Tensor patches = x.op(Op.PATCHES, Attrs.ints(null, w), x);
      Tensor h = patches.matmul(kernel.reshape(k[0] * k[1] * in, filters));
      return biasAndActivation(m, h, filters);
    });
  }

  /** conv1d on {@code [BATCH, T, C]}: conv2d over a height of 1. */
  Tensor build1d(ModelBuilder m, String name, Tensor x, int filters, int size) {
    if (kernelSize != null) {
      throw new IllegalArgumentException("conv1d '" + name + "': kernelSize(kh, kw) is for conv2d; conv1d takes its"
          + " kernel size as an argument");
    }
    int[] k = {1, size};
    int[] s = {1, strides != null ? strides[1] : 1};
    if (strides != null && strides[0] != strides[1]) {
      throw new IllegalArgumentException("conv1d '" + name + "': strides(sh, sw) is for conv2d; use strides(s)");
    }
    String what = describe("conv1d", name, x, new int[] {size}, new int[] {s[1]});
    Shape xs = x.shape();
    check(what, filters, k, s);
    if (xs.rank() != 3 || fixed(xs, 1, 3)) {
      throw new IllegalArgumentException(what + ": needs a sequence batch [BATCH, steps, channels] of fixed steps"
          + " and channels");
    }
    int[] w = window(what, 1, xs.dim(1), k, s);
    int in = xs.dim(2);
    return m.scoped(name, () -> {
      Variable kernel = kernel(m, size, in, filters);
      Tensor image = x.reshape(xs.dim(0), 1, xs.dim(1), in);
      Tensor patches = image.op(Op.PATCHES, Attrs.ints(null, w), image);
      Tensor h = patches.matmul(kernel.reshape(size * in, filters));
      Shape hs = h.shape();
      h = h.reshape(hs.dim(0), hs.dim(2), filters);
      return biasAndActivation(m, h, filters);
    });
  }

  private String describe(String layer, String name, Tensor x, int[] k, int[] s) {
    return layer + " '" + name + "' on input " + x.shape() + " with kernel " + join(k) + ", strides " + join(s)
        + ", padding " + padding;
  }

  private static String join(int[] a) {
    return a.length == 1 ? Integer.toString(a[0]) : a[0] + "×" + a[1];
  }

  private static boolean fixed(Shape s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.dim(i) == Shape.BATCH) {
        return true;
      }
    }
    return false;
  }

  private static void check(String what, int filters, int[] k, int[] s) {
    if (filters <= 0) {
      throw new IllegalArgumentException(what + ": filters must be positive, got " + filters);
    }
    if (k[0] <= 0 || k[1] <= 0 || s[0] <= 0 || s[1] <= 0) {
      throw new IllegalArgumentException(what + ": kernel sizes and strides must be positive");
    }
  }

  /** The window attribute for an {@code h × w} image, or an exception when the kernel does not fit. */
  private int[] window(String what, int h, int w, int[] k, int[] s) {
    int[] ph = padding == Padding.SAME ? Windows.samePadding(h, k[0], s[0]) : new int[2];
    int[] pw = padding == Padding.SAME ? Windows.samePadding(w, k[1], s[1]) : new int[2];
    if (Windows.positions(h, k[0], s[0], ph[0], ph[1]) == 0 || Windows.positions(w, k[1], s[1], pw[0], pw[1]) == 0) {
      throw new IllegalArgumentException(what + ": the kernel is larger than the "
          + (h == 1 ? w + " steps" : h + "×" + w + " image") + "; use padding SAME or a smaller kernel");
    }
    return Windows.window(k[0], k[1], s[0], s[1], ph[0], ph[1], pw[0], pw[1]);
  }

  static String dims(int[] d) {
    return Arrays.toString(d);
  }
}
