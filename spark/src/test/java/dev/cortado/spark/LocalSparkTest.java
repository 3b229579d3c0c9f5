package dev.cortado.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class that runs on the local Spark session of {@link SparkFixtures#session()}, started once for the class. */
abstract class LocalSparkTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkFixtures.session();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }
}
