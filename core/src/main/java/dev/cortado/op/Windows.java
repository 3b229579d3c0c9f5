package dev.cortado.op;

import dev.cortado.ir.Attrs;
import dev.cortado.ir.Shape;

/**
 * Sliding windows over the two spatial axes of a channels-last image batch {@code [B, H, W, C]}:
 * a window of {@code kh × kw} pixels moved by strides {@code sh, sw} over the image padded with
 * zeros by {@code top, bottom, left, right}. A window is the attribute list
 * {@code [kh, kw, sh, sw, top, bottom, left, right]} of {@link Op#PATCHES} and
 * {@link Op#PATCHES_ADJOINT}. Output size along an axis of size {@code n}:
 * {@code (n + before + after - k) / s + 1} (rounded down: a remainder is dropped).
 */
public final class Windows {
  private Windows() {}

  /**
   * The attribute list of a window.
   *
   * @param kh the window's height
   * @param kw the window's width
   * @param sh the stride down
   * @param sw the stride across
   * @param top the zero rows above
   * @param bottom the zero rows below
   * @param left the zero columns on the left
   * @param right the zero columns on the right
   * @return the list {@code [kh, kw, sh, sw, top, bottom, left, right]}
   */
  public static int[] window(int kh, int kw, int sh, int sw, int top, int bottom, int left, int right) {
    return new int[] {kh, kw, sh, sw, top, bottom, left, right};
  }

  /**
   * TensorFlow's {@code SAME} padding along one axis of size {@code n}: the output has
   * {@code ceil(n / s)} positions, the total padding is {@code max((out - 1)·s + k - n, 0)}, and the
   * odd pixel goes after (bottom or right). Returns {before, after}.
   *
   * @param n the axis's size
   * @param k the window's size along it
   * @param s the stride
   * @return {@code [before, after]}
   */
  public static int[] samePadding(int n, int k, int s) {
    int out = (n + s - 1) / s;
    int total = Math.max((out - 1) * s + k - n, 0);
    return new int[] {total / 2, total - total / 2};
  }

  /**
   * The number of window positions along an axis, or 0 when the window does not fit.
   *
   * @param n the axis's size
   * @param k the window's size
   * @param s the stride
   * @param before the padding before
   * @param after the padding after
   * @return {@code ⌊(n + before + after - k)/s⌋ + 1}, or 0
   */
  public static int positions(int n, int k, int s, int before, int after) {
    int padded = n + before + after;
    return padded < k ? 0 : (padded - k) / s + 1;
  }

  /** The shape of the patches of {@code x}: {@code [B, OH, OW, kh·kw·C]}. */
  static Shape patches(Shape x, Attrs a) {
    int[] w = check(a);
    if (x.rank() != 4 || x.dim(1) == Shape.BATCH || x.dim(2) == Shape.BATCH || x.dim(3) == Shape.BATCH) {
      throw new IllegalArgumentException("windows need an image batch [BATCH, height, width, channels] of fixed"
          + " height, width and channels, got " + x);
    }
    int oh = positions(x.dim(1), w[0], w[2], w[4], w[5]);
    int ow = positions(x.dim(2), w[1], w[3], w[6], w[7]);
    if (oh == 0 || ow == 0) {
      throw new IllegalArgumentException("a " + w[0] + "×" + w[1] + " window with padding (" + w[4] + ", " + w[5]
          + ", " + w[6] + ", " + w[7] + ") does not fit in " + x.dim(1) + "×" + x.dim(2) + " images " + x);
    }
    return Shape.of(x.dim(0), oh, ow, (int) ((long) w[0] * w[1] * x.dim(3)));
  }

  /** Checks the adjoint's attributes: the image shape, and patches of that image shaped like {@code g}. */
  static Shape adjoint(Shape g, Attrs a) {
    Shape image = a.shape();
    if (image == null) {
      throw new IllegalArgumentException("the adjoint of patches needs the image shape");
    }
    Shape want = patches(image, a);
    if (!want.equals(g)) {
      throw new IllegalArgumentException("patches of " + image + " are " + want + ", got " + g);
    }
    return image;
  }

