package dev.cortado.codegen.compile;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Compiles, once per JVM and on a background thread, a small class shaped like generated code,
 * so that javac's classes are loaded and its hot paths compiled by the JIT by the time the real
 * source arrives: on a cold JVM that is most of a compile. The class uses what the code
 * generator emits (a {@code CompiledModel} with its spec, array fields, the three entry points,
 * blocked fma loops, {@code System.arraycopy}, a stable softmax in double, casts, compound
 * assignments), so javac meets no construct for the first time on the real class.
 */
final class WarmUp {
  static final String CLASS_NAME = "dev.cortado.generated.CortadoWarmUp";

  static final String SOURCE = """
      package dev.cortado.generated;

      import dev.cortado.runtime.CompiledModel;
      import dev.cortado.runtime.ModelSpec;
      import dev.cortado.runtime.ModelState;

      /**
       * Not a model: compiled once in the background to warm javac up.
       */
      final class CortadoWarmUp extends CompiledModel {

          static final ModelSpec SPEC = modelSpec();

          private float[] x;

          private float[] y;

          private float hyper_lr;

          private float[] w;

          private float[] b;

          private float[] h;

          private float[] loss;

          private float[][] scratch_rows_8x16;

          private float[][] scratch_acc_4x16;

          private double[] scratch_doubles_16;

          CortadoWarmUp(ModelState state) {
              super(state, 4);
              this.w = f32(0);
              this.b = f32(1);
              this.h = new float[64];
              this.loss = new float[1];
              this.scratch_rows_8x16 = new float[8][16];
              this.scratch_acc_4x16 = new float[4][16];
              this.scratch_doubles_16 = new double[16];
          }

          private static ModelSpec modelSpec() {
              ModelSpec.Builder b = ModelSpec.builder("warm-up", "javac warm-up", true);
              b.input("x", -1, 8);
              b.input("y", -1, 16);
              b.parameter("w", 8, 16);
              b.parameter("b", 16);
              b.hyper("lr", 0.01);
              b.output("h", -1, 16);
              b.losses("loss");
              b.train("x", "y");
              b.predict("x");
              b.evaluate("x", "y");
              return b.build();
          }

          @Override
          protected void runTrain(Object[] in, double[] losses) {
              this.x = ((float[]) in[0]);
              this.y = ((float[]) in[1]);
              this.hyper_lr = ((float) hypers()[0]);
              forward();
              softmax();
              update();
              losses[0] = loss[0];
          }

          @Override
          protected void runPredict(Object[] in, Object[] out) {
              this.x = ((float[]) in[0]);
              forward();
              out[0] = h;
          }

          @Override
          protected void runEvaluate(Object[] in, double[] losses) {
              this.x = ((float[]) in[0]);
              this.y = ((float[]) in[1]);
              forward();
              softmax();
              losses[0] = loss[0];
          }

          private void forward() {
              //map relu carrying matmul
              {
                  for (int p = 0; p < 8; p++) {
                      System.arraycopy(w, (p * 16), scratch_rows_8x16[p], 0, 16);
                  }
                  for (int p0 = 0; p0 < 8; p0 += 4) {
                      int p1 = Math.min((p0 + 4), 8);
                      for (int i = 0; i < 4; i++) {
                          float[] acc0 = scratch_acc_4x16[i];
                          for (int p = p0; p < p1; p += 4) {
                              float a1 = x[((i * 8) + p)];
                              float a2 = x[(((i * 8) + p) + 1)];
                              float[] w5 = scratch_rows_8x16[p];
                              float[] w6 = scratch_rows_8x16[(p + 1)];
                              for (int j = 0; j < 16; j++) {
                                  acc0[j] = Math.fma(a2, w6[j], Math.fma(a1, w5[j], acc0[j]));
                              }
                          }
                      }
                  }
                  for (int i = 0; i < 4; i++) {
                      float[] acc0 = scratch_acc_4x16[i];
                      for (int j = 0; j < 16; j++) {
                          acc0[j] = Math.max((acc0[j] + b[j]), 0.0f);
                      }
                      System.arraycopy(acc0, 0, h, (i * 16), 16);
                  }
              }
          }

          private void softmax() {
              //xent softmax_cross_entropy
              {
                  double total = 0.0;
                  for (int r = 0; r < 4; r++) {
                      double max = Double.NEGATIVE_INFINITY;
                      for (int j = 0; j < 16; j++) {
                          max = Math.max(max, h[(j + (r * 16))]);
                      }
                      double sum = 0.0;
                      for (int j = 0; j < 16; j++) {
                          scratch_doubles_16[j] = Math.exp((h[(j + (r * 16))] - max));
                          sum = (sum + scratch_doubles_16[j]);
                      }
                      double lse = Math.log(sum);
                      for (int j = 0; j < 16; j++) {
                          total = (total - (y[(j + (r * 16))] * ((h[(j + (r * 16))] - max) - lse)));
                      }
                  }
                  loss[0] = ((float) (total / 4.0));
              }
          }

          private void update() {
              //map update
              {
                  float s0 = (0.01f * hyper_lr);
                  for (int i0 = 0; i0 < 128; i0++) {
                      w[i0] = (w[i0] - ((h[(i0 % 64)] + (5.0E-4f * (w[i0] * 2.0f))) * s0));
                  }
                  for (int i0 = 0; i0 < 16; i0++) {
                      double acc0 = 0.0;
                      for (int j0 = 0; j0 < 4; j0++) {
                          acc0 = (acc0 + h[(i0 + (j0 * 16))]);
                      }
                      b[i0] = (b[i0] - ((float) acc0 * s0));
                  }
              }
          }
      }
      """;

  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private WarmUp() {}

  /** Starts the warm-up compile on a daemon thread, the first time only. */
  static void start() {
    if (!STARTED.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(() -> {
      try {
        InMemoryCompiler.compile(CLASS_NAME, SOURCE);
      } catch (RuntimeException | LinkageError e) {
        // best effort: the real compile reports a missing compiler
      }
    }, "cortado-javac-warm-up");
    t.setDaemon(true);
    t.start();
  }
}
