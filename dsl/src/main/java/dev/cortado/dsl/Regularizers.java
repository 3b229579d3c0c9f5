package dev.cortado.dsl;

/** The built-in regularizers: immutable values with readable {@code toString} and value equality. */
final class Regularizers {
  private Regularizers() {}

  static double check(String name, double v) {
    return check(name, "the factor", v);
  }

  static double check(String name, String factor, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(name + ": " + factor + " must be finite and non-negative, got " + v);
    }
    return v;
  }

  /** {@code λ·Σ|w|}. */
  record L1(double lambda) implements Regularizer {
    L1 {
      check("l1", lambda);
    }

    @Override
    public Tensor apply(Tensor w) {
      return w.abs().sum().mul(lambda);
    }

    @Override
    public String toString() {
      return "l1(" + lambda + ")";
    }
  }

  /** {@code λ·Σw²/2}. */
  record L2(double lambda) implements Regularizer {
    L2 {
      check("l2", lambda);
    }

    @Override
    public Tensor apply(Tensor w) {
      return w.square().sum().mul(lambda / 2);
    }

    @Override
    public String toString() {
      return "l2(" + lambda + ")";
    }
  }

  /** {@code l1·Σ|w| + l2·Σw²/2}. */
  record L1L2(double l1, double l2) implements Regularizer {
    L1L2 {
      check("l1l2", "the l1 factor", l1);
      check("l1l2", "the l2 factor", l2);
    }

    @Override
    public Tensor apply(Tensor w) {
      return new L1(l1).apply(w).add(new L2(l2).apply(w));
    }

    @Override
    public String toString() {
      return "l1l2(" + l1 + ", " + l2 + ")";
    }
  }
}
