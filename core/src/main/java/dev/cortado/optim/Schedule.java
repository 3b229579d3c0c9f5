package dev.cortado.optim;

import dev.cortado.runtime.Executable;

/**
 * A learning-rate schedule: the multiplier {@code m(step)} of the base learning rate. A training
 * graph reads it as the run-time hyperparameter {@value BaseOptimizer#LR_MULTIPLIER}; the
 * caller (a trainer, a callback, a user's loop) sets it before each step with
 * {@link #apply(Executable, long)}, so one compiled step serves every schedule. Decoupled weight
 * decay follows the multiplier ({@code DECOUPLED}: {@code 1 - lr·m·wd}; {@code
 * DECOUPLED_UNSCALED}: {@code 1 - m·wd}).
 *
 * <p>{@code step} is whatever index the caller counts (steps taken so far, or epochs), from 0.
 */
@FunctionalInterface
public interface Schedule {
  /**
   * The multiplier at {@code step} (≥ 0); finite and ≥ 0.
   *
   * @param step the step (or epoch) index
   * @return the multiplier
   */
  double multiplier(long step);

  /**
   * Sets {@code exe}'s {@value BaseOptimizer#LR_MULTIPLIER} for {@code step}; returns the
   * multiplier.
   *
   * @param exe the executable to set
   * @param step the step (or epoch) index
   * @return the multiplier set
   * @throws IllegalArgumentException if the multiplier is negative, NaN or infinite
   */
  default double apply(Executable exe, long step) {
    double m = multiplier(step);
    if (!(m >= 0) || Double.isInfinite(m)) {
      throw new IllegalArgumentException("schedule " + this + " gave the multiplier " + m + " at step " + step
          + "; a multiplier must be finite and ≥ 0");
    }
    exe.setHyperparameter(BaseOptimizer.LR_MULTIPLIER, m);
    return m;
  }

  /**
   * Always 1.
   *
   * @return the schedule
   */
  static Schedule constant() {
    return new Schedules.Constant();
  }

  /**
   * {@code γ^⌊step / stepSize⌋}, as {@code torch.optim.lr_scheduler.StepLR}.
   *
   * @param stepSize the steps between decays, positive
   * @param gamma the factor of each decay, positive and finite
   * @return the schedule
   * @throws IllegalArgumentException if an argument is out of range
   */
  static Schedule step(long stepSize, double gamma) {
    return new Schedules.Step(stepSize, gamma);
  }

  /**
   * {@code γ^step}, as {@code torch.optim.lr_scheduler.ExponentialLR}.
   *
   * @param gamma the factor per step, positive and finite
   * @return the schedule
   * @throws IllegalArgumentException if {@code gamma} is out of range
   */
  static Schedule exponential(double gamma) {
    return new Schedules.Exponential(gamma);
  }

  /**
   * Linear warm-up, then cosine decay to {@code minMultiplier}: {@code step / warmup} for
   * {@code step < warmup} (0 at step 0, as Hugging Face's {@code
   * get_cosine_schedule_with_warmup}), then {@code min + (1 - min)·(1 + cos(π·p))/2} with
   * {@code p = (step - warmup) / (total - warmup)}, and {@code min} from {@code total} on.
   *
   * @param warmupSteps the warm-up's length, at least 0
   * @param totalSteps the step at which the decay ends, above {@code warmupSteps}
   * @param minMultiplier the final multiplier, in [0, 1]
   * @return the schedule
   * @throws IllegalArgumentException if an argument is out of range
   */
  static Schedule cosine(long warmupSteps, long totalSteps, double minMultiplier) {
    return new Schedules.Cosine(warmupSteps, totalSteps, minMultiplier);
  }

  /**
   * A user's function of the step, checked each time it is applied.
   *
   * @param f the multiplier by step
   * @return the schedule
   */
  static Schedule of(java.util.function.LongToDoubleFunction f) {
    java.util.Objects.requireNonNull(f, "schedule function");
    return f::applyAsDouble;
  }
}
