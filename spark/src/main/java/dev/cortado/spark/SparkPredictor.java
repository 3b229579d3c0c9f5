package dev.cortado.spark;

import dev.cortado.runtime.Executable;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Scores a {@code Dataset<Row>} with a trained model: the feature columns ({@link Features}) in,
 * one {@code array<double>} column per chosen output added to each row, in the rows' order. The
 * parameters are broadcast once per call; each task borrows an executable of its JVM ({@link
 * ModelSource}), sets them, and runs {@code predict} on batches of {@link Builder#batchSize}
 * rows (the last batch of a partition may be smaller).
 *
 * <p>A row that cannot feed the model (a null, an array of the wrong length, a value that is not
 * finite) fails the job with a {@link Features.BadRow} naming the column and the row (its
 * position in its partition), or, with {@link Builder#errorColumn}, gets nulls for its outputs and
 * the reason in that string column, which is null for every good row.
 */
public final class SparkPredictor implements Serializable {
  private static final long serialVersionUID = 1L;

  /** How executors make the model. */
  private final ModelSource source;
  /** The columns feeding each input. */
  private final Features features;
  /** The column of each chosen output, in order. */
  private final LinkedHashMap<String, String> outputs;
  /** Rows per predict call. */
  private final int batchSize;
  /** Where bad rows' reasons go, or null to fail the job. */
  private final String errorColumn;

  private SparkPredictor(Builder b) {
    this.source = b.source;
    this.features = b.features;
    this.outputs = new LinkedHashMap<>(b.outputs);
    this.batchSize = b.batchSize;
    this.errorColumn = b.errorColumn;
  }

  /**
   * A builder of a predictor whose executors make the model with {@code source}.
   *
   * @param source how each executor makes its executables
   * @return a new builder
   */
  public static Builder builder(ModelSource source) {
    return new Builder(Objects.requireNonNull(source, "source"));
  }

  /**
   * A copy of every parameter of {@code exe} (trainable and frozen), by name: what a job broadcasts.
   *
   * @param exe a trained executable
   * @return its parameters, in its order
   */
  public static Map<String, double[]> parameters(Executable exe) {
    Map<String, double[]> p = new LinkedHashMap<>();
    for (String n : exe.parameterNames()) {
      p.put(n, exe.parameter(n));
    }
    return p;
  }

  /**
   * Scores {@code data} with the model at {@code parameters} (see {@link #parameters}).
   *
   * @param data the rows to score, with the columns {@link Builder#features} names
   * @param parameters the model's parameters, broadcast once for the job
   * @return {@code data} with one {@code array<double>} column per chosen output (and the error
   *     column, if asked for), in the same order
   * @throws IllegalArgumentException if a column is missing or of the wrong type, or an output
   *     column exists already
   */
  public Dataset<Row> predict(Dataset<Row> data, Map<String, double[]> parameters) {
    StructType in = data.schema();
    features.check(in);
    StructType out = in;
    for (String column : outputs.values()) {
      if (List.of(in.fieldNames()).contains(column)) {
        throw new IllegalArgumentException("output column '" + column + "' is already a column of the data");
      }
      out = out.add(column, DataTypes.createArrayType(DataTypes.DoubleType, false), true);
    }
    if (errorColumn != null) {
      out = out.add(errorColumn, DataTypes.StringType, true);
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
    Broadcast<Map<String, double[]>> params = sc.broadcast(new LinkedHashMap<>(parameters));
    MapPartitionsFunction<Row, Row> score = rows -> scorePartition(rows, in, params.value());
    return data.mapPartitions(score, Encoders.row(out));
  }

  private Iterator<Row> scorePartition(Iterator<Row> rows, StructType schema, Map<String, double[]> params) {
    Executable exe = source.borrow();
    try {
      params.forEach(exe::setParameter);
      List<String> inputs = features.inputs();
      int[] sizes = new int[inputs.size()];
      for (int i = 0; i < sizes.length; i++) {
        sizes[i] = Features.rowSize(exe, inputs.get(i));
      }
      int partition = TaskContext.get() == null ? 0 : TaskContext.getPartitionId();
      List<Row> result = new ArrayList<>();
      List<Row> pending = new ArrayList<>();
      List<double[][]> values = new ArrayList<>();
      List<String> errors = new ArrayList<>();
      long index = 0;
      while (rows.hasNext()) {
        Row r = rows.next();
        String where = "row " + index + " of partition " + partition;
        index++;
        double[][] v = null;
        String error = null;
        try {
          v = features.read(r, schema, sizes, where);
        } catch (Features.BadRow e) {
          if (errorColumn == null) {
            throw e;
          }
          error = e.getMessage();
        }
        pending.add(r);
        values.add(v);
        errors.add(error);
        if (pending.size() == batchSize) {
          flush(exe, inputs, sizes, pending, values, errors, result);
        }
      }
      flush(exe, inputs, sizes, pending, values, errors, result);
      return result.iterator();
    } finally {
      source.giveBack(exe);
    }
  }

  private void flush(Executable exe, List<String> inputs, int[] sizes, List<Row> pending, List<double[][]> values,
      List<String> errors, List<Row> result) {
    int good = 0;
    for (double[][] v : values) {
      good += v == null ? 0 : 1;
    }
    Map<String, double[]> out = Map.of();
    if (good > 0) {
      Map<String, double[]> batch = new LinkedHashMap<>();
      for (int k = 0; k < inputs.size(); k++) {
        double[] a = new double[good * sizes[k]];
        int row = 0;
        for (double[][] v : values) {
          if (v != null) {
            System.arraycopy(v[k], 0, a, row++ * sizes[k], sizes[k]);
          }
        }
        batch.put(inputs.get(k), a);
      }
      out = exe.predict(batch);
    }
    int row = 0;
    for (int i = 0; i < pending.size(); i++) {
      Row r = pending.get(i);
      Object[] cells = new Object[r.size() + outputs.size() + (errorColumn == null ? 0 : 1)];
      for (int c = 0; c < r.size(); c++) {
        cells[c] = r.get(c);
      }
      int c = r.size();
      for (String o : outputs.keySet()) {
        if (values.get(i) == null) {
          cells[c++] = null;
          continue;
        }
        double[] all = out.get(o);
        if (all == null) {
          throw new IllegalArgumentException("the model has no output '" + o + "'; outputs: " + out.keySet());
        }
        int n = all.length / good;
        cells[c++] = java.util.Arrays.copyOfRange(all, row * n, row * n + n);
      }
      if (values.get(i) != null) {
        row++;
      }
      if (errorColumn != null) {
        cells[c] = errors.get(i);
      }
      result.add(RowFactory.create(cells));
    }
    pending.clear();
    values.clear();
    errors.clear();
  }

  /** Options of a {@link SparkPredictor}. */
  public static final class Builder {
    private final ModelSource source;
    private Features features = Features.of();
    private final LinkedHashMap<String, String> outputs = new LinkedHashMap<>();
    private int batchSize = 256;
    private String errorColumn;

    private Builder(ModelSource source) {
      this.source = source;
    }

    /**
     * The columns that feed each input.
     *
     * @param f the inputs and their columns
     * @return this builder
     */
    public Builder features(Features f) {
      this.features = Objects.requireNonNull(f, "features");
      return this;
    }

    /**
     * Adds output {@code output} of the model as the {@code array<double>} column {@code column}.
     *
     * @param output the model's output
     * @param column the new column's name
     * @return this builder
     */
    public Builder output(String output, String column) {
      if (outputs.put(Objects.requireNonNull(output, "output"), Objects.requireNonNull(column, "column")) != null) {
        throw new IllegalArgumentException("output '" + output + "' is chosen twice");
      }
      return this;
    }

    /**
     * Rows per {@code predict} call (default 256).
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
     * Routes bad rows to this string column instead of failing the job.
     *
     * @param column the new string column's name
     * @return this builder
     */
    public Builder errorColumn(String column) {
      this.errorColumn = Objects.requireNonNull(column, "column");
      return this;
    }

    /**
     * The predictor of these options.
     *
     * @return the predictor
     * @throws IllegalArgumentException if no input is mapped or no output chosen
     */
    public SparkPredictor build() {
      if (features.inputs().isEmpty()) {
        throw new IllegalArgumentException("no features: map each input the outputs need to columns");
      }
      if (outputs.isEmpty()) {
        throw new IllegalArgumentException("no output chosen: call output(name, column)");
      }
      return new SparkPredictor(this);
    }
  }
}
