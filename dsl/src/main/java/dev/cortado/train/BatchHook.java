package dev.cortado.train;

import dev.cortado.data.Batch;
import java.util.SplittableRandom;

/**
 * A per-batch hook on training batches, for data augmentation: it gets each batch before the
 * step and returns the batch to train on (often {@code batch.withFeatures(...)}). Validation
 * and evaluation batches never pass through it.
 */
@FunctionalInterface
public interface BatchHook {

  /**
   * The batch to train on in place of {@code batch}.
   *
   * @param batch the batch as drawn
   * @param epoch the epoch, from 0
   * @param random a generator seeded from the trainer's seed, the epoch and the batch index,
   *     so augmented runs are reproducible
   * @return the batch to train on, e.g. {@code batch.withFeatures(augmented)}
   */
  Batch apply(Batch batch, int epoch, SplittableRandom random);
}
