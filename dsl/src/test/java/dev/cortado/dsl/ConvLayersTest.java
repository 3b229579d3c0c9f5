package dev.cortado.dsl;

import static dev.cortado.dsl.Cortado.*;
import static dev.cortado.dsl.DefinitionErrorsTest.contains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.ir.Shape;
import dev.cortado.runtime.Executable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The convolution and pooling layers through the DSL: output shapes by TensorFlow's SAME and VALID
 * rules, the variables they make, shape errors at definition time, gradients against central
 * differences in double, and the compiled class against the interpreter (one thread and two).
 */
class ConvLayersTest {
  private static Shape shapeOf(Function<ModelBuilder, Tensor> layer) {
    Shape[] out = new Shape[1];
    Model.define("shape", m -> out[0] = layer.apply(m).shape());
    return out[0];
  }

  @Test
  void sameAndValidFollowTensorFlow() {
    // SAME: ceil(n / s); VALID: floor((n - k) / s) + 1
    assertEquals(Shape.of(BATCH, 4, 4, 8), shapeOf(m -> m.conv2d("c", m.input("x", BATCH, 7, 7, 3), 8, 3,
        c -> c.strides(2).padding(SAME))));
    assertEquals(Shape.of(BATCH, 3, 3, 8), shapeOf(m -> m.conv2d("c", m.input("x", BATCH, 7, 7, 3), 8, 3,
        c -> c.strides(2))));
    assertEquals(Shape.of(BATCH, 6, 2, 5), shapeOf(m -> m.conv2d("c", m.input("x", BATCH, 6, 5, 1), 5, 0,
        c -> c.kernelSize(1, 3).strides(1, 2))));
    assertEquals(Shape.of(BATCH, 5, 4), shapeOf(m -> m.conv1d("c", m.input("x", BATCH, 10, 2), 4, 3,
        c -> c.strides(2).padding(SAME))));
    assertEquals(Shape.of(BATCH, 3, 2, 3), shapeOf(m -> maxPool2d(m.input("x", BATCH, 7, 5, 3), 2)));
    assertEquals(Shape.of(BATCH, 6, 4, 3), shapeOf(m -> avgPool2d(m.input("x", BATCH, 7, 5, 3), 2, 1)));
    assertEquals(Shape.of(BATCH, 3, 2), shapeOf(m -> maxPool1d(m.input("x", BATCH, 10, 2), 3)));
    assertEquals(Shape.of(BATCH, 3), shapeOf(m -> globalAvgPool(m.input("x", BATCH, 4, 5, 3))));
    assertEquals(Shape.of(BATCH, 60), shapeOf(m -> flatten(m.input("x", BATCH, 4, 5, 3))));
    assertEquals(Shape.of(BATCH, 4, 5, 7), shapeOf(m -> m.dense("d", m.input("x", BATCH, 4, 5, 3), 7)));
    assertEquals(Shape.of(BATCH, 5, 4, 3), shapeOf(m -> m.input("x", BATCH, 4, 5, 3).transpose(0, 2, 1, 3)));
  }

  @Test
  void convolutionsMakeKernelAndBiasInTheirScope() {
    Model model = Model.define("vars", m -> {
      Tensor x = m.input("x", BATCH, 8, 8, 3);
      Tensor h = m.conv2d("conv", x, 16, 5, c -> c.kernelSize(5, 3));
      Tensor s = m.conv1d("seq", m.input("s", BATCH, 9, 2), 4, 3);
      m.output("h", h);
      m.output("s", s);
    });
    Map<String, int[]> shapes = new HashMap<>();
    model.variables().forEach(v -> shapes.put(v.name(), v.shape()));
    assertArrayEquals(new int[] {5, 3, 3, 16}, shapes.get("conv/kernel"));
    assertArrayEquals(new int[] {16}, shapes.get("conv/bias"));
    assertArrayEquals(new int[] {3, 2, 4}, shapes.get("seq/kernel"));
    assertArrayEquals(new int[] {4}, shapes.get("seq/bias"));
  }

