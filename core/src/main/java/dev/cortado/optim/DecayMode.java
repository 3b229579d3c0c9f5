package dev.cortado.optim;

/**
 * The three things frameworks call "weight decay", made explicit. With {@code wd} the decay,
 * {@code lr} the base learning rate, {@code m} the schedule's multiplier (the run-time
 * hyperparameter {@value BaseOptimizer#LR_MULTIPLIER}, 1 unless a schedule sets it), {@code w} a
 * parameter and {@code g} its gradient:
 *
 * <ul>
 *   <li>{@link #COUPLED}: {@code g ← g + wd·w} before the optimizer's rule, so the decay passes
 *       through momentum and adaptive scaling ({@code torch.optim.SGD/Adam(weight_decay=)});
 *       identical to an {@code l2(wd)} regularizer ({@code wd·Σw²/2}) on every decayed variable;
 *   <li>{@link #DECOUPLED}: {@code w ← w·(1 - lr·m·wd)} before the optimizer's rule, which sees
 *       the undecayed gradient ({@code torch.optim.AdamW}, SGDW);
 *   <li>{@link #DECOUPLED_UNSCALED}: {@code w ← w·(1 - m·wd)}, independent of the base learning
 *       rate and following only the schedule, as in Loshchilov &amp; Hutter's Algorithms 1–2
 *       ({@code w ← w - η_t·λ·w}).
 * </ul>
 */
public enum DecayMode {
  /** {@code g ← g + wd·w}: an L2 term in the gradient, seen by momentum and adaptive scaling. */
  COUPLED,
  /** {@code w ← w·(1 - lr·m·wd)} before the step: AdamW, SGDW. */
  DECOUPLED,
  /** {@code w ← w·(1 - m·wd)} before the step: scaled only by the schedule multiplier. */
  DECOUPLED_UNSCALED
}
