package dev.cortado.train;

import dev.cortado.data.Batch;
import dev.cortado.data.Batches;
import dev.cortado.data.Dataset;
import dev.cortado.data.Shuffle;
import dev.cortado.data.Split;
import dev.cortado.runtime.Executable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains an {@link Executable} on a {@link Dataset}, as Keras's {@code fit}: for each epoch
 * the training rows are reshuffled from the seed ({@link Batches}, last partial batch kept),
 * each batch (after the {@link BatchHook}, if any) is one {@code trainStep} with the features
 * under input {@code "x"} and the targets (one-hot labels for classification) under {@code
 * "y"}, and the epoch's metrics go into the {@link History}:
 *
 * <ul>
 *   <li>every entry of {@link Executable#lastLosses()} ({@code loss}, {@code data_loss}, one
 *       {@code regularization/...} per term), averaged over the epoch weighted by batch size;
 *   <li>{@code accuracy} for a classification set: the argmax of the model output against the
 *       labels, from a {@code predict} of each batch just before its step (so with dropout off,
 *       unlike Keras, which measures it in the training forward pass);
 *   <li>with validation data, {@code val_} + each of those, from {@link #evaluate} at the end of
 *       the epoch (dropout off, no update).
 * </ul>
 *
 * <p>A validation split holds out {@code ceil(split * rows)} rows chosen with the seed
 * (stratified for classification) before training; Keras takes the last rows unshuffled, which
 * on a file sorted by class validates on one class. A run stops early when a callback asks or
 * when a step's loss is not finite. Immutable; build one with {@link #builder()}. Callbacks keep
 * per-run state (reset in {@code onTrainBegin}), so a trainer runs one fit at a time.
 */
public final class Trainer {

  private final int epochs;
  private final int batchSize;
  private final long seed;
  private final boolean shuffle;
  private final double validationSplit;
  private final List<Callback> callbacks;
  private final BatchHook batchHook;
  private final String inputName;
  private final String targetName;
  private final String outputName;
  private final boolean accuracy;
  private final Callback progress;

  private Trainer(Builder b) {
    this.epochs = b.epochs;
    this.batchSize = b.batchSize;
    this.seed = b.seed;
    this.shuffle = b.shuffle;
    this.validationSplit = b.validationSplit;
    this.callbacks = List.copyOf(b.callbacks);
    this.batchHook = b.batchHook;
    this.inputName = b.inputName;
    this.targetName = b.targetName;
    this.outputName = b.outputName;
    this.accuracy = b.accuracy;
    this.progress = b.progress;
  }

  /**
   * A builder with the defaults: 1 epoch, batches of 32, shuffled, seed 0, inputs "x" and "y".
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Trains, holding out the builder's validation split if it set one.
   *
   * @param exe a training executable of the model
   * @param train the training set
   * @return every epoch's metrics
   * @throws IllegalArgumentException if the dataset does not fit the model's inputs
   */
  public History fit(Executable exe, Dataset train) {
    java.util.Objects.requireNonNull(exe, "Trainer.fit: exe");
    java.util.Objects.requireNonNull(train, "Trainer.fit: train");
    if (validationSplit > 0) {
      Split split = train.isClassification()
          ? Split.stratified(train, validationSplit, seed) : Split.of(train, validationSplit, seed);
      return run(exe, split.train(), split.test());
    }
    return run(exe, train, null);
  }

  /**
   * Trains and validates on {@code validation} after every epoch.
   *
   * @param exe a training executable of the model
   * @param train the training set
   * @param validation the validation set, or null for none
   * @return every epoch's metrics, {@code val_}-prefixed for the validation set
   * @throws IllegalArgumentException if a dataset does not fit the model's inputs
   */
  public History fit(Executable exe, Dataset train, Dataset validation) {
    java.util.Objects.requireNonNull(exe, "Trainer.fit: exe");
    java.util.Objects.requireNonNull(train, "Trainer.fit: train");
    java.util.Objects.requireNonNull(validation, "Trainer.fit: validation");
    if (validationSplit > 0) {
      throw new IllegalArgumentException("the trainer was built with validationSplit("
          + validationSplit + "); pass validation data or a split, not both");
    }
    return run(exe, train, validation);
  }

  private History run(Executable exe, Dataset train, Dataset validation) {
    Batches batches = Batches.of(train, batchSize);
    if (shuffle) {
      batches = batches.shuffle(seed);
    }
    List<Callback> all = new ArrayList<>(callbacks);
    if (progress != null) {
      all.add(progress);
    }
    prepare(exe, batches, validation);
    TrainingRun run = new TrainingRun(exe, epochs, batches.count(), train.rows());
    for (Callback c : all) {
      c.onTrainBegin(run);
    }
    History history = History.empty();
    for (int epoch = 0; epoch < epochs && !run.stopRequested(); epoch++) {
      for (Callback c : all) {
        c.onEpochBegin(run, epoch);
      }
      Map<String, Double> metrics = trainEpoch(exe, train, batches, epoch, all, run);
      if (validation != null) {
        evaluate(exe, validation).forEach((k, v) -> metrics.put("val_" + k, v));
      }
      for (Callback c : all) {
        c.onEpochEnd(run, epoch, metrics);
      }
      history = history.plus(metrics);
      run.record(history);
    }
    if (run.stopReason() != null) {
      history = history.stoppedBecause(run.stopReason());
    }
    for (Callback c : all) {
      c.onTrainEnd(run, history);
    }
    return history;
  }

  /**
   * Compiles every batch size the epochs and their validation will run before the first one, in
   * one compiler run (a partial last batch is a size of its own, and each new size otherwise
   * stops training for a compile of its own).
   */
  private void prepare(Executable exe, Batches batches, Dataset validation) {
    int[] train = batches.sizes();
    int[] val = validation == null ? new int[0] : Batches.of(validation, batchSize).sizes();
    int[] all = java.util.stream.IntStream.concat(java.util.Arrays.stream(train), java.util.Arrays.stream(val))
        .distinct().toArray();
    exe.prepare(all);
  }

  private Map<String, Double> trainEpoch(Executable exe, Dataset train, Batches batches,
      int epoch, List<Callback> all, TrainingRun run) {
    Means means = new Means();
    int correct = 0;
    int index = 0;
    for (Batch original : batches.epoch(epoch)) {
      Batch batch = original;
      if (batchHook != null) {
        batch = batchHook.apply(original, epoch,
            Shuffle.forEpoch(seed + 0x632BE59BD9B4E019L * (index + 1), epoch));
      }
      for (Callback c : all) {
        c.onBatchBegin(run, epoch, index);
      }
      double[] features = batch.features();
      if (accuracy && batch.labels() != null) {
        correct += correct(exe, features, batch.labels(), batch.targetCount());
      }
      double loss = exe.trainStep(Map.of(inputName, features, targetName, batch.targets()));
      Map<String, Double> parts = exe.lastLosses();
      means.add(parts.isEmpty() ? Map.of("loss", loss) : parts, batch.size());
      for (Callback c : all) {
        c.onBatchEnd(run, epoch, index, batch.size(), loss);
      }
      index++;
      if (!Double.isFinite(loss)) {
        run.stop("the loss became " + loss + " in epoch " + (epoch + 1) + ", batch " + index);
        break;
      }
    }
    Map<String, Double> metrics = means.result();
    if (accuracy && train.isClassification()) {
      metrics.put("accuracy", (double) correct / means.rows());
    }
    return metrics;
  }

  /**
   * The mean losses of a dataset ({@link Executable#evaluate}, weighted by batch size, dropout
   * off, no update) and, for a classification set, its {@code accuracy}.
   *
   * @param exe an executable of the model
   * @param data the dataset
   * @return the metrics by name
   */
  public Map<String, Double> evaluate(Executable exe, Dataset data) {
    java.util.Objects.requireNonNull(exe, "Trainer.evaluate: exe");
    java.util.Objects.requireNonNull(data, "Trainer.evaluate: data");
    Means means = new Means();
    int correct = 0;
    Batches batches = Batches.of(data, batchSize);
    exe.prepare(batches.sizes());
    for (Batch batch : batches.epoch(0)) {
      double[] features = batch.features();
      means.add(exe.evaluate(Map.of(inputName, features, targetName, batch.targets())),
          batch.size());
      if (accuracy && batch.labels() != null) {
        correct += correct(exe, features, batch.labels(), batch.targetCount());
      }
    }
    Map<String, Double> metrics = means.result();
    if (accuracy && data.isClassification()) {
      metrics.put("accuracy", (double) correct / data.rows());
    }
    return metrics;
  }

  private int correct(Executable exe, double[] features, int[] labels, int classCount) {
    Map<String, double[]> outputs = exe.predict(Map.of(inputName, features));
    String name = outputName;
    if (name == null) {
      if (outputs.size() != 1) {
        throw new IllegalArgumentException("the model has outputs " + outputs.keySet()
            + "; name the one with class scores with Trainer.builder().output(...)");
      }
      name = outputs.keySet().iterator().next();
    } else if (!outputs.containsKey(name)) {
      throw new IllegalArgumentException("no output \"" + name + "\"; the model has "
          + outputs.keySet());
    }
    return Accuracy.correct(outputs.get(name), labels, classCount, name);
  }

  /** Row-weighted means of named values. */
  private static final class Means {
    private final Map<String, Double> sums = new LinkedHashMap<>();
    private int rows;

    void add(Map<String, Double> values, int n) {
      values.forEach((k, v) -> sums.merge(k, v * n, Double::sum));
      rows += n;
    }

    int rows() {
      return rows;
    }

    Map<String, Double> result() {
      Map<String, Double> out = new LinkedHashMap<>();
      sums.forEach((k, v) -> out.put(k, v / rows));
      return out;
    }
  }

  /** Configures a {@link Trainer}; {@link #build()} checks the settings. */
  public static final class Builder {
    private int epochs = 1;
    private int batchSize = 32;
    private long seed;
    private boolean shuffle = true;
    private double validationSplit;
    private final List<Callback> callbacks = new ArrayList<>();
    private BatchHook batchHook;
    private String inputName = "x";
    private String targetName = "y";
    private String outputName;
    private boolean accuracy = true;
    private Callback progress = ProgressBar.auto();

    private Builder() {}

    /**
     * Epochs to run (default 1).
     *
     * @param n the epochs, positive
     * @return this builder
     */
    public Builder epochs(int n) {
      this.epochs = n;
      return this;
    }

    /**
     * Rows per step (default 32, as Keras); the last batch of an epoch may be smaller.
     *
     * @param n the rows per step, positive
     * @return this builder
     */
    public Builder batchSize(int n) {
      this.batchSize = n;
      return this;
    }

    /**
     * Seeds the shuffling, the validation split and the batch hook's generator (default 0).
     *
     * @param s the seed
     * @return this builder
     */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /**
     * Reshuffle the rows every epoch (default true).
     *
     * @param on whether to reshuffle
     * @return this builder
     */
    public Builder shuffle(boolean on) {
      this.shuffle = on;
      return this;
    }

    /**
     * Hold out this fraction of the training rows for validation (default 0: none).
     *
     * @param fraction the share held out, in [0, 1)
     * @return this builder
     */
    public Builder validationSplit(double fraction) {
      this.validationSplit = fraction;
      return this;
    }

    /**
     * Adds callbacks, run in this order (the progress bar runs last).
     *
     * @param more the callbacks
     * @return this builder
     */
    public Builder callbacks(Callback... more) {
    java.util.Objects.requireNonNull(more, "Trainer.Builder.callbacks: more");
      this.callbacks.addAll(List.of(more));
      return this;
    }

    /**
     * A hook that may replace each training batch, for augmentation.
     *
     * @param hook the hook
     * @return this builder
     */
    public Builder batchHook(BatchHook hook) {
      this.batchHook = hook;
      return this;
    }

    /**
     * The model's input names for features and targets (default "x" and "y").
     *
     * @param features the input fed the features
     * @param targets the input fed the targets
     * @return this builder
     */
    public Builder inputs(String features, String targets) {
    java.util.Objects.requireNonNull(features, "Trainer.Builder.inputs: features");
    java.util.Objects.requireNonNull(targets, "Trainer.Builder.inputs: targets");
      this.inputName = features;
      this.targetName = targets;
      return this;
    }

    /**
     * The output with class scores, for accuracy (default: the model's only output).
     *
     * @param name the output's name
     * @return this builder
     */
    public Builder output(String name) {
      this.outputName = name;
      return this;
    }

    /**
     * Measure accuracy on classification sets (default true).
     *
     * @param on whether to measure accuracy
     * @return this builder
     */
    public Builder accuracy(boolean on) {
      this.accuracy = on;
      return this;
    }

    /**
     * The progress display (default {@link ProgressBar#auto()}: a bar on a terminal, lines in
     * logs and CI); null for none.
     *
     * @param display the display, or null
     * @return this builder
     */
    public Builder progress(Callback display) {
      this.progress = display;
      return this;
    }

    /**
     * Turns the progress display off.
     *
     * @return this builder
     */
    public Builder quiet() {
      return progress(null);
    }

    /**
     * The trainer these settings describe.
     *
     * @return a new trainer
     * @throws IllegalArgumentException naming the setting that is out of range
     */
    public Trainer build() {
      if (epochs < 1) {
        throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
      }
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
      }
      if (!(validationSplit >= 0 && validationSplit < 1)) {
        throw new IllegalArgumentException("validationSplit must lie in [0, 1), got "
            + validationSplit);
      }
      if (inputName == null || targetName == null || inputName.equals(targetName)) {
        throw new IllegalArgumentException("the feature and target inputs need two names, got "
            + inputName + " and " + targetName);
      }
      return new Trainer(this);
    }
  }
}
