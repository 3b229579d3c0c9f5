package dev.cortado.optim;

import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.op.Op;

/**
 * RMSprop as {@code torch.optim.RMSprop} ({@code rho} is PyTorch's {@code alpha}): with
 * {@code g} the gradient (clipped, plus {@code wd·w} under coupled decay) and the states
 * {@code "<param>/square_avg"} (s), {@code "<param>/grad_avg"} (a, centered) and
 * {@code "<param>/momentum_buffer"} (b, momentum μ &gt; 0),
 *
 * <pre>
 *   s ← ρ·s + (1 - ρ)·g²
 *   a ← ρ·a + (1 - ρ)·g                  (centered)
 *   d = √(s - a²) + ε  (centered)   or   √s + ε
 *   b ← μ·b + g / d;  w ← w - lr·m·b     (μ &gt; 0)
 *   w ← w - lr·m·g / d                   (μ = 0)
 * </pre>
 *
 * Defaults as PyTorch: ρ 0.99, ε 1e-8, no momentum, not centered; decay COUPLED by default.
 */
public final class RmsProp extends BaseOptimizer<RmsProp> {
  private final double rho;
  private final double eps;
  private final double momentum;
  private final boolean centered;

  /**
   * {@code torch.optim.RMSprop(lr)}.
   *
   * @param lr the learning rate, positive and finite
   * @throws IllegalArgumentException if {@code lr} is not positive and finite
   */
  public RmsProp(double lr) {
    super("rmsProp", lr, 0);
    this.rho = 0.99;
    this.eps = 1e-8;
    this.momentum = 0;
    this.centered = false;
  }

  private RmsProp(Common c, double rho, double eps, double momentum, boolean centered) {
    super(c);
    this.rho = rho;
    this.eps = eps;
    this.momentum = momentum;
    this.centered = centered;
  }

  @Override
  protected RmsProp with(Common c) {
    return new RmsProp(c, rho, eps, momentum, centered);
  }

  /**
   * The decay ρ of the squared-gradient average, in [0, 1) (PyTorch's {@code alpha}).
   *
   * @param r ρ (default 0.99)
   * @return a copy with ρ
   * @throws IllegalArgumentException if {@code r} is outside [0, 1)
   */
  public RmsProp rho(double r) {
    return new RmsProp(common(), unitInterval("rho", r), eps, momentum, centered);
  }

  /**
   * ε ≥ 0, added to the denominator.
   *
   * @param e ε (default 1e-8)
   * @return a copy with ε
   * @throws IllegalArgumentException if {@code e} is negative or not finite
   */
  public RmsProp eps(double e) {
    return new RmsProp(common(), rho, nonNegative("eps", e), momentum, centered);
  }

  /**
   * Momentum μ ≥ 0 of the scaled step.
   *
   * @param m μ (default 0)
   * @return a copy with μ
   * @throws IllegalArgumentException if {@code m} is negative or not finite
   */
  public RmsProp momentum(double m) {
    return new RmsProp(common(), rho, eps, nonNegative("momentum", m), centered);
  }

  /**
   * Centered RMSprop: divide by an estimate of the gradient's variance instead of its second
   * moment.
   *
   * @param c whether to center (default false)
   * @return a copy
   */
  public RmsProp centered(boolean c) {
    return new RmsProp(common(), rho, eps, momentum, c);
  }

  /**
   * ρ, the decay of the squared-gradient average.
   *
   * @return ρ
   */
  public double rho() {
    return rho;
  }

  /**
   * ε, added to the denominator.
   *
   * @return ε
   */
  public double eps() {
    return eps;
  }

  /**
   * μ, the momentum of the scaled step.
   *
   * @return μ
   */
  public double momentum() {
    return momentum;
  }

  /**
   * Whether the step divides by the centered second moment.
   *
   * @return true for centered RMSprop
   */
  public boolean centered() {
    return centered;
  }

  @Override
  protected Node rule(ParamStep s) {
    GraphBuilder b = s.b();
    Node g = s.gradient();
    Node squareAvg = s.slot("square_avg", 0);
    Node sq = s.set(squareAvg, s.decaySquare(squareAvg, rho, g, 1 - rho));
    Node avg;
    if (centered) {
      Node gradAvg = s.slot("grad_avg", 0);
      Node a = s.set(gradAvg, s.decayAdd(gradAvg, rho, g, 1 - rho));
      avg = b.unary(Op.SQRT, b.sub(sq, b.mul(a, a)));
    } else {
      avg = b.unary(Op.SQRT, sq);
    }
    avg = b.add(avg, b.constant(eps));
    if (momentum > 0) {
      Node buf = s.slot("momentum_buffer", 0);
      Node next = s.set(buf, b.add(s.mul(buf, momentum), b.div(g, avg)));
      return b.sub(s.weight(), b.mul(next, s.lr()));
    }
    return b.sub(s.weight(), b.div(b.mul(g, s.lr()), avg));
  }

  @Override
  protected String describeOwn() {
    return ", rho=" + rho + ", eps=" + eps + (momentum != 0 ? ", momentum=" + momentum : "")
        + (centered ? ", centered" : "");
  }
}
