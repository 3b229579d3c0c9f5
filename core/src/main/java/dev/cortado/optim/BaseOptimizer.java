package dev.cortado.optim;

import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.Role;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What every optimizer shares, as an immutable fluent value: the learning rate, weight decay
 * (amount, {@link DecayMode} and the variables it skips) and gradient clipping. Each setter
 * returns a new value and rejects a bad argument at once with a message naming the optimizer and
 * the argument; checks across arguments run when the training graph is built.
 *
 * <p>The update of each trainable parameter {@code w} (frozen variables are never offered to
 * an optimizer, so they get no gradient, decay or update) is built in this order:
 *
 * <ol>
 *   <li>{@code g} = the gradient of the total loss (data loss plus every regularization term);
 *   <li>{@code g} = {@link Clipping clipped} {@code g}, if clipping is set;
 *   <li>{@code COUPLED}: {@code g ← g + wd·w}; {@code DECOUPLED}: {@code w ← w·(1 - lr·m·wd)};
 *       {@code DECOUPLED_UNSCALED}: {@code w ← w·(1 - m·wd)}; none for a variable excluded by
 *       glob or by {@link Role};
 *   <li>the optimizer's own rule with the effective learning rate {@code lr·m},
 * </ol>
 *
 * where {@code m} is the run-time hyperparameter {@value #LR_MULTIPLIER} (1 unless the caller,
 * usually a {@link Schedule}, sets it with {@code Executable.setHyperparameter}). The step count
 * is the scalar state {@value #STEP} (steps taken so far), and every moment is the state
 * {@code "<param>/<slot>"}, so a checkpoint of the executable's state resumes training exactly.
 *
 * @param <S> the concrete optimizer, returned by the fluent setters
 */
public abstract class BaseOptimizer<S extends BaseOptimizer<S>> implements Optimizer {
  /** The run-time scalar that multiplies the learning rate (and the decoupled decays). */
  public static final String LR_MULTIPLIER = "lr_multiplier";
  /** The scalar optimizer state holding the number of steps taken. */
  public static final String STEP = "optimizer/step";

  private static final System.Logger LOG = System.getLogger(BaseOptimizer.class.getName());

  /** The settings shared by every optimizer; {@code decayMode == null} means the optimizer's natural mode. */
  protected record Common(String name, double lr, double weightDecay, DecayMode decayMode, List<String> excluded,
      Clipping clipping, Set<Role> excludedRoles) {
    /**
     * Settings that exclude no role from weight decay.
     *
     * @param name the factory name, for messages
     * @param lr the base learning rate
     * @param weightDecay the weight decay, at least 0
     * @param decayMode the decay mode, or null for the optimizer's natural one
     * @param excluded the globs of the variables left undecayed
     * @param clipping the gradient clipping
     */
    protected Common(String name, double lr, double weightDecay, DecayMode decayMode, List<String> excluded,
        Clipping clipping) {
      this(name, lr, weightDecay, decayMode, excluded, clipping, Set.of());
    }
  }

  private final Common common;

  /**
   * A new optimizer {@code name(lr)} with the given weight decay in its natural mode, no clipping.
   *
   * @param name the factory name, for messages ({@code sgd}, {@code adamW}, ...)
   * @param lr the base learning rate, positive and finite
   * @param defaultWeightDecay the weight decay unless set (0, or 1e-2 for AdamW)
   * @throws IllegalArgumentException if {@code lr} is not positive and finite
   */
  protected BaseOptimizer(String name, double lr, double defaultWeightDecay) {
    this(new Common(name, check(name, "lr", lr, lr > 0, "positive and finite"), defaultWeightDecay, null,
        List.of(), Clipping.NONE));
  }

  /**
   * An optimizer with the given shared settings, for {@link #with}.
   *
   * @param common the settings
   */
  protected BaseOptimizer(Common common) {
    this.common = common;
  }

  /**
   * A copy of this optimizer with other shared settings.
   *
   * @param c the new settings
   * @return the copy, of the subclass's type
   */
  protected abstract S with(Common c);

  /**
   * The decay mode of {@link #weightDecay(double)}: COUPLED, as PyTorch's {@code weight_decay=};
   * AdamW overrides it.
   *
   * @return the natural mode
   */
  protected DecayMode naturalDecayMode() {
    return DecayMode.COUPLED;
  }

  /**
   * The optimizer's own rule: the parameter's new value (recording any state it changes).
   *
   * @param s the parameter, its decayed value and its clipped gradient
   * @return the new value node
   */
  protected abstract Node rule(ParamStep s);

  /**
   * The optimizer's own arguments for {@link #describe()}, such as {@code ", momentum=0.9"}.
   *
   * @return the text, empty for none
   */
  protected abstract String describeOwn();

  /** Checks across arguments, run when the training graph is built; throws IllegalArgumentException. */
  protected void validate() {}

  // ---------------------------------------------------------------- shared settings

  /**
   * The factory name used in messages: {@code sgd}, {@code adamW}, ...
   *
   * @return the name
   */
  public String name() {
    return common.name();
  }

  /**
   * The base learning rate.
   *
   * @return the learning rate
   */
  public double lr() {
    return common.lr();
  }

  /**
   * The weight decay factor {@code wd}.
   *
   * @return the factor, 0 for none
   */
  public double weightDecay() {
    return common.weightDecay();
  }

  /**
   * The decay mode in effect: the one set, or the optimizer's natural one.
   *
   * @return the mode
   */
  public DecayMode decayMode() {
    return common.decayMode() == null ? naturalDecayMode() : common.decayMode();
  }

  /**
   * The globs of the variables that get no weight decay.
   *
   * @return an unmodifiable list
   */
  public List<String> excludedFromWeightDecay() {
    return common.excluded();
  }

  /**
   * A copy with learning rate {@code lr} (positive, finite).
   *
   * @param lr the learning rate
   * @return the copy
   * @throws IllegalArgumentException if {@code lr} is not positive and finite
   */
  public S lr(double lr) {
    return with(new Common(name(), positive("lr", lr), weightDecay(), common.decayMode(), common.excluded(),
        common.clipping(), common.excludedRoles()));
  }

  /**
   * Weight decay {@code wd} (≥ 0) in the mode chosen before with {@link #weightDecay(double,
   * DecayMode)}, else the optimizer's natural mode: COUPLED, or DECOUPLED for AdamW.
   *
   * @param wd the factor
   * @return a copy with the decay
   * @throws IllegalArgumentException if {@code wd} is negative or not finite
   */
  public S weightDecay(double wd) {
    return with(new Common(name(), lr(), nonNegative("weightDecay", wd), common.decayMode(), common.excluded(),
        common.clipping(), common.excludedRoles()));
  }

  /**
   * Weight decay {@code wd} (≥ 0) in the given mode.
   *
   * @param wd the factor
   * @param mode {@code COUPLED}, {@code DECOUPLED} or {@code DECOUPLED_UNSCALED}
   * @return a copy with the decay
   * @throws IllegalArgumentException if {@code wd} is negative or not finite
   */
  public S weightDecay(double wd, DecayMode mode) {
    Objects.requireNonNull(mode, () -> name() + ": weightDecay mode must not be null");
    return with(new Common(name(), lr(), nonNegative("weightDecay", wd), mode, common.excluded(),
        common.clipping(), common.excludedRoles()));
  }

  /**
   * Variables whose full name matches one of these globs get no weight decay (their
   * regularizers, if any, still apply: they are part of the loss). {@code *} matches any run of
   * characters, scope separators included, {@code ?} one character: {@code "*}{@code /bias"}
   * matches every variable named {@code bias} in any scope. Adds to the globs already set.
   *
   * @param globs the patterns, matched against full variable names
   * @return a copy with the exclusions added
   */
  public S excludeFromWeightDecay(String... globs) {
    List<String> all = new ArrayList<>(common.excluded());
    for (String g : Objects.requireNonNull(globs, "globs")) {
      if (g == null || g.isEmpty()) {
        throw new IllegalArgumentException(name() + ": excludeFromWeightDecay needs non-empty globs, got "
            + Arrays.toString(globs));
      }
      all.add(g);
    }
    return with(new Common(name(), lr(), weightDecay(), common.decayMode(), List.copyOf(all), common.clipping(),
        common.excludedRoles()));
  }

  /**
   * Variables of these {@link Role}s get no weight decay: {@code excludeFromWeightDecay(BIAS,
   * NORMALIZATION)} is the usual AdamW recipe (biases and normalization scales and shifts
   * undecayed). Combines with the glob form: a variable is excluded if a glob or a role matches
   * it. Adds to the roles already set.
   *
   * @param roles the roles
   * @return a copy with the exclusions added
   */
  public S excludeFromWeightDecay(Role... roles) {
    EnumSet<Role> all = common.excludedRoles().isEmpty() ? EnumSet.noneOf(Role.class)
        : EnumSet.copyOf(common.excludedRoles());
    Objects.requireNonNull(roles, () -> name() + ": excludeFromWeightDecay needs roles, got null");
    if (roles.length == 0) {
      throw new IllegalArgumentException(name() + ": excludeFromWeightDecay needs at least one role");
    }
    for (Role r : roles) {
      if (r == null) {
        throw new IllegalArgumentException(name() + ": excludeFromWeightDecay needs non-null roles, got "
            + Arrays.toString(roles));
      }
      all.add(r);
    }
    return with(new Common(name(), lr(), weightDecay(), common.decayMode(), common.excluded(), common.clipping(),
        Collections.unmodifiableSet(all)));
  }

  /**
   * The roles whose variables get no weight decay.
   *
   * @return an unmodifiable set
   */
  public Set<Role> excludedRolesFromWeightDecay() {
    return common.excludedRoles();
  }

  /**
   * Clips each gradient element to {@code [-v, v]} (v > 0).
   *
   * @param v the bound
   * @return a copy that clips
   * @throws IllegalArgumentException if {@code v} is not positive and finite
   */
  public S clipByValue(double v) {
    Clipping c = common.clipping();
    return withClipping(new Clipping(positive("clipByValue", v), c.norm(), c.globalNorm()));
  }

  /**
   * Scales each parameter's gradient down to norm at most {@code n} (n > 0).
   *
   * @param n the largest norm, per parameter
   * @return a copy that clips (PyTorch's {@code clip_grad_norm_} applied to each parameter alone)
   * @throws IllegalArgumentException if {@code n} is not positive and finite
   */
  public S clipByNorm(double n) {
    Clipping c = common.clipping();
    return withClipping(new Clipping(c.value(), positive("clipByNorm", n), c.globalNorm()));
  }

  /**
   * Scales every gradient by one factor so that their global norm is at most {@code n} (n > 0).
   *
   * @param n the largest global norm {@code sqrt(Σ‖g‖²)}
   * @return a copy that clips (PyTorch's {@code clip_grad_norm_} over every parameter)
   * @throws IllegalArgumentException if {@code n} is not positive and finite
   */
  public S clipByGlobalNorm(double n) {
    Clipping c = common.clipping();
    return withClipping(new Clipping(c.value(), c.norm(), positive("clipByGlobalNorm", n)));
  }

  private S withClipping(Clipping c) {
    return with(new Common(name(), lr(), weightDecay(), common.decayMode(), common.excluded(), c,
        common.excludedRoles()));
  }

  /**
   * The shared settings, for a subclass's {@link #with} calls.
   *
   * @return the settings
   */
  protected final Common common() {
    return common;
  }

  // ---------------------------------------------------------------- checks

  /**
   * Throws unless {@code v} is finite and positive; returns it.
   *
   * @param arg the argument's name, for the message
   * @param v the value
   * @return {@code v}
   * @throws IllegalArgumentException naming the optimizer and the argument
   */
  protected final double positive(String arg, double v) {
    return check(arg, v, v > 0, "positive and finite");
  }

  /**
   * Throws unless {@code v} is finite and ≥ 0; returns it.
   *
   * @param arg the argument's name, for the message
   * @param v the value
   * @return {@code v}
   * @throws IllegalArgumentException naming the optimizer and the argument
   */
  protected final double nonNegative(String arg, double v) {
    return check(arg, v, v >= 0, "finite and ≥ 0");
  }

  /**
   * Throws unless {@code 0 ≤ v < 1}; returns it.
   *
   * @param arg the argument's name, for the message
   * @param v the value
   * @return {@code v}
   * @throws IllegalArgumentException naming the optimizer and the argument
   */
  protected final double unitInterval(String arg, double v) {
    return check(arg, v, v >= 0 && v < 1, "in [0, 1)");
  }

  /**
   * Throws an IllegalArgumentException naming this optimizer and {@code arg} unless {@code ok} and
   * finite.
   *
   * @param arg the argument's name, for the message
   * @param v the value
   * @param ok whether the value is in range
   * @param what the range, for the message ("positive and finite")
   * @return {@code v}
   * @throws IllegalArgumentException naming the optimizer and the argument
   */
  protected final double check(String arg, double v, boolean ok, String what) {
    return check(common.name(), arg, v, ok, what);
  }

  private static double check(String optimizer, String arg, double v, boolean ok, String what) {
    if (!ok || !Double.isFinite(v)) {
      throw new IllegalArgumentException(optimizer + ": " + arg + " must be " + what + ", got " + v);
    }
    return v;
  }

  // ---------------------------------------------------------------- the graph

  @Override
  public final void buildUpdates(UpdateContext ctx) {
    validate();
    GraphBuilder b = ctx.builder();
    String oldPrefix = b.labelPrefix("update/optimizer/");
    try {
      Node mult = ctx.hyper(LR_MULTIPLIER, 1.0);
      Node lr = b.mul(b.constant(lr()), mult);
      Node stepBefore = ctx.scalarState(STEP, 0);
      Node step = b.add(stepBefore, b.constant(1));
      ctx.update(STEP, step);
      List<Node> grads = new ArrayList<>();
      for (UpdateContext.Param p : ctx.params()) {
        grads.add(p.gradient());
      }
      grads = common.clipping().isOff() ? grads : common.clipping().apply(b, grads);
      Node decayFactor = decayFactor(b, lr, mult);
      List<Pattern> excluded = patterns(ctx);
      warnUnmatchedRoles(ctx);
      java.util.Map<String, Node> shared = new java.util.HashMap<>();
      for (int i = 0; i < ctx.params().size(); i++) {
        UpdateContext.Param p = ctx.params().get(i);
        b.labelPrefix("update/" + p.name() + "/");
        Node w = p.value();
        Node g = grads.get(i);
        if (weightDecay() > 0 && !excludedRole(p)
            && excluded.stream().noneMatch(x -> x.matcher(p.name()).matches())) {
          if (decayMode() == DecayMode.COUPLED) {
            g = b.add(g, b.mul(w, weightDecay()));
          } else {
            w = b.mul(w, decayFactor);
          }
        }
        ctx.update(p.name(), rule(new ParamStep(ctx, p, w, g, lr, step, shared)));
      }
    } finally {
      b.labelPrefix(oldPrefix);
    }
  }

  /** {@code 1 - lr·m·wd} (DECOUPLED) or {@code 1 - m·wd} (DECOUPLED_UNSCALED); null otherwise. */
  private Node decayFactor(GraphBuilder b, Node lr, Node mult) {
    if (weightDecay() == 0 || decayMode() == DecayMode.COUPLED) {
      return null;
    }
    Node scale = decayMode() == DecayMode.DECOUPLED ? lr : mult;
    return b.sub(b.constant(1), b.mul(scale, b.constant(weightDecay())));
  }

  private List<Pattern> patterns(UpdateContext ctx) {
    List<Pattern> out = new ArrayList<>();
    for (String glob : common.excluded()) {
      Pattern p = glob(glob);
      out.add(p);
      if (ctx.params().stream().noneMatch(x -> p.matcher(x.name()).matches())) {
        LOG.log(System.Logger.Level.WARNING, name() + ": excludeFromWeightDecay(\"" + glob
            + "\") matches no trainable variable");
      }
    }
    return out;
  }

  private boolean excludedRole(UpdateContext.Param p) {
    return p.role() != null && common.excludedRoles().contains(p.role());
  }

  /** Warns about each excluded role that no trainable variable carries. */
  private void warnUnmatchedRoles(UpdateContext ctx) {
    for (Role r : common.excludedRoles()) {
      if (ctx.params().stream().noneMatch(x -> x.role() == r)) {
        LOG.log(System.Logger.Level.WARNING, name() + ": excludeFromWeightDecay(" + r
            + ") matches no trainable variable");
      }
    }
  }

  /** A glob as a regular expression: {@code *} any run of characters, {@code ?} one, the rest literal. */
  static Pattern glob(String glob) {
    StringBuilder re = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*') {
        re.append(".*");
      } else if (c == '?') {
        re.append('.');
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString());
  }

  // ---------------------------------------------------------------- value semantics

  /** Every setting, as {@code adamW(lr=0.001, betas=(0.9, 0.999), eps=1.0E-8, weightDecay=0.01 DECOUPLED)}. */
  @Override
  public final String describe() {
    StringBuilder sb = new StringBuilder(name()).append("(lr=").append(lr()).append(describeOwn());
    if (weightDecay() > 0) {
      sb.append(", weightDecay=").append(weightDecay()).append(' ').append(decayMode());
      if (!common.excluded().isEmpty()) {
        sb.append(", excludeFromWeightDecay=").append(common.excluded());
      }
      if (!common.excludedRoles().isEmpty()) {
        sb.append(", excludeFromWeightDecay=").append(common.excludedRoles());
      }
    }
    return sb.append(common.clipping().describe()).append(')').toString();
  }

  @Override
  public final String toString() {
    return describe();
  }

  /** Two optimizers are equal when they are of one class with the same settings. */
  @Override
  public final boolean equals(Object o) {
    return o != null && o.getClass() == getClass() && ((BaseOptimizer<?>) o).describe().equals(describe());
  }

  @Override
  public final int hashCode() {
    return describe().hashCode();
  }
}
