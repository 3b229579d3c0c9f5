package dev.cortado.op;

import dev.cortado.ir.Attrs;
import dev.cortado.ir.Shape;

/**
 * Max pooling of a channels-last image batch {@code [B, H, W, C]} under a window of
 * {@link Windows} (the attribute list {@code [kh, kw, sh, sw, top, bottom, left, right]}) and its
 * gradient, without materialising the patches.
 *
 * <p>Each output {@code y[b, oy, ox, c]} is the maximum, by {@code Math.max} (so a NaN in the
 * window gives NaN), of the window's cells in row-major order {@code (dy, dx)}, a cell in the
 * padding counting as 0: exactly {@link Op#MAX} over the window axis of {@link Op#PATCHES}.
 *
 * <p>The gradient sends {@code g[b, oy, ox, c]} to the window's first maximum: the cell kept by a
 * scan from the first cell that moves on only to a strictly greater value (a tie or a NaN keeps
 * the earlier cell), as {@link Op#ARGMAX_MASK} chooses. Each pixel gets the sum, in output order,
 * of what its windows send it; a maximum in the padding sends nothing.
 */
final class MaxPools {
  private MaxPools() {}

  /** The pooled shape {@code [B, OH, OW, C]}. */
  static Shape pool(Shape x, Attrs a) {
    Shape p = Windows.patches(x, a);
    return Shape.of(p.dim(0), p.dim(1), p.dim(2), x.dim(3));
  }

  /** Checks {@code g} is the pooled shape of {@code x}; the gradient is shaped like {@code x}. */
  static Shape grad(Shape x, Shape g, Attrs a) {
    Shape want = pool(x, a);
    if (!want.equals(g)) {
      throw new IllegalArgumentException("max pooling of " + x + " gives " + want + ", the gradient is " + g);
    }
    return x;
  }

  /** The maxima of every window. */
  static NDArray pool(NDArray x, int[] w) {
    int[] s = x.shape();
    int oh = Windows.positions(s[1], w[0], w[2], w[4], w[5]);
    int ow = Windows.positions(s[2], w[1], w[3], w[6], w[7]);
    int c = s[3];
    double[] out = new double[s[0] * oh * ow * c];
    int o = 0;
    for (int b = 0; b < s[0]; b++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          for (int ch = 0; ch < c; ch++, o++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int dy = 0; dy < w[0]; dy++) {
              for (int dx = 0; dx < w[1]; dx++) {
                m = Math.max(m, cell(x, s, b, oy * w[2] + dy - w[4], ox * w[3] + dx - w[6], ch));
              }
            }
            out[o] = m;
          }
        }
      }
    }
    return new NDArray(new int[] {s[0], oh, ow, c}, out);
  }

  /** The gradient: each {@code g} added into the pixel of its window's first maximum. */
  static NDArray grad(NDArray x, NDArray g, int[] w) {
    int[] s = x.shape();
    int oh = g.shape()[1];
    int ow = g.shape()[2];
    int c = s[3];
    double[] out = new double[x.size()];
    int o = 0;
    for (int b = 0; b < s[0]; b++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          for (int ch = 0; ch < c; ch++, o++) {
            int bestY = oy * w[2] - w[4];
            int bestX = ox * w[3] - w[6];
            double top = cell(x, s, b, bestY, bestX, ch);
            for (int dy = 0; dy < w[0]; dy++) {
              for (int dx = 0; dx < w[1]; dx++) {
                int iy = oy * w[2] + dy - w[4];
                int ix = ox * w[3] + dx - w[6];
                double v = cell(x, s, b, iy, ix, ch);
                if (v > top) {
                  top = v;
                  bestY = iy;
                  bestX = ix;
                }
              }
            }
            if (inside(s, bestY, bestX)) {
              out[((b * s[1] + bestY) * s[2] + bestX) * c + ch] += g.get(o);
            }
          }
        }
      }
    }
    return new NDArray(s.clone(), out);
  }

  private static boolean inside(int[] s, int iy, int ix) {
    return iy >= 0 && iy < s[1] && ix >= 0 && ix < s[2];
  }

  /** The pixel's value, or 0 in the padding. */
  private static double cell(NDArray x, int[] s, int b, int iy, int ix, int ch) {
    return inside(s, iy, ix) ? x.get(((b * s[1] + iy) * s[2] + ix) * s[3] + ch) : 0.0;
  }
}
