package dev.cortado.train;

import dev.cortado.runtime.Executable;

/**
 * The state of one {@link Trainer#fit} call that callbacks see: the executable being trained,
 * the run's size, the history so far, and a way to stop.
 */
public final class TrainingRun {

  private final Executable executable;
  private final int epochs;
  private final int batchesPerEpoch;
  private final int trainRows;
  private History history = History.empty();
  private String stopReason;

  TrainingRun(Executable executable, int epochs, int batchesPerEpoch, int trainRows) {
    this.executable = executable;
    this.epochs = epochs;
    this.batchesPerEpoch = batchesPerEpoch;
    this.trainRows = trainRows;
  }

  public Executable executable() {
    return executable;
  }

  /** The number of epochs asked for. */
  public int epochs() {
    return epochs;
  }

  public int batchesPerEpoch() {
    return batchesPerEpoch;
  }

  /** The rows trained on per epoch (after any validation split). */
  public int trainRows() {
    return trainRows;
  }

  /** The completed epochs' metrics. */
  public History history() {
    return history;
  }

  void record(History newHistory) {
    this.history = newHistory;
  }

  /** Ends the run after the current epoch. */
  public void stop(String reason) {
    if (stopReason == null) {
      stopReason = reason;
    }
  }

  public boolean stopRequested() {
    return stopReason != null;
  }

  /** Why the run stopped early, or null. */
  public String stopReason() {
    return stopReason;
  }
}
