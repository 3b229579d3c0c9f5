package dev.cortado.optim;

import dev.cortado.ir.Attrs;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.op.Op;

/**
 * Adam and AdamW, as {@code torch.optim.Adam} and {@code torch.optim.AdamW}: with {@code t} the
 * step (from 1), {@code g} the gradient (clipped, plus {@code wd·w} under coupled decay) and the
 * states {@code "<param>/exp_avg"} (m), {@code "<param>/exp_avg_sq"} (v) and, with amsgrad,
 * {@code "<param>/max_exp_avg_sq"} (v̂),
 *
 * <pre>
 *   m ← β1·m + (1 - β1)·g
 *   v ← β2·v + (1 - β2)·g²
 *   v̂ ← max(v̂, v)                                   (amsgrad; else v̂ = v)
 *   w ← w - (lr·m / (1 - β1^t))·m / (√v̂ / √(1 - β2^t) + ε)
 * </pre>
 *
 * {@code adam} decays COUPLED by default (Adam's {@code weight_decay}); {@code adamW} decays
 * DECOUPLED ({@code w ← w·(1 - lr·m·wd)} before the step) with 1e-2 unless set.
 */
public final class Adam extends BaseOptimizer<Adam> {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final boolean amsgrad;

  private Adam(Common c, double beta1, double beta2, double eps, boolean amsgrad) {
    super(c);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.amsgrad = amsgrad;
  }

  private Adam(String name, double lr, double wd) {
    super(name, lr, wd);
    this.beta1 = 0.9;
    this.beta2 = 0.999;
    this.eps = 1e-8;
    this.amsgrad = false;
  }

  /**
   * {@code torch.optim.Adam(lr)}: betas (0.9, 0.999), eps 1e-8, no weight decay.
   *
   * @param lr the learning rate, positive and finite
   * @return the optimizer
   * @throws IllegalArgumentException if {@code lr} is not positive and finite
   */
  public static Adam adam(double lr) {
    return new Adam("adam", lr, 0);
  }

  /**
   * {@code torch.optim.AdamW(lr)}: as Adam, with decoupled weight decay 1e-2.
   *
   * @param lr the learning rate, positive and finite
   * @return the optimizer
   * @throws IllegalArgumentException if {@code lr} is not positive and finite
   */
  public static Adam adamW(double lr) {
    return new Adam("adamW", lr, 1e-2);
  }

  @Override
  protected Adam with(Common c) {
    return new Adam(c, beta1, beta2, eps, amsgrad);
  }

  /**
   * The moment decay rates β1, β2, each in [0, 1).
   *
   * @param b1 β1, the first moment's decay (default 0.9)
   * @param b2 β2, the second moment's decay (default 0.999)
   * @return a copy with the betas
   * @throws IllegalArgumentException if a beta is outside [0, 1)
   */
  public Adam betas(double b1, double b2) {
    return new Adam(common(), unitInterval("beta1", b1), unitInterval("beta2", b2), eps, amsgrad);
  }

  /**
   * ε ≥ 0, added to the denominator.
   *
   * @param e ε (default 1e-8)
   * @return a copy with ε
   * @throws IllegalArgumentException if {@code e} is negative or not finite
   */
  public Adam eps(double e) {
    return new Adam(common(), beta1, beta2, nonNegative("eps", e), amsgrad);
  }

  /**
   * AMSGrad: divide by the running maximum of the second moment.
   *
   * @param a whether to use AMSGrad (default false)
   * @return a copy
   */
  public Adam amsgrad(boolean a) {
    return new Adam(common(), beta1, beta2, eps, a);
  }

  /**
   * β1, the first moment's decay rate.
   *
   * @return β1
   */
  public double beta1() {
    return beta1;
  }

  /**
   * β2, the second moment's decay rate.
   *
   * @return β2
   */
  public double beta2() {
    return beta2;
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
   * Whether the step divides by the running maximum of the second moment.
   *
   * @return true for AMSGrad
   */
  public boolean amsgrad() {
    return amsgrad;
  }

  @Override
  protected DecayMode naturalDecayMode() {
    return "adamW".equals(name()) ? DecayMode.DECOUPLED : DecayMode.COUPLED;
  }

  @Override
  protected Node rule(ParamStep s) {
    GraphBuilder b = s.b();
    Node g = s.gradient();
    Node expAvg = s.slot("exp_avg", 0);
    Node expAvgSq = s.slot("exp_avg_sq", 0);
    Node m = s.set(expAvg, s.decayAdd(expAvg, beta1, g, 1 - beta1));
    Node v = s.set(expAvgSq, s.decaySquare(expAvgSq, beta2, g, 1 - beta2));
    if (amsgrad) {
      Node max = s.slot("max_exp_avg_sq", 0);
      v = s.set(max, b.apply(Op.MAXIMUM, Attrs.NONE, max, v));
    }
    Node stepSize = s.shared("step_size", () -> b.div(s.lr(), oneMinusPow(b, beta1, s.step())));
    Node correction2Sqrt = s.shared("bias_correction2_sqrt", () -> b.unary(Op.SQRT, oneMinusPow(b, beta2, s.step())));
    Node denom = b.add(b.div(b.unary(Op.SQRT, v), correction2Sqrt), b.constant(eps));
    return b.sub(s.weight(), b.div(b.mul(m, stepSize), denom));
  }

  /**
   * {@code 1 - β^t} as {@code -expm1(t·ln β)}: PyTorch computes it in double; this form keeps
   * it accurate to a few ulps in float32 too, where {@code 1 - β^t} would cancel (1.3e-5
   * relative error for β = 0.999, 1 - β^t ≈ 1e-3).
   */
  private static Node oneMinusPow(GraphBuilder b, double beta, Node t) {
    return b.neg(b.unary(Op.EXPM1, b.mul(t, b.constant(Math.log(beta)))));
  }

  @Override
  protected String describeOwn() {
    return ", betas=(" + beta1 + ", " + beta2 + "), eps=" + eps + (amsgrad ? ", amsgrad" : "");
  }
}
