package dev.cortado.optim;

import dev.cortado.ir.Attrs;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.op.Op;

/**
 * Stochastic gradient descent with momentum, as {@code torch.optim.SGD}: with {@code g} the
 * gradient (clipped, plus {@code wd·w} under coupled decay), {@code μ} the momentum, {@code τ}
 * the dampening and {@code b} the state {@code "<param>/momentum_buffer"},
 *
 * <pre>
 *   b ← g                      at the first step (PyTorch's clone of the first gradient)
 *   b ← μ·b + (1 - τ)·g        afterwards
 *   d = g + μ·b  (nesterov)    or  d = b  (μ &gt; 0)  or  d = g  (μ = 0)
 *   w ← w - lr·m·d
 * </pre>
 *
 * The natural decay mode is {@link DecayMode#COUPLED} ({@code SGD(weight_decay=)});
 * {@code DECOUPLED} gives SGDW. Nesterov needs a positive momentum and zero dampening.
 */
public final class Sgd extends BaseOptimizer<Sgd> {
  private final double momentum;
  private final double dampening;
  private final boolean nesterov;

  /**
   * Plain SGD, {@code w ← w - lr·g}.
   *
   * @param lr the learning rate, positive and finite
   * @throws IllegalArgumentException if {@code lr} is not positive and finite
   */
  public Sgd(double lr) {
    super("sgd", lr, 0);
    this.momentum = 0;
    this.dampening = 0;
    this.nesterov = false;
  }

  private Sgd(Common c, double momentum, double dampening, boolean nesterov) {
    super(c);
    this.momentum = momentum;
    this.dampening = dampening;
    this.nesterov = nesterov;
  }

  @Override
  protected Sgd with(Common c) {
    return new Sgd(c, momentum, dampening, nesterov);
  }

  /**
   * Momentum μ ≥ 0 (0: none).
   *
   * @param m μ (default 0)
   * @return a copy with μ
   * @throws IllegalArgumentException if {@code m} is negative or not finite
   */
  public Sgd momentum(double m) {
    return new Sgd(common(), nonNegative("momentum", m), dampening, nesterov);
  }

  /**
   * Dampening τ of the momentum buffer's new gradient ({@code (1 - τ)·g}); any finite value, as
   * PyTorch.
   *
   * @param d τ (default 0)
   * @return a copy with τ
   * @throws IllegalArgumentException if {@code d} is not finite
   */
  public Sgd dampening(double d) {
    return new Sgd(common(), momentum, check("dampening", d, true, "finite"), nesterov);
  }

  /**
   * Nesterov momentum, as PyTorch's: {@code d = g + μ·b}.
   *
   * @param n whether to use Nesterov momentum (default false; needs a momentum and no dampening)
   * @return a copy
   */
  public Sgd nesterov(boolean n) {
    return new Sgd(common(), momentum, dampening, n);
  }

  /**
   * μ, the momentum.
   *
   * @return μ, 0 for none
   */
  public double momentum() {
    return momentum;
  }

  /**
   * τ, the dampening of the momentum buffer.
   *
   * @return τ
   */
  public double dampening() {
    return dampening;
  }

  /**
   * Whether the momentum is Nesterov's.
   *
   * @return true for Nesterov momentum
   */
  public boolean nesterov() {
    return nesterov;
  }

  @Override
  protected void validate() {
    if (nesterov && (momentum <= 0 || dampening != 0)) {
      throw new IllegalArgumentException("sgd: nesterov(true) needs a positive momentum and zero dampening, got momentum="
          + momentum + ", dampening=" + dampening);
    }
  }

  @Override
  protected Node rule(ParamStep s) {
    GraphBuilder b = s.b();
    Node d = s.gradient();
    if (momentum != 0) {
      Node buf = s.slot("momentum_buffer", 0);
      Node fresh = d;
      if (dampening != 0) {
        // 1 at the first step (the buffer starts as the gradient), 1 - τ afterwards
        Node coef = s.shared("dampened", () -> {
          Node later = b.apply(Op.MINIMUM, Attrs.NONE, b.sub(s.step(), b.constant(1)), b.constant(1));
          return b.sub(b.constant(1), b.mul(later, b.constant(dampening)));
        });
        fresh = b.mul(d, coef);
      }
      Node next = s.set(buf, b.add(s.mul(buf, momentum), fresh));
      d = nesterov ? b.add(d, s.mul(next, momentum)) : next;
    }
    return b.sub(s.weight(), b.mul(d, s.lr()));
  }

  @Override
  protected String describeOwn() {
    return (momentum != 0 ? ", momentum=" + momentum : "") + (dampening != 0 ? ", dampening=" + dampening : "")
        + (nesterov ? ", nesterov" : "");
  }
}
