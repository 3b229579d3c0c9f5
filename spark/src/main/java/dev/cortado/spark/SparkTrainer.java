package dev.cortado.spark;

import dev.cortado.data.Shuffle;
import dev.cortado.runtime.Executable;
import dev.cortado.train.EarlyStopping;
import dev.cortado.train.History;
import dev.cortado.train.TrainingRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Synchronous data-parallel training over a {@code Dataset<Row>}, equal to training on one
 * machine with the same global batches.
 *
 * <p>Each epoch orders the rows as {@code Trainer} does ({@code Batches.order}: a seeded
 * permutation of the row indices, the same on every JVM) and cuts that order into global batches
 * of {@link Builder#batchSize} rows (the last one partial). Each partition indexes its rows once
 * per epoch (sorted by their position in that order, one flat array per input), so a step's
 * task copies only its slice. For each global step the driver broadcasts the parameters; every
 * partition holding rows of that batch computes, with the generated gradient half ({@link
 * Executable#accumulateGradients}), the gradient of the loss on its rows weighted by its share
 * of the batch; the driver adds the partitions' sums <b>in partition order</b> and applies the
 * optimizer's update once ({@link Executable#applyGradients}). As every loss is a mean over the
 * batch's rows, the sum is the gradient of the global batch; it differs from one machine's only
 * in the order of the additions. A task hands its rows to the model in chunks of powers of two,
 * a last single row folded into the chunk before it (11 rows: 8, 3), so that each executor
 * generates at most {@code 2·log2(batchSize) + 1} classes, whatever the partitions' shares.
 *
 * <p>Why partition order rather than {@code treeAggregate}: Spark merges aggregated results in the
 * order tasks finish, so a retried or slow task would change the rounding; adding the partitions'
 * sums in a fixed order makes every run, retries included, give the same bits. The driver receives
 * one gradient per partition holding rows of the batch (as a one-level aggregate does).
 *
 * <p>Parameters the forward pass writes (batch normalization's moving statistics) are gathered:
 * each chunk starts from the broadcast value, and the driver sets the broadcast value plus the
 * sum over chunks of (the chunk's change) times (its share of the batch). As the update is
 * {@code (1 - momentum)·moving + momentum·batch}, this is the update with the row-weighted mean of
 * the chunks' statistics: {@code moving_mean} gets the global batch's mean (to rounding), as on
 * one machine; {@code moving_variance} gets the row-weighted mean of the chunks' unbiased
 * variances, which leaves out the spread between the chunks' means. A partition holding a single
 * row of a batch fails the step before any update, as the unbiased variance of one row is
 * undefined.
 *
 * <p>Dropout draws one machine's masks: each chunk passes the row of the global batch it starts
 * at ({@link Executable#accumulateGradients(java.util.Map, double, dev.cortado.runtime.Gradients,
 * long)}), and a model with dropout cuts each partition's rows into runs consecutive in the
 * global batch before cutting them into chunks. What is not as on one machine: batch
 * normalization normalizes each chunk with that chunk's statistics (as PyTorch's {@code
 * DistributedDataParallel} without {@code SyncBatchNorm}).
 *
 * <p>After each epoch: validation (distributed, dropout off, weighted by rows), {@link
 * EarlyStopping} as in {@code Trainer}, and, with {@link Builder#checkpoints}, the history and a
 * checkpoint of the driver's executable, each written atomically ({@code epoch-0001.history},
 * {@code epoch-0001.safetensors}, ...). {@link Builder#resume} starts after the last checkpoint
 * in the directory, with its history and early-stopping state.
 */
public final class SparkTrainer {
  /**
   * The description of each global step's Spark job, followed by the step's number counted from
   * 0 over the run ({@code "cortado global step 12"}): what Spark's UI shows and a listener reads
   * from the job's {@code spark.job.description} property.
   */
  public static final String STEP_JOB = "cortado global step ";

  private final Features features;
  private final int epochs;
  private final int batchSize;
  private final long seed;
  private final boolean shuffle;
  private final Dataset<Row> validation;
  private final EarlyStopping stopping;
  private final Path checkpoints;
  private final boolean resume;
  private final TaskHook hook;

  private SparkTrainer(Builder b) {
    this.features = b.features;
    this.epochs = b.epochs;
    this.batchSize = b.batchSize;
    this.seed = b.seed;
    this.shuffle = b.shuffle;
    this.validation = b.validation;
    this.stopping = b.stopping;
    this.checkpoints = b.checkpoints;
    this.resume = b.resume;
    this.hook = b.hook;
  }

  /**
   * A builder with the defaults: one epoch, batches of 32, seed 0, shuffled, no validation, no
   * early stopping, no checkpoints.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Trains {@code driver} (the executable whose parameters and optimizer state are the result)
   * on {@code train}, computing gradients on the executors with executables made by {@code
   * workers}.
   *
   * @param driver the executable on the driver: it is trained in place
   * @param workers how each executor makes its executables of the same model
   * @param train the training rows, with the columns {@link Builder#features} names
   * @return every epoch's metrics (with {@link Builder#resume}, the restored epochs' too)
   * @throws IOException if a checkpoint or its history cannot be written or read
   */
  public History fit(Executable driver, ModelSource workers, Dataset<Row> train) throws IOException {
    Objects.requireNonNull(driver, "driver");
    Objects.requireNonNull(workers, "workers");
    driver.newGradients(); // fails before any job when the driver's class lacks the split step (a build-time class)
    int[] sizes = sizes(driver, train.schema());
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(train.sparkSession().sparkContext());
    JavaRDD<Example> rows = examples(train, sizes).persist(StorageLevel.MEMORY_ONLY());
    JavaRDD<Example> val = null;
    try {
      long count = rows.count();
      if (count == 0 || count > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("the training data has " + count + " rows; expected 1 to " + Integer.MAX_VALUE);
      }
      int n = (int) count;
      if (validation != null) {
        val = examples(validation, sizes(driver, validation.schema())).persist(StorageLevel.MEMORY_ONLY());
      }
      int steps = (n + batchSize - 1) / batchSize;
      TrainingRun run = new TrainingRun(driver, epochs, steps, n);
      if (stopping != null) {
        stopping.onTrainBegin(run);
      }
      RunFiles files = checkpoints == null ? null : new RunFiles(checkpoints);
      History history = resume ? files.restore(driver, stopping, run) : History.empty();
      for (int epoch = history.epochs(); epoch < epochs && !run.stopRequested(); epoch++) {
        Map<String, Double> metrics = epoch(sc, driver, workers, rows, n, steps, epoch);
        if (val != null) {
          Steps.evaluate(sc, driver, workers, val, features, batchSize).forEach((k, v) -> metrics.put("val_" + k, v));
        }
        if (stopping != null) {
          stopping.onEpochEnd(run, epoch, metrics);
        }
        history = history.plus(metrics);
        run.record(history);
        if (files != null) {
          files.save(driver, history, epoch + 1);
        }
      }
      if (run.stopReason() != null) {
        history = history.stoppedBecause(run.stopReason());
      }
      if (stopping != null) {
        stopping.onTrainEnd(run, history);
      }
      return history;
    } finally {
      rows.unpersist(false);
      if (val != null) {
        val.unpersist(false);
      }
    }
  }

  /**
   * One epoch: the rows ordered as {@code Trainer} orders them, each partition indexed once for
   * the epoch, then one job per global step. Returns the epoch's mean losses.
   */
  private Map<String, Double> epoch(JavaSparkContext sc, Executable driver, ModelSource workers, JavaRDD<Example> rows,
      int n, int steps, int epoch) {
    int[] order = shuffle ? Shuffle.permutation(n, Shuffle.forEpoch(seed, epoch)) : identity(n);
    int[] position = new int[n];
    for (int p = 0; p < n; p++) {
      position[order[p]] = p;
    }
    Broadcast<int[]> where = sc.broadcast(position);
    int b = batchSize;
    List<String> inputs = features.inputs();
    JavaRDD<Shard> shards = rows.mapPartitionsWithIndex(
        (pi, it) -> List.of(Shard.of(pi, it, where.value(), b, steps, inputs)).iterator(), true)
        .persist(StorageLevel.MEMORY_ONLY());
    try {
      Map<String, Double> sums = new LinkedHashMap<>();
      for (int s = 0; s < steps; s++) {
        Steps.step(sc, driver, workers, shards, (long) epoch * steps + s, s, b, Math.min(b, n - s * b), hook, sums);
      }
      Map<String, Double> metrics = new LinkedHashMap<>();
      sums.forEach((k, v) -> metrics.put(k, v / n));
      return metrics;
    } finally {
      shards.unpersist(false);
      where.destroy();
    }
  }

  private int[] sizes(Executable driver, StructType schema) {
    features.check(schema);
    List<String> inputs = features.inputs();
    int[] sizes = new int[inputs.size()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = Features.rowSize(driver, inputs.get(i));
    }
    return sizes;
  }

  private JavaRDD<Example> examples(Dataset<Row> data, int[] sizes) {
    StructType schema = data.schema();
    Features f = features;
    return data.javaRDD().zipWithIndex().map(t -> new Example(t._2(), f.read(t._1(), schema, sizes, "row " + t._2())));
  }

  /**
   * The file of the checkpoint written after {@code epochs} completed epochs.
   *
   * @param epochs the completed epochs, from 1
   * @return {@code epoch-0001.safetensors} for 1, and so on
   */
  public static String checkpointName(int epochs) {
    return String.format("epoch-%04d.safetensors", epochs);
  }

  private static int[] identity(int n) {
    int[] o = new int[n];
    for (int i = 0; i < n; i++) {
      o[i] = i;
    }
    return o;
  }

  /** Options of a {@link SparkTrainer}, as {@code Trainer}'s. */
  public static final class Builder {
    private Features features = Features.of();
    private int epochs = 1;
    private int batchSize = 32;
    private long seed = 0;
    private boolean shuffle = true;
    private Dataset<Row> validation;
    private EarlyStopping stopping;
    private Path checkpoints;
    private boolean resume;
    private TaskHook hook;

    private Builder() {}

    /**
     * The columns feeding each input the loss needs (features and targets).
     *
     * @param f the inputs and their columns
     * @return this builder
     */
    public Builder features(Features f) {
      this.features = Objects.requireNonNull(f, "features");
      return this;
    }

    /**
     * Epochs to train (default 1); a resumed run counts the restored ones.
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder epochs(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("epochs must be at least 1, got " + n);
      }
      this.epochs = n;
      return this;
    }

    /**
     * Rows per global step (default 32), split over the partitions.
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder batchSize(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("batchSize must be at least 1, got " + n);
      }
      this.batchSize = n;
      return this;
    }

    /**
     * The seed of the per-epoch shuffle (as {@code Trainer}'s).
     *
     * @param s the seed
     * @return this builder
     */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /**
     * Whether each epoch shuffles the rows (default true); false keeps the data set's order.
     *
     * @param on true to shuffle
     * @return this builder
     */
    public Builder shuffle(boolean on) {
      this.shuffle = on;
      return this;
    }

    /**
     * Rows evaluated after each epoch, giving {@code val_<loss>} metrics.
     *
     * @param data rows with the same columns as the training rows
     * @return this builder
     */
    public Builder validation(Dataset<Row> data) {
      this.validation = Objects.requireNonNull(data, "validation");
      return this;
    }

    /**
     * Stops as {@code Trainer} does with this callback: when its metric ({@code loss}, or
     * {@code val_loss} with {@link #validation}, ...) has not improved for its patience; with
     * {@code restoreBestWeights}, the driver ends with the best epoch's parameters. The callback
     * keeps its state across a resumed run (see {@link #resume}).
     *
     * @param callback the early-stopping rule
     * @return this builder
     */
    public Builder earlyStopping(EarlyStopping callback) {
      this.stopping = Objects.requireNonNull(callback, "callback");
      return this;
    }

    /**
     * Writes the history and a checkpoint of the driver's executable into {@code dir} after each
     * epoch (a directory of the driver's file system).
     *
     * @param dir the checkpoint directory, made if missing
     * @return this builder
     */
    public Builder checkpoints(Path dir) {
      this.checkpoints = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * Starts after the last checkpoint in the checkpoint directory, if there is one: the driver
     * gets its parameters and optimizer state, the history its epochs, and early stopping sees
     * those epochs again (with {@code restoreBestWeights}, the best epoch's checkpoint must still
     * be in the directory).
     *
     * @param on true to resume
     * @return this builder
     */
    public Builder resume(boolean on) {
      this.resume = on;
      return this;
    }

    /**
     * A hook run in each training task (see {@link TaskHook}).
     *
     * @param h the hook, or null for none
     * @return this builder
     */
    public Builder taskHook(TaskHook h) {
      this.hook = h;
      return this;
    }

    /**
     * The trainer of these options.
     *
     * @return the trainer
     * @throws IllegalArgumentException if no input is mapped to columns, or resume has no
     *     checkpoint directory
     */
    public SparkTrainer build() {
      if (features.inputs().isEmpty()) {
        throw new IllegalArgumentException("no features: map each input the loss reads to columns");
      }
      if (resume && checkpoints == null) {
        throw new IllegalArgumentException("resume needs a checkpoint directory");
      }
      return new SparkTrainer(this);
    }
  }
}
