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
 * not vectorize. {@code fourRows} is the default kernel's JDK 17 form, four result rows of two
 * terms per pass, one array per row; {@code fourRowsOneArray} the same with the four rows in one
 * array at literal offsets ({@code acc[j + 256]}), as the kernel emits it. GFLOP/s = 25.69 / (µs
 * per op) × 1000. Run: {@code java -jar bench/target/benchmarks.jar LoopCeilingBench}.
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

  /** {@code oneRow}, {@code twoRows} (two stores per loop), {@code fourRows} or {@code fourRowsOneArray}. */
  @Param({"oneRow", "twoRows", "fourRows", "fourRowsOneArray"})
  public String form;

  private float[] x;
  private float[][] dy;
  private float[][] out;
  private float[] acc0;
  private float[] acc1;
  private float[][] accs;
  private float[] pass;
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
    accs = new float[4][rowLength];
    pass = new float[4 * 1024];
  }

  /** One weight gradient, 25.7 MFLOP. */
  @Benchmark
  public float[][] weightGradient() {
    switch (form) {
      case "twoRows" -> twoRows();
      case "fourRows" -> fourRows();
      case "fourRowsOneArray" -> fourRowsOneArray();
      default -> oneRow();
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

  private void fourRows() {
    int m = rows;
    int n = rowLength;
    for (int i = 0; i < m; i += 4) {
      float[] r0 = accs[0];
      float[] r1 = accs[1];
      float[] r2 = accs[2];
      float[] r3 = accs[3];
      for (float[] r : accs) {
        java.util.Arrays.fill(r, 0.0f);
      }
      for (int p = 0; p < BATCH; p += 2) {
        float a0 = x[i + p * m];
        float a1 = x[i + (p + 1) * m];
        float c0 = x[i + 1 + p * m];
        float c1 = x[i + 1 + (p + 1) * m];
        float d0 = x[i + 2 + p * m];
        float d1 = x[i + 2 + (p + 1) * m];
        float e0 = x[i + 3 + p * m];
        float e1 = x[i + 3 + (p + 1) * m];
        float[] w0 = dy[p];
        float[] w1 = dy[p + 1];
        for (int j = 0; j < n; j++) {
          float b0 = w0[j];
          float b1 = w1[j];
          r0[j] = Math.fma(a1, b1, Math.fma(a0, b0, r0[j]));
          r1[j] = Math.fma(c1, b1, Math.fma(c0, b0, r1[j]));
          r2[j] = Math.fma(d1, b1, Math.fma(d0, b0, r2[j]));
          r3[j] = Math.fma(e1, b1, Math.fma(e0, b0, r3[j]));
        }
      }
      for (int q = 0; q < 4; q++) {
        System.arraycopy(accs[q], 0, out[i + q], 0, n);
      }
    }
  }

  /** As {@link #fourRows} with the rows in one array; literal offsets need a literal row length, so rows of 256 only. */
  private void fourRowsOneArray() {
    if (rowLength != 256) {
      fourRowsOneArray1024();
      return;
    }
    int m = rows;
    float[] acc = pass;
    for (int i = 0; i < m; i += 4) {
      java.util.Arrays.fill(acc, 0, 1024, 0.0f);
      for (int p = 0; p < BATCH; p += 2) {
        float a0 = x[i + p * m];
        float a1 = x[i + (p + 1) * m];
        float c0 = x[i + 1 + p * m];
        float c1 = x[i + 1 + (p + 1) * m];
        float d0 = x[i + 2 + p * m];
        float d1 = x[i + 2 + (p + 1) * m];
        float e0 = x[i + 3 + p * m];
        float e1 = x[i + 3 + (p + 1) * m];
        float[] w0 = dy[p];
        float[] w1 = dy[p + 1];
        for (int j = 0; j < 256; j++) {
          float b0 = w0[j];
          float b1 = w1[j];
          acc[j] = Math.fma(a1, b1, Math.fma(a0, b0, acc[j]));
          acc[j + 256] = Math.fma(c1, b1, Math.fma(c0, b0, acc[j + 256]));
          acc[j + 512] = Math.fma(d1, b1, Math.fma(d0, b0, acc[j + 512]));
          acc[j + 768] = Math.fma(e1, b1, Math.fma(e0, b0, acc[j + 768]));
        }
      }
      for (int q = 0; q < 4; q++) {
        System.arraycopy(acc, q * 256, out[i + q], 0, 256);
      }
    }
  }

  /** {@link #fourRowsOneArray} for the other row lengths: rows at 1,024-float offsets, the loop over {@code rowLength}. */
  private void fourRowsOneArray1024() {
    int m = rows;
    int n = rowLength;
    float[] acc = pass;
    for (int i = 0; i < m; i += 4) {
      java.util.Arrays.fill(acc, 0.0f);
      for (int p = 0; p < BATCH; p += 2) {
        float a0 = x[i + p * m];
        float a1 = x[i + (p + 1) * m];
        float c0 = x[i + 1 + p * m];
        float c1 = x[i + 1 + (p + 1) * m];
        float d0 = x[i + 2 + p * m];
        float d1 = x[i + 2 + (p + 1) * m];
        float e0 = x[i + 3 + p * m];
        float e1 = x[i + 3 + (p + 1) * m];
        float[] w0 = dy[p];
        float[] w1 = dy[p + 1];
        for (int j = 0; j < n; j++) {
          float b0 = w0[j];
          float b1 = w1[j];
          acc[j] = Math.fma(a1, b1, Math.fma(a0, b0, acc[j]));
          acc[j + 1024] = Math.fma(c1, b1, Math.fma(c0, b0, acc[j + 1024]));
          acc[j + 2048] = Math.fma(d1, b1, Math.fma(d0, b0, acc[j + 2048]));
          acc[j + 3072] = Math.fma(e1, b1, Math.fma(e0, b0, acc[j + 3072]));
        }
      }
      for (int q = 0; q < 4; q++) {
        System.arraycopy(acc, q * 1024, out[i + q], 0, n);
      }
    }
  }
}
