package dev.cortado.optim;

/** The built-in {@link Schedule}s, as values with readable {@code toString}. */
final class Schedules {
  private Schedules() {}

  static void requireStep(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("a schedule's step must be ≥ 0, got " + step);
    }
  }

  record Constant() implements Schedule {
    @Override
    public double multiplier(long step) {
      requireStep(step);
      return 1.0;
    }

    @Override
    public String toString() {
      return "constantLr()";
    }
  }

  record Step(long stepSize, double gamma) implements Schedule {
    Step {
      if (stepSize <= 0) {
        throw new IllegalArgumentException("stepLr: stepSize must be positive, got " + stepSize);
      }
      if (!(gamma > 0) || Double.isInfinite(gamma)) {
        throw new IllegalArgumentException("stepLr: gamma must be positive and finite, got " + gamma);
      }
    }

    @Override
    public double multiplier(long step) {
      requireStep(step);
      return Math.pow(gamma, step / stepSize);
    }

    @Override
    public String toString() {
      return "stepLr(" + stepSize + ", " + gamma + ")";
    }
  }

  record Exponential(double gamma) implements Schedule {
    Exponential {
      if (!(gamma > 0) || Double.isInfinite(gamma)) {
        throw new IllegalArgumentException("exponentialLr: gamma must be positive and finite, got " + gamma);
      }
    }

    @Override
    public double multiplier(long step) {
      requireStep(step);
      return Math.pow(gamma, step);
    }

    @Override
    public String toString() {
      return "exponentialLr(" + gamma + ")";
    }
  }

  record Cosine(long warmupSteps, long totalSteps, double minMultiplier) implements Schedule {
    Cosine {
      if (warmupSteps < 0 || totalSteps <= warmupSteps) {
        throw new IllegalArgumentException("cosineLr: needs 0 ≤ warmupSteps < totalSteps, got warmupSteps="
            + warmupSteps + ", totalSteps=" + totalSteps);
      }
      if (!(minMultiplier >= 0 && minMultiplier <= 1)) {
        throw new IllegalArgumentException("cosineLr: minMultiplier must be in [0, 1], got " + minMultiplier);
      }
    }

    @Override
    public double multiplier(long step) {
      requireStep(step);
      if (step < warmupSteps) {
        return (double) step / warmupSteps;
      }
      double p = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
      return minMultiplier + (1 - minMultiplier) * 0.5 * (1 + Math.cos(Math.PI * p));
    }

    @Override
    public String toString() {
      return "cosineLr(" + warmupSteps + ", " + totalSteps + ", " + minMultiplier + ")";
    }
  }
}
