package dev.cortado.spark;

import static dev.cortado.spark.SparkFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.runtime.Executable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Scoring a DataFrame: array and numeric columns in, outputs out, bad rows named or routed. */
class SparkPredictorTest extends LocalSparkTest {
  /** A model with trained-looking (non-initial) parameters. */
  private static Executable trained() {
    Executable exe = driver();
    double[][] d = data(32, 9);
    for (int i = 0; i < 5; i++) {
      exe.trainStep(Map.of("x", d[0], "y", d[1]));
    }
    return exe;
  }

  @Test
  void scoresAnArrayColumnInBatchesAsPredictDoesOnEachRow() {
    Executable exe = trained();
    double[][] d = data(23, 10);
    Dataset<Row> scored = SparkPredictor.builder(workers()).features(Features.of().input("x", "features"))
        .output("logits", "scores").batchSize(4).build().predict(frame(spark, d, 3), SparkPredictor.parameters(exe));
    List<Row> rows = scored.collectAsList();
    assertEquals(23, rows.size());
    double[] expected = exe.predict(Map.of("x", d[0])).get("logits");
    for (int i = 0; i < rows.size(); i++) {
      List<Double> features = rows.get(i).getList(0);
      assertEquals(d[0][i * FEATURES], features.get(0), 0.0, "rows keep their order");
      List<Double> scores = rows.get(i).getList(2);
      for (int k = 0; k < CLASSES; k++) {
        assertEquals(expected[i * CLASSES + k], scores.get(k), 1e-12 * (1 + Math.abs(expected[i * CLASSES + k])));
      }
    }
  }

  private static Dataset<Row> columns(List<Object[]> cells) {
    StructType schema = new StructType();
    for (int j = 0; j < FEATURES; j++) {
      schema = schema.add("f" + j, DataTypes.DoubleType, true);
    }
    List<Row> rows = new ArrayList<>();
    for (Object[] c : cells) {
      rows.add(RowFactory.create(c));
    }
    return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 1), schema);
  }

  private static Features numeric() {
    String[] cols = new String[FEATURES];
    for (int j = 0; j < FEATURES; j++) {
      cols[j] = "f" + j;
    }
    return Features.of().input("x", cols);
  }

  @Test
  void aNullIsNamedByColumnAndRowOrRoutedToTheErrorColumn() {
    Executable exe = trained();
    List<Object[]> cells = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Object[] c = new Object[FEATURES];
      for (int j = 0; j < FEATURES; j++) {
        c[j] = (i + 1) * 0.1 * (j - 2);
      }
      cells.add(c);
    }
    cells.get(1)[4] = null;
    Dataset<Row> df = columns(cells);
    Exception e = assertThrows(Exception.class, () -> SparkPredictor.builder(workers()).features(numeric())
        .output("logits", "scores").build().predict(df, SparkPredictor.parameters(exe)).collectAsList());
    String message = chain(e);
    assertTrue(message.contains("column 'f4' is null in row 1 of partition 0"), message);

    List<Row> routed = SparkPredictor.builder(workers()).features(numeric()).output("logits", "scores")
        .errorColumn("error").build().predict(df, SparkPredictor.parameters(exe)).collectAsList();
    assertEquals(3, routed.size());
    assertNull(routed.get(0).getAs("error"));
    assertTrue(((String) routed.get(1).getAs("error")).contains("column 'f4' is null"), routed.get(1).toString());
    assertNull(routed.get(1).getAs("scores"));
    double[] x2 = new double[FEATURES];
    for (int j = 0; j < FEATURES; j++) {
      x2[j] = (Double) cells.get(2)[j];
    }
    double[] expected = exe.predict(Map.of("x", x2)).get("logits");
    List<Double> got = routed.get(2).getList(routed.get(2).fieldIndex("scores"));
    assertEquals(expected[0], got.get(0), 1e-12 * (1 + Math.abs(expected[0])));
  }

  @Test
  void aWrongArrayLengthAndAMissingColumnAreNamed() {
    Executable exe = trained();
    StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.DoubleType), true);
    List<Row> rows = List.of(RowFactory.create((Object) new double[FEATURES]), RowFactory.create((Object) new double[FEATURES - 1]));
    Dataset<Row> df = spark.createDataFrame(rows, schema).coalesce(1);
    Exception e = assertThrows(Exception.class, () -> SparkPredictor.builder(workers())
        .features(Features.of().input("x", "features")).output("logits", "scores").build()
        .predict(df, SparkPredictor.parameters(exe)).collectAsList());
    String message = chain(e);
    assertTrue(message.contains("column 'features' has 5 values in row 1 of partition 0; input 'x' takes 6"), message);
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> SparkPredictor
        .builder(workers()).features(Features.of().input("x", "pixels")).output("logits", "scores").build()
        .predict(df, SparkPredictor.parameters(exe)));
    assertTrue(missing.getMessage().contains("no column 'pixels'"), missing.getMessage());
  }

  static String chain(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      sb.append(t.getMessage()).append(" | ");
    }
    return sb.toString();
  }
}
