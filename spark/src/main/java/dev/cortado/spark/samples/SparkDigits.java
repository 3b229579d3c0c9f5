package dev.cortado.spark.samples;

import static dev.cortado.dsl.Cortado.*;

import dev.cortado.data.CsvLoader;
import dev.cortado.data.Dataset;
import dev.cortado.data.Split;
import dev.cortado.data.Standardizer;
import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.Executable;
import dev.cortado.spark.Features;
import dev.cortado.spark.ModelSource;
import dev.cortado.spark.SparkPredictor;
import dev.cortado.spark.SparkTrainer;
import dev.cortado.train.History;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The digits classifier trained data-parallel on Spark ({@code local[2]} unless {@code
 * --master} says otherwise), then the test rows scored as a DataFrame. {@code --overhead} runs
 * {@link SparkOverhead} (the cost of a global step) instead.
 */
public final class SparkDigits {
  private SparkDigits() {}

  static final int BATCH_SIZE = 128;

  /**
   * The 64-128-10 classifier of the digits, in F64.
   *
   * @return the model
   */
  public static Model model() {
    return Model.define("digits", m -> {
      m.seed(42);
      m.dtype(F64);
      Tensor x = m.input("x", BATCH, 64);
      Tensor y = m.input("y", BATCH, 10);
      Tensor h = m.dense("fc1", x, 128, d -> d.activation(RELU).kernelInitializer(heUniform()));
      Tensor logits = m.dense("fc2", h, 10);
      m.output("logits", logits);
      m.minimize(softmaxCrossEntropy(logits, y));
    });
  }

  static Optimizer optimizer() {
    return adamW(3e-3).weightDecay(1e-2).excludeFromWeightDecay("*/bias");
  }

  /** Rows of a {@code pixels} and a {@code target} array column. */
  static org.apache.spark.sql.Dataset<Row> frame(SparkSession spark, Dataset d, int partitions) {
    List<Row> rows = new ArrayList<>();
    int f = d.featureCount();
    int t = d.targetCount();
    for (int i = 0; i < d.rows(); i++) {
      rows.add(RowFactory.create(Arrays.copyOfRange(d.features(), i * f, i * f + f),
          Arrays.copyOfRange(d.targets(), i * t, i * t + t), d.labels()[i]));
    }
    StructType schema = new StructType()
        .add("pixels", DataTypes.createArrayType(DataTypes.DoubleType), false)
        .add("target", DataTypes.createArrayType(DataTypes.DoubleType), false)
        .add("label", DataTypes.IntegerType, false);
    return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, partitions),
        schema);
  }

  /** The digits' training and test rows (a stratified 80/20 split), standardized by the training rows. */
  static Dataset[] digits() throws java.io.IOException {
    Dataset all = CsvLoader.classification().classCount(10).loadResource("data/digits.csv.gz");
    Split split = Split.stratified(all, 0.2, 42);
    Standardizer scaler = Standardizer.fit(split.train());
    return new Dataset[] {scaler.transform(split.train()), scaler.transform(split.test())};
  }

  /**
   * Trains and scores the digits on Spark.
   *
   * @param args {@code --master URL} (default {@code local[2]}); {@code --overhead} runs {@link
   *     SparkOverhead} instead
   * @throws Exception if Spark fails
   */
  public static void main(String[] args) throws Exception {
    String master = "local[2]";
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--master")) {
        master = args[++i];
      } else if (args[i].equals("--overhead")) {
        SparkOverhead.main(new String[0]);
        return;
      }
    }
    Dataset[] data = digits();
    Dataset train = data[0];
    Dataset test = data[1];
    SparkSession spark = SparkSession.builder().master(master).appName("cortado-digits")
        .config("spark.ui.enabled", "false").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      int partitions = spark.sparkContext().defaultParallelism();
      Executable driver = model().compile(optimizer());
      ModelSource workers = ModelSource.compiled("digits", () -> model().compile(optimizer()));
      int epochs = 10;
      History h = SparkTrainer.builder().features(Features.of().input("x", "pixels").input("y", "target"))
          .epochs(epochs).batchSize(BATCH_SIZE).seed(42).validation(frame(spark, test, partitions)).build()
          .fit(driver, workers, frame(spark, train, partitions));
      for (int e = 0; e < h.epochs(); e++) {
        System.out.printf("epoch %2d  loss %.4f  val_loss %.4f%n", e + 1, h.get("loss", e), h.get("val_loss", e));
      }
      org.apache.spark.sql.Dataset<Row> scored = SparkPredictor.builder(workers)
          .features(Features.of().input("x", "pixels")).output("logits", "logits").build()
          .predict(frame(spark, test, partitions), SparkPredictor.parameters(driver));
      long correct = 0;
      List<Row> out = scored.select("label", "logits").collectAsList();
      for (Row r : out) {
        List<Double> logits = r.getList(1);
        int best = 0;
        for (int k = 1; k < logits.size(); k++) {
          best = logits.get(k) > logits.get(best) ? k : best;
        }
        correct += best == r.getInt(0) ? 1 : 0;
      }
      System.out.printf("test accuracy %.4f on %d rows scored as a DataFrame (%d partitions, %s)%n",
          (double) correct / out.size(), out.size(), partitions, master);
    } finally {
      spark.stop();
    }
  }
}