  @Test
  void aKernelLargerThanTheImageNamesLayerInputKernelStridesAndPadding() {
    Exception e = assertThrows(IllegalArgumentException.class, () -> Model.define("bad", m ->
        m.conv2d("conv1", m.input("x", BATCH, 4, 4, 1), 8, 5)));
    contains(e, "conv2d 'conv1'", "[BATCH, 4, 4, 1]", "kernel 5×5", "strides 1×1", "padding VALID", "SAME");
    e = assertThrows(IllegalArgumentException.class, () -> Model.define("bad", m ->
        m.conv2d("conv1", m.input("x", BATCH, 16, 3), 8, 3)));
    contains(e, "conv2d 'conv1'", "[BATCH, 16, 3]", "[BATCH, height, width, channels]");
    e = assertThrows(IllegalArgumentException.class, () -> Model.define("bad", m ->
        m.conv1d("c", m.input("x", BATCH, 2, 3), 8, 3, c -> c.strides(2))));
    contains(e, "conv1d 'c'", "[BATCH, 2, 3]", "kernel 3", "strides 2", "padding VALID");
    e = assertThrows(IllegalArgumentException.class, () -> Model.define("bad", m ->
        maxPool2d(m.input("x", BATCH, 3, 3, 2), 4)));
    contains(e, "maxPool2d", "[BATCH, 3, 3, 2]", "4×4");
    e = assertThrows(IllegalArgumentException.class, () -> Model.define("bad", m ->
        m.conv2d("c", m.input("x", BATCH, 8, 8, 1), 0, 3)));
    contains(e, "conv2d 'c'", "filters must be positive");
    e = assertThrows(IllegalArgumentException.class, () -> Model.define("bad", m ->
        m.input("x", BATCH, 3, 4).transpose(1, 0, 2)));
    contains(e, "batch axis stays first");
  }

  /** A small model of each kind, with its input shapes. */
  record Net(String name, Function<ModelBuilder, Tensor> body, int[] in, int out) {
    @Override
    public String toString() {
      return name;
    }

    Model model(boolean f32) {
      return Model.define(name, m -> {
        m.dtype(f32 ? F32 : F64).seed(3);
        Tensor y = m.input("y", BATCH, out);
        Tensor h = m.dense("out", flatten(body.apply(m)), out);
        m.output("out", h);
        m.minimize(mse(h, y));
      });
    }

    Map<String, double[]> batch(int rows, long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      Map<String, double[]> b = new HashMap<>();
      int n = rows;
      for (int d : in) {
        n *= d;
      }
      b.put("x", r.doubles(n, -1, 1).toArray());
      b.put("y", r.doubles((long) rows * out, -1, 1).toArray());
      return b;
    }
  }

