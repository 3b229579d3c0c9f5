package dev.cortado.spark;

import static dev.cortado.dsl.Cortado.*;

import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.ir.DType;
import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.Executable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A small classifier, seeded data as rows, and the local Spark session of the tests. */
final class SparkFixtures {
  static final int FEATURES = 6;
  static final int CLASSES = 3;

  private SparkFixtures() {}

  /** Two threads, and a failed task tried a second time (local mode tries once unless told). */
  static SparkSession session() {
    return SparkSession.builder().master("local[2,2]").appName("cortado-spark-test")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2").getOrCreate();
  }

  static Model model() {
    return Model.define("sparkmlp", m -> {
      m.dtype(DType.F64);
      Tensor x = m.input("x", BATCH, FEATURES);
      Tensor y = m.input("y", BATCH, CLASSES);
      Tensor h = m.dense("fc1", x, 8, d -> d.activation(TANH).kernelRegularizer(l2(1e-3)));
      Tensor logits = m.dense("fc2", h, CLASSES);
      m.output("logits", logits);
      m.minimize(softmaxCrossEntropy(logits, y));
    });
  }

  static Optimizer optimizer() {
    return adamW(0.01).weightDecay(1e-2).clipByGlobalNorm(5.0);
  }

  /** The executors' executables: the same model, compiled once per JVM. */
  static ModelSource workers() {
    return ModelSource.compiled("sparkmlp", () -> model().compile(optimizer()));
  }

  static Executable driver() {
    return model().compile(optimizer());
  }

  /** {@code rows} seeded rows: features, one-hot targets and a label that depends on the features. */
  static double[][] data(int rows, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[rows * FEATURES];
    double[] y = new double[rows * CLASSES];
    for (int i = 0; i < rows; i++) {
      double s = 0;
      for (int j = 0; j < FEATURES; j++) {
        x[i * FEATURES + j] = r.nextDouble(-1, 1);
        s += x[i * FEATURES + j] * (j - 2.5);
      }
      y[i * CLASSES + (s < -1 ? 0 : s < 1 ? 1 : 2)] = 1;
    }
    return new double[][] {x, y};
  }

  static StructType schema() {
    return new StructType()
        .add("features", DataTypes.createArrayType(DataTypes.DoubleType), true)
        .add("target", DataTypes.createArrayType(DataTypes.DoubleType), true);
  }

  /** The data as rows of two array columns, in {@code partitions} partitions, in order. */
  static Dataset<Row> frame(SparkSession spark, double[][] data, int partitions) {
    int n = data[0].length / FEATURES;
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create(list(data[0], i * FEATURES, FEATURES), list(data[1], i * CLASSES, CLASSES)));
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(sc.parallelize(rows, partitions), schema());
  }

  /** A row's cell of an {@code array<double>} column: Spark's row encoder takes a {@code double[]}. */
  static double[] list(double[] a, int from, int n) {
    return java.util.Arrays.copyOfRange(a, from, from + n);
  }

  static Features features() {
    return Features.of().input("x", "features").input("y", "target");
  }
}
