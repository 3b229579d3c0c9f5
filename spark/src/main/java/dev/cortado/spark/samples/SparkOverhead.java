package dev.cortado.spark.samples;

import static dev.cortado.dsl.Cortado.*;

import dev.cortado.data.Dataset;
import dev.cortado.dsl.Model;
import dev.cortado.dsl.Tensor;
import dev.cortado.runtime.Executable;
import dev.cortado.runtime.Gradients;
import dev.cortado.spark.Features;
import dev.cortado.spark.ModelSource;
import dev.cortado.spark.SparkPredictor;
import dev.cortado.spark.SparkTrainer;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * What a distributed global step costs next to the single-machine step, for two sizes of the
 * digits classifier (one hidden layer of 128, two of 512) on {@code local[1]} and {@code
 * local[2]}, all in one JVM: the single-machine {@code trainStep} and the two halves of the
 * split step in thread CPU time, then per master a warm-up fit of one epoch and a timed fit of
 * two, with a listener that records each global step's job (its wall time, its tasks' CPU time
 * and the bytes they returned). Prints one line per measurement with the machine's load;
 * {@code docs/spark.md} has the table.
 */
public final class SparkOverhead {
  private SparkOverhead() {}

  /** The classifier with the given hidden widths (ReLU), in F64. */
  static Model model(int... hidden) {
    return Model.define("digits" + hidden.length + "x" + hidden[0], m -> {
      m.seed(42);
      m.dtype(F64);
      Tensor h = m.input("x", BATCH, 64);
      Tensor y = m.input("y", BATCH, 10);
      for (int i = 0; i < hidden.length; i++) {
        h = m.dense("fc" + (i + 1), h, hidden[i], d -> d.activation(RELU).kernelInitializer(heUniform()));
      }
      Tensor logits = m.dense("out", h, 10);
      m.output("logits", logits);
      m.minimize(softmaxCrossEntropy(logits, y));
    });
  }

  /**
   * Runs the measurements.
   *
   * @param args unused
   * @throws Exception if Spark fails
   */
  public static void main(String[] args) throws Exception {
    Dataset train = SparkDigits.digits()[0];
    for (int[] hidden : new int[][] {{128}, {512, 512}}) {
      measure(hidden, train);
    }
  }

  private static void measure(int[] hidden, Dataset train) throws Exception {
    Executable one = model(hidden).compile(SparkDigits.optimizer());
    int b = SparkDigits.BATCH_SIZE;
    Map<String, double[]> batch = rows(train, 0, b);
    Map<String, double[]> half = rows(train, 0, b / 2);
    one.prepare(b, b / 2);
    double fused = perCall(() -> one.trainStep(batch));
    Gradients g = one.newGradients();
    double grad = perCall(() -> one.accumulateGradients(batch, 1.0, g.zero()));
    double gradHalf = perCall(() -> one.accumulateGradients(half, 1.0, g.zero()));
    one.accumulateGradients(batch, 1.0, g.zero());
    double apply = perCall(() -> one.applyGradients(g));
    long params = 0;
    for (double[] p : SparkPredictor.parameters(one).values()) {
      params += p.length;
    }
    System.out.printf("model %s: %,d parameters; broadcast per step %,d bytes serialized; load %s%n", Arrays.toString(hidden),
        params, serialized(SparkPredictor.parameters(one)), load());
    System.out.printf("  single machine, thread CPU ms per call: trainStep(%d rows) %.3f, accumulateGradients(%d) %.3f,"
        + " accumulateGradients(%d) %.3f, applyGradients %.3f%n", b, fused, b, grad, b / 2, gradHalf, apply);
    for (String master : new String[] {"local[1]", "local[2]"}) {
      SparkSession spark = SparkSession.builder().master(master).appName("cortado-overhead")
          .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
      try {
        int partitions = spark.sparkContext().defaultParallelism();
        StepJobs jobs = new StepJobs();
        spark.sparkContext().addSparkListener(jobs);
        ModelSource workers = ModelSource.compiled("overhead", () -> model(hidden).compile(SparkDigits.optimizer()));
        SparkTrainer.Builder t = SparkTrainer.builder().features(Features.of().input("x", "pixels").input("y", "target"))
            .batchSize(b).seed(42);
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows = SparkDigits.frame(spark, train, partitions);
        t.epochs(1).build().fit(model(hidden).compile(SparkDigits.optimizer()), workers, rows);
        int steps = 2 * ((train.rows() + b - 1) / b);
        jobs.await(steps / 2);
        jobs.reset();
        long t0 = System.nanoTime();
        t.epochs(2).build().fit(model(hidden).compile(SparkDigits.optimizer()), workers, rows);
        double wall = (System.nanoTime() - t0) / 1e6 / steps;
        jobs.await(steps);
        System.out.printf("  %s (%d partitions): global step %.1f ms wall (whole fit / %d steps); step job wall median %.1f ms,"
            + " least %.1f ms; tasks' CPU per step median %.2f ms; returned %,d bytes per step (%,d by each of %d tasks);"
            + " load %s%n", master, partitions, wall, steps, jobs.median(), jobs.least(), jobs.cpuMedian(),
            jobs.bytes / steps, jobs.bytes / jobs.tasks, jobs.tasks / steps, load());
      } finally {
        spark.stop();
      }
    }
  }