  static Stream<Net> nets() {
    return Stream.of(
        new Net("conv same stride 2 relu + maxPool", m -> maxPool2d(m.conv2d("c", m.input("x", BATCH, 7, 6, 2), 3, 3,
            c -> c.strides(2).padding(SAME).activation(RELU)), 2), new int[] {7, 6, 2}, 2),
        new Net("two convs + avgPool stride 1", m -> avgPool2d(m.conv2d("c2", m.conv2d("c1", m.input("x", BATCH, 6, 6, 1),
            4, 3, c -> c.padding(SAME).activation(TANH)), 2, 2, c -> c.kernelSize(2, 3)), 2, 1), new int[] {6, 6, 1}, 3),
        new Net("conv1d + maxPool1d", m -> maxPool1d(m.conv1d("c", m.input("x", BATCH, 9, 3), 4, 3,
            c -> c.padding(SAME).activation(SIGMOID)), 2), new int[] {9, 3}, 2),
        new Net("conv1d stride 2 + avgPool1d", m -> avgPool1d(m.conv1d("c", m.input("x", BATCH, 11, 2), 3, 4,
            c -> c.strides(2)), 2, 1), new int[] {11, 2}, 2),
        new Net("globalAvgPool", m -> globalAvgPool(m.conv2d("c", m.input("x", BATCH, 5, 5, 2), 3, 2,
            c -> c.activation(RELU))), new int[] {5, 5, 2}, 2),
        // 16 channels fill whole vectors: the patch adjoint and the argmax mask on the Vector API where present
        new Net("two 16-filter convs + maxPool", m -> maxPool2d(m.conv2d("c2", m.conv2d("c1", m.input("x", BATCH, 6, 6, 1),
            16, 3, c -> c.padding(SAME).activation(RELU)), 16, 3, c -> c.padding(SAME)), 2), new int[] {6, 6, 1}, 2),
        new Net("dense on rank 4 + transpose", m -> m.dense("d", m.input("x", BATCH, 3, 2, 4), 5,
            d -> d.activation(TANH)).transpose(0, 2, 1, 3), new int[] {3, 2, 4}, 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nets")
  void gradientsMatchCentralDifferences(Net net) {
    GradientCheck g = net.model(false).checkGradients(net.batch(3, 1));
    assertTrue(g.passes(1e-6), net + ": " + g.worstRelativeError());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nets")
  void compiledAgreesWithInterpreter(Net net) {
    for (boolean f32 : new boolean[] {false, true}) {
      Model model = net.model(f32);
      double tol = f32 ? 1e-5 : 1e-12;
      for (int threads : new int[] {1, 2}) {
        Executable ref = model.interpret(sgd(0.1).momentum(0.9));
        Executable exe = model.compile(sgd(0.1).momentum(0.9), threads);
        for (int s = 0; s < 3; s++) {
          Map<String, double[]> b = net.batch(4, s);
          double want = ref.trainStep(b);
          assertEquals(want, exe.trainStep(b), tol * Math.max(1, Math.abs(want)), net + " step " + s);
        }
        for (String v : ref.parameterNames()) {
          double[] w = ref.parameter(v);
          double[] g = exe.parameter(v);
          for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], g[i], tol * Math.max(1, Math.abs(w[i])), net + " " + v + "[" + i + "]");
          }
        }
        Map<String, double[]> b = net.batch(5, 9);
        double[] want = ref.predict(b).get("out");
        double[] got = exe.predict(b).get("out");
        for (int i = 0; i < want.length; i++) {
          assertEquals(want[i], got[i], tol * Math.max(1, Math.abs(want[i])), net + " predict[" + i + "]");
        }
      }
    }
  }

  @Test
  void maxPoolingSendsTheGradientToTheFirstMaximum() {
    Model model = Model.define("ties", m -> {
      Tensor x = m.input("x", BATCH, 2, 2, 1);
      Variable w = m.variable("w").shape(1).initializer(ones());
      Tensor h = maxPool2d(x.mul(w), 2);
      m.output("out", h);
      m.minimize(h.sum());
    });
    Executable exe = model.interpret(sgd(1));
    // every pixel ties at 3: the gradient of w is x at the first maximum only (3), not the sum of them (12)
    exe.trainStep(Map.of("x", new double[] {3, 3, 3, 3}));
    assertArrayEquals(new double[] {1 - 3}, exe.parameter("w"), 0);
    assertEquals(List.of("w"), exe.parameterNames());
  }

  @Test
  void compiledMaxPoolingOverWholeVectorsOfChannelsSendsTheGradientToTheFirstMaximum() {
    Model model = Model.define("ties16", m -> {
      m.dtype(F32);
      Tensor x = m.input("x", BATCH, 2, 2, 16);
      Variable w = m.variable("w").shape(1).initializer(ones());
      Tensor h = maxPool2d(x.mul(w), 2);
      m.output("out", h);
      m.minimize(h.sum());
    });
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      String source = Compilation.source(model, sgd(1), "p", "Ties16");
      assertTrue(source.contains("vectorArgmaxMask("), "the mask is not on the Vector API:\n" + source);
    }
    Executable exe = model.compile(sgd(1));
    double[] x = new double[64];
    java.util.Arrays.fill(x, 3);
    exe.trainStep(Map.of("x", x));
    // each channel's four pixels tie at 3: w's gradient is 16 first maxima of 3 (48), not every tie (192)
    assertArrayEquals(new double[] {1 - 48}, exe.parameter("w"), 0);
  }
}
