package dev.cortado.spark;

import dev.cortado.data.Shuffle;
import dev.cortado.ir.Graph;
import dev.cortado.runtime.Checkpoint;
import dev.cortado.runtime.Executable;
import dev.cortado.runtime.Gradients;
import dev.cortado.train.History;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
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
 * of {@link Builder#batchSize} rows (the last one partial). For each global step the driver
 * broadcasts the parameters; every partition holding rows of that batch computes, with the
 * generated gradient half ({@link Executable#accumulateGradients}), the gradient of the loss on
 * its rows weighted by its share of the batch; the driver adds the partitions' sums <b>in
 * partition order</b> and applies the optimizer's update once ({@link Executable#applyGradients}).
 * As every loss is a mean over the batch's rows, the sum is the gradient of the global batch; it
 * differs from one machine's only in the order of the additions. A task hands its rows to the
 * model in chunks whose sizes are powers of two (11 rows: 8, 2, 1), so that each executor
 * generates at most {@code log2(batchSize) + 1} classes, whatever the partitions' shares.
 *
 * <p>Why partition order rather than {@code treeAggregate}: Spark merges aggregated results in the
 * order tasks finish, so a retried or slow task would change the rounding; adding the partitions'
 * sums in a fixed order makes every run, retries included, give the same bits. The driver receives
 * one gradient per partition holding rows of the batch (as a one-level aggregate does).
 *
 * <p>After each epoch: validation (distributed, dropout off, weighted by rows), early stopping, and a
 * checkpoint of the driver's executable written atomically ({@code epoch-0001.safetensors}, ...).
 * {@link Builder#resume} starts after the last checkpoint in the directory.
 *
 * <p>Limits: dropout masks depend on a row's position in the batch a task sees, and batch
 * normalization uses the statistics of each partition's rows, so models with either train
 * correctly but not bit-for-bit like one machine; batch normalization's moving statistics are
 * not gathered to the driver.
 */
public final class SparkTrainer {
  private final Features features;
  private final int epochs;
  private final int batchSize;
  private final long seed;
  private final boolean shuffle;
  private final Dataset<Row> validation;
  private final String monitor;
  private final int patience;
  private final double minDelta;
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
    this.monitor = b.monitor;
    this.patience = b.patience;
    this.minDelta = b.minDelta;
    this.checkpoints = b.checkpoints;
    this.resume = b.resume;
    this.hook = b.hook;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Trains {@code driver} (the executable whose parameters and optimizer state are the result)
   * on {@code train}, computing gradients on the executors with executables made by {@code
   * workers}.
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
      int first = resume ? restore(driver) : 0;
      int steps = (n + batchSize - 1) / batchSize;
      History history = History.empty();
      double best = Double.POSITIVE_INFINITY;
      int waited = 0;
      for (int epoch = first; epoch < epochs; epoch++) {
        int[] order = shuffle ? Shuffle.permutation(n, Shuffle.forEpoch(seed, epoch)) : identity(n);
        int[] position = new int[n];
        for (int p = 0; p < n; p++) {
          position[order[p]] = p;
        }
        Broadcast<int[]> where = sc.broadcast(position);
        Map<String, Double> sums = new LinkedHashMap<>();
        for (int s = 0; s < steps; s++) {
          step(sc, driver, workers, rows, where, (long) epoch * steps + s, s, Math.min(batchSize, n - s * batchSize), sums);
        }
        where.destroy();
        Map<String, Double> metrics = new LinkedHashMap<>();
        sums.forEach((k, v) -> metrics.put(k, v / n));
        if (val != null) {
          evaluate(sc, driver, workers, val).forEach((k, v) -> metrics.put("val_" + k, v));
        }
        history = history.plus(metrics);
        if (checkpoints != null) {
          Files.createDirectories(checkpoints);
          Checkpoint.save(driver, checkpoints.resolve(checkpointName(epoch + 1)));
        }
        if (patience > 0) {
          Double m = metrics.get(monitor != null ? monitor : val != null ? "val_loss" : "loss");
          if (m == null) {
            throw new IllegalArgumentException("early stopping monitors '" + monitor + "', not among " + metrics.keySet());
          }
          if (m < best - minDelta) {
            best = m;
            waited = 0;
          } else if (++waited >= patience) {
            return history.stoppedBecause("no improvement of " + (monitor != null ? monitor : val != null ? "val_loss" : "loss")
                + " for " + patience + " epochs (early stopping after epoch " + (epoch + 1) + ")");
          }
        }
      }
      return history;
    } finally {
      rows.unpersist(false);
      if (val != null) {
        val.unpersist(false);
      }
    }
  }

  /** One global step: gradients on the executors, summed in partition order, applied on the driver. */
  private void step(JavaSparkContext sc, Executable driver, ModelSource workers, JavaRDD<Example> rows,
      Broadcast<int[]> where, long globalStep, int s, int rowsInBatch, Map<String, Double> sums) {
    Broadcast<Map<String, double[]>> params = sc.broadcast(shipped(driver));
    Features f = features;
    int b = batchSize;
    TaskHook h = hook;
    List<PartSum> parts = rows.mapPartitionsWithIndex((pi, it) -> {
      List<PartSum> out = new ArrayList<>(1);
      PartSum sum = Tasks.gradients(pi, it, where.value(), s, b, rowsInBatch, f, workers, params.value(), h, globalStep);
      if (sum != null) {
        out.add(sum);
      }
      return out.iterator();
    }, true).collect();
    params.destroy();
    List<PartSum> ordered = new ArrayList<>(parts);
    ordered.sort(Comparator.comparingInt(PartSum::partition));
    Gradients total = driver.newGradients();
    long seen = 0;
    Map<String, Double> losses = new LinkedHashMap<>();
    for (PartSum p : ordered) {
      total.add(p.gradients());
      seen += p.rows();
      p.losses().forEach((k, v) -> losses.merge(k, v, Double::sum));
    }
    if (seen != rowsInBatch) {
      throw new IllegalStateException("global step " + globalStep + " gathered " + seen + " rows, expected " + rowsInBatch);
    }
    driver.applyGradients(total);
    losses.forEach((k, v) -> sums.merge(k, v * rowsInBatch, Double::sum));
  }

  /** The mean losses of the validation rows, weighted by rows, with the driver's parameters. */
  private Map<String, Double> evaluate(JavaSparkContext sc, Executable driver, ModelSource workers, JavaRDD<Example> val) {
    Broadcast<Map<String, double[]>> params = sc.broadcast(shipped(driver));
    Features f = features;
    int b = batchSize;
    List<PartSum> parts = val.mapPartitionsWithIndex((pi, it) -> {
      PartSum sum = Tasks.evaluate(pi, it, b, f, workers, params.value());
      return (sum == null ? List.<PartSum>of() : List.of(sum)).iterator();
    }, true).collect();
    params.destroy();
    List<PartSum> ordered = new ArrayList<>(parts);
    ordered.sort(Comparator.comparingInt(PartSum::partition));
    Map<String, Double> total = new LinkedHashMap<>();
    long rows = 0;
    for (PartSum p : ordered) {
      p.losses().forEach((k, v) -> total.merge(k, v, Double::sum));
      rows += p.rows();
    }
    long n = rows;
    total.replaceAll((k, v) -> v / n);
    return total;
  }

  /** What the executors need of the driver's executable: every parameter, and the step count dropout reads. */
  private static Map<String, double[]> shipped(Executable driver) {
    Map<String, double[]> p = SparkPredictor.parameters(driver);
    if (driver.stateNames().contains(Graph.GLOBAL_STEP)) {
      p.put(Graph.GLOBAL_STEP, driver.state(Graph.GLOBAL_STEP));
    }
    return p;
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

  /** Loads the last checkpoint of the directory into {@code driver}; returns the epochs it completed (0: none). */
  private int restore(Executable driver) throws IOException {
    if (checkpoints == null || !Files.isDirectory(checkpoints)) {
      return 0;
    }
    int last = 0;
    try (var files = Files.list(checkpoints)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (name.matches("epoch-\\d{4,9}\\.safetensors")) {
          last = Math.max(last, Integer.parseInt(name.substring(6, name.length() - 12)));
        }
      }
    }
    if (last > 0) {
      Checkpoint.load(driver, checkpoints.resolve(checkpointName(last)));
    }
    return last;
  }

  /** The file of the checkpoint written after {@code epochs} completed epochs. */
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
    private String monitor;
    private int patience;
    private double minDelta;
    private Path checkpoints;
    private boolean resume;
    private TaskHook hook;

    private Builder() {}

    /** The columns feeding each input the loss needs (features and targets). */
    public Builder features(Features f) {
      this.features = Objects.requireNonNull(f, "features");
      return this;
    }

    public Builder epochs(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("epochs must be at least 1, got " + n);
      }
      this.epochs = n;
      return this;
    }

    /** Rows per global step (default 32), split over the partitions. */
    public Builder batchSize(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("batchSize must be at least 1, got " + n);
      }
      this.batchSize = n;
      return this;
    }

    /** The seed of the per-epoch shuffle (as {@code Trainer}'s). */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    public Builder shuffle(boolean on) {
      this.shuffle = on;
      return this;
    }

    /** Rows evaluated after each epoch, giving {@code val_<loss>} metrics. */
    public Builder validation(Dataset<Row> data) {
      this.validation = Objects.requireNonNull(data, "validation");
      return this;
    }

    /**
     * Stops when {@code monitor} (null: {@code val_loss} with validation, else {@code loss}) has
     * not improved by more than {@code minDelta} for {@code patience} epochs.
     */
    public Builder earlyStopping(String monitor, int patience, double minDelta) {
      if (patience < 1 || !(minDelta >= 0)) {
        throw new IllegalArgumentException("early stopping needs patience >= 1 and minDelta >= 0, got " + patience
            + " and " + minDelta);
      }
      this.monitor = monitor;
      this.patience = patience;
      this.minDelta = minDelta;
      return this;
    }

    /** Writes a checkpoint of the driver's executable into {@code dir} after each epoch. */
    public Builder checkpoints(Path dir) {
      this.checkpoints = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** Starts after the last checkpoint in the checkpoint directory, if there is one. */
    public Builder resume(boolean on) {
      this.resume = on;
      return this;
    }

    /** A hook run in each training task (see {@link TaskHook}). */
    public Builder taskHook(TaskHook h) {
      this.hook = h;
      return this;
    }

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
