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

  /**
   * A run of {@code epochs} epochs of {@code batchesPerEpoch} batches over {@code trainRows}
   * rows, training {@code executable}: {@link Trainer} makes one per fit, and so does a trainer of
   * another module (the Spark module's) that drives the same callbacks.
   *
   * @param executable the executable being trained
   * @param epochs the number of epochs asked for
   * @param batchesPerEpoch the batches (steps) of one epoch
   * @param trainRows the rows trained on per epoch
   */
  public TrainingRun(Executable executable, int epochs, int batchesPerEpoch, int trainRows) {
    this.executable = executable;
    this.epochs = epochs;
    this.batchesPerEpoch = batchesPerEpoch;
    this.trainRows = trainRows;
  }

  /**
   * The executable being trained.
   *
   * @return the executable
   */
  public Executable executable() {
    return executable;
  }

  /**
   * The number of epochs asked for.
   *
   * @return the epochs
   */
  public int epochs() {
    return epochs;
  }

  /**
   * The training steps per epoch.
   *
   * @return the batches
   */
  public int batchesPerEpoch() {
    return batchesPerEpoch;
  }

  /**
   * The rows trained on per epoch (after any validation split).
   *
   * @return the rows
   */
  public int trainRows() {
    return trainRows;
  }

  /**
   * The completed epochs' metrics.
   *
   * @return the history so far
   */
  public History history() {
    return history;
  }

  /**
   * Sets the history of the completed epochs, after each epoch's callbacks (what {@link
   * #history()} returns from then on).
   *
   * @param newHistory the completed epochs' metrics
   */
  public void record(History newHistory) {
    this.history = newHistory;
  }

  /**
   * Ends the run after the current epoch.
   *
   * @param reason why, recorded in the history; the first reason given wins
   */
  public void stop(String reason) {
    if (stopReason == null) {
      stopReason = reason;
    }
  }

  /**
   * Whether a callback asked the run to stop.
   *
   * @return true after {@link #stop}
   */
  public boolean stopRequested() {
    return stopReason != null;
  }

  /**
   * Why the run stopped early, or null.
   *
   * @return the first reason given to {@link #stop}
   */
  public String stopReason() {
    return stopReason;
  }
}
