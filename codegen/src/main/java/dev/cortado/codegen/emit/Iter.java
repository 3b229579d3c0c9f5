package dev.cortado.codegen.emit;

/**
 * One point of a kernel's iteration space: the index along each dimension of the shape being
 * iterated (a loop variable or a literal). A value of another shape that broadcasts to it is
 * read at its broadcast index; in a flat iteration every value read is either the same size
 * (read at the bare loop index) or a scalar (read at 0). A value of the iteration's size in another
 * shape (a product of rank above 2, iterated as the matrix of its rows) is read at the flat index.
 */
final class Iter {
  final int[] dims;
  final Lin[] idx;
  final boolean flat;

  Iter(int[] dims, Lin[] idx, boolean flat) {
    this.dims = dims;
    this.idx = idx;
    this.flat = flat;
  }

  /** The flat index of a value of shape {@code of} (which broadcasts to this iteration's shape). */
  Lin index(int[] of) {
    if (flat) {
      return size(of) == 1 ? Lin.ZERO : idx[0];
    }
    if (of.length != dims.length && size(of) == size(dims)) {
      // the same elements in another shape (a product of rank above 2 iterated as its matrix view)
      return flatIndex();
    }
    Lin r = Lin.ZERO;
    long stride = 1;
    for (int i = dims.length - 1, k = of.length - 1; i >= 0; i--, k--) {
      int d = k < 0 ? 1 : of[k];
      if (d != 1) {
        r = r.plus(idx[i].times(stride));
      }
      stride *= d;
    }
    return r;
  }

  /** The flat row-major index of the iterated shape itself. */
  Lin flatIndex() {
    return flat ? idx[0] : index(dims);
  }

  static int size(int[] dims) {
    int n = 1;
    for (int d : dims) {
      n *= d;
    }
    return n;
  }
}
