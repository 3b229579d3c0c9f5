package dev.cortado.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: how fast C2's auto-vectorised matmul loop can go on this machine, whatever the model
 * around it. Each invocation is the MNIST-sized weight gradient {@code dW = xᵀ·dY} (64 × 784 ×
 * 256 multiply-adds, 25.7 MFLOP) written as the default kernel writes it: per result row, the
 * batch summed 4 at a time in one nested {@code Math.fma} statement over the row ({@code acc[j] =
 * fma(a4, w4[j], fma(a3, w3[j], fma(a2, w2[j], fma(a1, w1[j], acc[j]))))}), one store per loop.
 * {@code rowLength} reshapes the same work into rows of 128, 256 (the real one) or 1,024 floats:
 * long rows show the loop's main body alone, short ones add C2's scalar pre- and post-loops.
 * {@code form = twoRows} computes two result rows per pass (one load of {@code dY} for two
 * fmas, what a register-blocked kernel would do): two stores in one loop, which JDK 17's C2 does
 * not vectorize. GFLOP/s = 25.69 / (µs per op) × 1000. Run: {@code java -jar
 * bench/target/benchmarks.jar LoopCeilingBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class LoopCeilingBench {
  private static final int BATCH = 64;
  private static final int WORK = 784 * 256;

  /** Floats per result row; {@code WORK / rowLength} rows. */
  @Param({"128", "256", "1024"})
  public int rowLength;

  /** {@code oneRow} (the generated kernel's loop) or {@code twoRows} (two stores per loop). */
  @Param({"oneRow", "twoRows"})
  public String form;

  private float[] x;
  private float[][] dy;
  private float[][] out;
  private float[] acc0;
  private float[] acc1;
  private int rows;

  /** Draws the operands. */
  @Setup
  public void setup() {
    rows = WORK / rowLength;
    java.util.Random r = new java.util.Random(42);
    x = new float[BATCH * rows];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat() - 0.5f;
    }
    dy = new float[BATCH][rowLength];
    for (float[] row : dy) {
      for (int j = 0; j < rowLength; j++) {
        row[j] = r.nextFloat() - 0.5f;
      }
    }
    out = new float[rows][rowLength];
    acc0 = new float[rowLength];
    acc1 = new float[rowLength];
  }

  /** One weight gradient, 25.7 MFLOP. */
  @Benchmark
  public float[][] weightGradient() {
    if (form.equals("twoRows")) {
      twoRows();
    } else {
      oneRow();
    }
    return out;
  }

  private void oneRow() {
    int m = rows;
    int n = rowLength;
    for (int i = 0; i < m; i++) {
      float[] acc = acc0;
      for (int j = 0; j < n; j++) {
        acc[j] = 0.0f;
      }
      for (int p = 0; p < BATCH; p += 4) {
        float a1 = x[i + p * m];
        float a2 = x[i + (p + 1) * m];
        float a3 = x[i + (p + 2) * m];
        float a4 = x[i + (p + 3) * m];
        float[] w1 = dy[p];
        float[] w2 = dy[p + 1];
        float[] w3 = dy[p + 2];
        float[] w4 = dy[p + 3];
        for (int j = 0; j < n; j++) {
          acc[j] = Math.fma(a4, w4[j], Math.fma(a3, w3[j], Math.fma(a2, w2[j], Math.fma(a1, w1[j], acc[j]))));
        }
      }
      System.arraycopy(acc, 0, out[i], 0, n);
    }
  }

  private void twoRows() {
    int m = rows;
    int n = rowLength;
    for (int i = 0; i < m; i += 2) {
      for (int j = 0; j < n; j++) {
        acc0[j] = 0.0f;
        acc1[j] = 0.0f;
      }
      for (int p = 0; p < BATCH; p += 4) {
        float a1 = x[i + p * m];
        float a2 = x[i + (p + 1) * m];
        float a3 = x[i + (p + 2) * m];
        float a4 = x[i + (p + 3) * m];
        float c1 = x[i + 1 + p * m];
        float c2 = x[i + 1 + (p + 1) * m];
        float c3 = x[i + 1 + (p + 2) * m];
        float c4 = x[i + 1 + (p + 3) * m];
        float[] w1 = dy[p];
        float[] w2 = dy[p + 1];
        float[] w3 = dy[p + 2];
        float[] w4 = dy[p + 3];
        for (int j = 0; j < n; j++) {
          float b1 = w1[j];
          float b2 = w2[j];
          float b3 = w3[j];
          float b4 = w4[j];
          acc0[j] = Math.fma(a4, b4, Math.fma(a3, b3, Math.fma(a2, b2, Math.fma(a1, b1, acc0[j]))));
          acc1[j] = Math.fma(c4, b4, Math.fma(c3, b3, Math.fma(c2, b2, Math.fma(c1, b1, acc1[j]))));
        }
      }
      System.arraycopy(acc0, 0, out[i], 0, n);
      System.arraycopy(acc1, 0, out[i + 1], 0, n);
    }
  }
}