  private static int[] check(Attrs a) {
    int[] w = a.ints();
    if (w == null || w.length != 8) {
      throw new IllegalArgumentException("a window needs [kh, kw, sh, sw, top, bottom, left, right]");
    }
    for (int i = 0; i < 8; i++) {
      if (i < 4 ? w[i] <= 0 : w[i] < 0) {
        throw new IllegalArgumentException("bad window " + java.util.Arrays.toString(w)
            + ": sizes and strides are positive, paddings at least 0");
      }
    }
    return w;
  }

  /** Patches of a concrete image batch; zeros where a window reaches into the padding. */
  static NDArray patches(NDArray x, int[] w) {
    int[] s = x.shape();
    int oh = positions(s[1], w[0], w[2], w[4], w[5]);
    int ow = positions(s[2], w[1], w[3], w[6], w[7]);
    int k = w[0] * w[1] * s[3];
    double[] out = new double[s[0] * oh * ow * k];
    forEach(s, w, oh, ow, (src, dst) -> out[dst] = x.get(src));
    return new NDArray(new int[] {s[0], oh, ow, k}, out);
  }

  /** The adjoint of {@link #patches}: every patch element added back into its pixel of an image shaped {@code image}. */
  static NDArray adjoint(NDArray g, int[] w, int[] image) {
    double[] out = new double[NDArray.sizeOf(image)];
    forEach(image, w, g.shape()[1], g.shape()[2], (src, dst) -> out[src] += g.get(dst));
    return new NDArray(image.clone(), out);
  }

  private interface Pair {
    void at(int src, int dst);
  }

  /** Visits every (pixel, patch element) pair inside the image, in row-major order of the patches. */
  private static void forEach(int[] s, int[] w, int oh, int ow, Pair f) {
    int h = s[1];
    int wd = s[2];
    int c = s[3];
    int dst = 0;
    for (int b = 0; b < s[0]; b++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          for (int dy = 0; dy < w[0]; dy++) {
            for (int dx = 0; dx < w[1]; dx++) {
              int iy = oy * w[2] + dy - w[4];
              int ix = ox * w[3] + dx - w[6];
              boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < wd;
              for (int ch = 0; ch < c; ch++, dst++) {
                if (inside) {
                  f.at(((b * h + iy) * wd + ix) * c + ch, dst);
                }
              }
            }
          }
        }
      }
    }
  }

  /** The shape of {@code x} with its axes permuted: output axis i is input axis {@code perm[i]}. */
  static Shape permute(Shape x, int[] perm) {
    if (perm == null || perm.length != x.rank()) {
      throw new IllegalArgumentException("a permutation of " + x + " needs " + x.rank() + " axes, got "
          + java.util.Arrays.toString(perm));
    }
    boolean[] seen = new boolean[perm.length];
    int[] out = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      if (perm[i] < 0 || perm[i] >= perm.length || seen[perm[i]]) {
        throw new IllegalArgumentException(java.util.Arrays.toString(perm) + " is not a permutation of the axes of " + x);
      }
      seen[perm[i]] = true;
      out[i] = x.dim(perm[i]);
    }
    return Shape.of(out);
  }

  /**
   * The inverse permutation.
   *
   * @param perm a permutation
   * @return {@code q} with {@code q[perm[i]] == i}
   */
  public static int[] inverse(int[] perm) {
    int[] inv = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      inv[perm[i]] = i;
    }
    return inv;
  }

  /** {@code x} with its axes permuted. */
  static NDArray permute(NDArray x, int[] perm) {
    int[] s = x.shape();
    int r = s.length;
    int[] os = new int[r];
    for (int i = 0; i < r; i++) {
      os[i] = s[perm[i]];
    }
    int[] stride = new int[r];
    for (int i = r - 1, st = 1; i >= 0; i--) {
      stride[i] = st;
      st *= s[i];
    }
    double[] out = new double[x.size()];
    int[] idx = new int[r];
    for (int o = 0; o < out.length; o++) {
      int src = 0;
      for (int i = 0; i < r; i++) {
        src += idx[i] * stride[perm[i]];
      }
      out[o] = x.get(src);
      for (int i = r - 1; i >= 0 && ++idx[i] == os[i]; i--) {
        idx[i] = 0;
      }
    }
    return new NDArray(os, out);
  }
}