  /**
   * This thread's CPU milliseconds per call of {@code r} (the machine is shared, so wall time
   * would count other processes): at least 200 calls or three CPU seconds of warm-up, then the
   * mean over as many calls as fit in two CPU seconds (at least 20).
   */
  private static double perCall(Runnable r) {
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    long w0 = bean.getCurrentThreadCpuTime();
    for (int i = 0; i < 200 && bean.getCurrentThreadCpuTime() - w0 < 3_000_000_000L; i++) {
      r.run();
    }
    long n = 0;
    long t0 = bean.getCurrentThreadCpuTime();
    while (n < 20 || bean.getCurrentThreadCpuTime() - t0 < 2_000_000_000L) {
      r.run();
      n++;
    }
    return (bean.getCurrentThreadCpuTime() - t0) / 1e6 / n;
  }

  /** Rows {@code from} to {@code from + n} of {@code d} as the inputs {@code x} and {@code y}. */
  private static Map<String, double[]> rows(Dataset d, int from, int n) {
    return Map.of("x", Arrays.copyOfRange(d.features(), from * 64, (from + n) * 64),
        "y", Arrays.copyOfRange(d.targets(), from * 10, (from + n) * 10));
  }

  /** The machine's load averages (1, 5, 15 minutes), where Linux gives them. */
  private static String load() {
    try {
      String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static long serialized(Object o) throws java.io.IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new HashMap<>((Map<?, ?>) o));
    }
    return bytes.size();
  }

  /** The jobs of global steps: durations, and the bytes and count of their tasks' results. */
  static final class StepJobs extends SparkListener {
    private final Map<Integer, Long> started = new HashMap<>();
    private final Map<Integer, Integer> jobOfStage = new HashMap<>();
    private final Map<Integer, Long> cpuOfJob = new HashMap<>();
    private final List<Double> millis = new ArrayList<>();
    private final List<Double> cpu = new ArrayList<>();
    long bytes;
    long tasks;

    @Override
    public synchronized void onJobStart(SparkListenerJobStart e) {
      String d = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
      if (d != null && d.startsWith(SparkTrainer.STEP_JOB)) {
        started.put(e.jobId(), e.time());
        scala.jdk.javaapi.CollectionConverters.asJava(e.stageIds()).forEach(s -> jobOfStage.put((Integer) s, e.jobId()));
      }
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
      Integer job = jobOfStage.get(e.stageId());
      if (job != null && e.taskMetrics() != null) {
        bytes += e.taskMetrics().resultSize();
        tasks++;
        cpuOfJob.merge(job, e.taskMetrics().executorCpuTime(), Long::sum);
      }
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd e) {
      Long t = started.remove(e.jobId());
      if (t != null) {
        millis.add((double) (e.time() - t));
        cpu.add(cpuOfJob.getOrDefault(e.jobId(), 0L) / 1e6);
      }
    }

    synchronized void reset() {
      millis.clear();
      cpu.clear();
      bytes = 0;
      tasks = 0;
    }

    /** Waits (at most a minute) until the listener bus has delivered {@code n} step jobs' ends. */
    void await(int n) throws InterruptedException {
      for (int i = 0; i < 600; i++) {
        synchronized (this) {
          if (millis.size() >= n) {
            return;
          }
        }
        Thread.sleep(100);
      }
    }

    synchronized double median() {
      return medianOf(millis);
    }

    synchronized double cpuMedian() {
      return medianOf(cpu);
    }

    private static double medianOf(List<Double> values) {
      List<Double> m = new ArrayList<>(values);
      m.sort(null);
      return m.get(m.size() / 2);
    }

    synchronized double least() {
      return millis.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }
  }
}
