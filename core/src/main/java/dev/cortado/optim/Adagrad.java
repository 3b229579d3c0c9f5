package dev.cortado.optim;

import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.op.Op;

/**
 * Adagrad as {@code torch.optim.Adagrad}: with {@code t} the step (from 1), {@code g} the
 * gradient (clipped, plus {@code wd·w} under coupled decay) and the state {@code "<param>/sum"}
 * (s, starting at the initial accumulator value),
 *
 * <pre>
 *   clr = lr·m / (1 + (t - 1)·lrDecay)
 *   s ← s + g²
 *   w ← w - clr·g / (√s + ε)
 * </pre>
 *
 * Defaults as PyTorch: lrDecay 0, initial accumulator 0, ε 1e-10; decay COUPLED by default.
 */
public final class Adagrad extends BaseOptimizer<Adagrad> {
  private final double eps;
  private final double lrDecay;
  private final double initialAccumulator;

  /**
   * {@code torch.optim.Adagrad(lr)}.
   *
   * @param lr the learning rate, positive and finite
   * @throws IllegalArgumentException if {@code lr} is not positive and finite
   */
  public Adagrad(double lr) {
    super("adagrad", lr, 0);
    this.eps = 1e-10;
    this.lrDecay = 0;
    this.initialAccumulator = 0;
  }

  private Adagrad(Common c, double eps, double lrDecay, double initialAccumulator) {
    super(c);
    this.eps = eps;
    this.lrDecay = lrDecay;
    this.initialAccumulator = initialAccumulator;
  }

  @Override
  protected Adagrad with(Common c) {
    return new Adagrad(c, eps, lrDecay, initialAccumulator);
  }

  /**
   * ε ≥ 0, added to the denominator.
   *
   * @param e ε (default 1e-10)
   * @return a copy with ε
   * @throws IllegalArgumentException if {@code e} is negative or not finite
   */
  public Adagrad eps(double e) {
    return new Adagrad(common(), nonNegative("eps", e), lrDecay, initialAccumulator);
  }

  /**
   * The learning-rate decay ≥ 0: step t uses {@code lr / (1 + (t - 1)·lrDecay)}.
   *
   * @param d the decay (default 0)
   * @return a copy with the decay
   * @throws IllegalArgumentException if {@code d} is negative or not finite
   */
  public Adagrad lrDecay(double d) {
    return new Adagrad(common(), eps, nonNegative("lrDecay", d), initialAccumulator);
  }

  /**
   * The starting value ≥ 0 of every element of the squared-gradient sum.
   *
   * @param v the starting value (default 0)
   * @return a copy with the starting value
   * @throws IllegalArgumentException if {@code v} is negative or not finite
   */
  public Adagrad initialAccumulator(double v) {
    return new Adagrad(common(), eps, lrDecay, nonNegative("initialAccumulator", v));
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
   * The learning-rate decay.
   *
   * @return the decay
   */
  public double lrDecay() {
    return lrDecay;
  }

  /**
   * The starting value of the squared-gradient sum.
   *
   * @return the starting value
   */
  public double initialAccumulator() {
    return initialAccumulator;
  }

  @Override
  protected Node rule(ParamStep s) {
    GraphBuilder b = s.b();
    Node g = s.gradient();
    Node clr = lrDecay == 0 ? s.lr() : s.shared("clr", () -> {
      Node stepsBefore = b.sub(s.step(), b.constant(1));
      return b.div(s.lr(), b.add(b.constant(1), b.mul(stepsBefore, b.constant(lrDecay))));
    });
    Node sum = s.slot("sum", initialAccumulator);
    Node next = s.set(sum, b.add(sum, b.mul(g, g)));
    Node std = b.add(b.unary(Op.SQRT, next), b.constant(eps));
    return b.sub(s.weight(), b.div(b.mul(g, clr), std));
  }

  @Override
  protected String describeOwn() {
    return ", eps=" + eps + (lrDecay != 0 ? ", lrDecay=" + lrDecay : "")
        + (initialAccumulator != 0 ? ", initialAccumulator=" + initialAccumulator : "");
  }
}
