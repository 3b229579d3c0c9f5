package dev.cortado.bench;

/** One implementation's training step on a fixed batch, ready to be timed. */
@FunctionalInterface
public interface TrainStep {
  /** Runs one step and returns its loss (consumed by the caller so the work is not elided). */
  double run();
}
