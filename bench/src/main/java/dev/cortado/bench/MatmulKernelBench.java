package dev.cortado.bench;

import dev.cortado.codegen.Codegen;
import dev.cortado.codegen.emit.BlockedMatmul;
import dev.cortado.codegen.emit.MatmulKernel;
import dev.cortado.codegen.emit.VectorMatmul;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.ir.GraphBuilder;
import dev.cortado.ir.Node;
import dev.cortado.ir.Shape;
import dev.cortado.ir.VariableInfo;
import dev.cortado.runtime.Executable;
import java.util.Map;
import java.util.SplittableRandom;
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
 * JMH: each matmul kernel of the code generator alone, on the three products of a dense layer,
 * {@code X·W} (forward), {@code Xᵀ·dY} (weight gradient) and {@code dY·Wᵀ} (input gradient), at the
 * sizes of the MNIST-sized model's 784→256 and 256→128 layers at batch 64, of LeNet's second
 * convolution (patches {@code [4096, 800]}, kernel {@code [800, 64]}) and first (patches {@code
 * [36864, 25]}, kernel {@code [25, 32]}), and of cnn_digits' second convolution (patches {@code
 * [2048, 144]}, kernel {@code [144, 32]}). Each invocation is one
 * compiled single-product graph's {@code predict}. Kernels: {@code vector} ({@link VectorMatmul},
 * this JVM's preferred species), {@code blocked1}, {@code blocked4x2} and {@code blocked4x4} ({@link
 * BlockedMatmul} with one result row of four terms per pass, four rows of two terms, four rows of
 * four; {@code blocked<R>x<T>} names any other). The forks add {@code --add-modules
 * jdk.incubator.vector}.
 *
 * <p>{@code java -jar bench/target/benchmarks.jar MatmulKernelBench} gives JMH's µs per product
 * (wall time); {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar
 * dev.cortado.bench.MatmulKernelBench} times every cell in thread CPU time and prints GFLOP/s
 * ({@code 2·m·k·n} per product) as a markdown table.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class MatmulKernelBench {
  /** A product: {@code op(A) [m, k] · op(B) [k, n]}, op a transpose where the flags say. */
  enum Product {
    MNIST_XW(64, 256, 784, false, false),
    MNIST_XT_DY(784, 256, 64, true, false),
    MNIST_DY_WT(64, 256, 128, false, true),
    MNIST2_XW(64, 128, 256, false, false),
    MNIST2_XT_DY(256, 128, 64, true, false),
    LENET_XW(4096, 64, 800, false, false),
    LENET_XT_DY(800, 64, 4096, true, false),
    LENET_DY_WT(4096, 800, 64, false, true),
    LENET1_XW(36864, 32, 25, false, false),
    LENET1_XT_DY(25, 32, 36864, true, false),
    CNN2_XW(2048, 32, 144, false, false),
    CNN2_XT_DY(144, 32, 2048, true, false),
    CNN2_DY_WT(2048, 144, 32, false, true);

    final int m;
    final int n;
    final int k;
    final boolean transA;
    final boolean transB;

    Product(int m, int n, int k, boolean transA, boolean transB) {
      this.m = m;
      this.n = n;
      this.k = k;
      this.transA = transA;
      this.transB = transB;
    }

    long flops() {
      return 2L * m * n * k;
    }

    String label() {
      String what = switch (this) {
        case MNIST_XW, MNIST2_XW, LENET_XW, LENET1_XW, CNN2_XW -> "X·W";
        case MNIST_XT_DY, MNIST2_XT_DY, LENET_XT_DY, LENET1_XT_DY, CNN2_XT_DY -> "Xᵀ·dY";
        case MNIST_DY_WT, LENET_DY_WT, CNN2_DY_WT -> "dY·Wᵀ";
      };
      return what + " [" + m + ", " + k + "]·[" + k + ", " + n + "]";
    }
  }

  @Param({"MNIST_XW", "MNIST_XT_DY", "MNIST_DY_WT", "MNIST2_XW", "MNIST2_XT_DY", "LENET_XW", "LENET_XT_DY",
      "LENET_DY_WT", "LENET1_XW", "LENET1_XT_DY", "CNN2_XW", "CNN2_XT_DY", "CNN2_DY_WT"})
  public String product;

  @Param({"vector", "blocked1", "blocked4x2", "blocked4x4"})
  public String kernel;

  private Executable exe;
  private Map<String, float[]> input;

  /** Compiles the product with the kernel and draws the operands. */
  @Setup
  public void setup() {
    Product p = Product.valueOf(product);
    SplittableRandom r = new SplittableRandom(42);
    GraphBuilder b = new GraphBuilder("product_" + product.toLowerCase(java.util.Locale.ROOT), DType.F32);
    Shape as = p.transA ? Shape.of(p.k, p.m) : Shape.of(p.m, p.k);
    Shape ws = p.transB ? Shape.of(p.n, p.k) : Shape.of(p.k, p.n);
    // the larger operand is a variable, the smaller one the input: every call checks its input for
    // non-finite values, and on LeNet's 13 MB patches that scan took a quarter of the product's time
    boolean aVariable = (long) p.m * p.k > (long) p.k * p.n;
    double[] av = new double[p.m * p.k];
    for (int i = 0; i < av.length; i++) {
      av[i] = (float) r.nextDouble(-1, 1);
    }
    double[] wv = new double[p.k * p.n];
    for (int i = 0; i < wv.length; i++) {
      wv[i] = (float) r.nextDouble(-1, 1);
    }
    Node a = aVariable ? b.variable("a", as, VariableInfo.Role.PARAMETER, true, av) : b.input("a", as);
    Node w = aVariable ? b.input("w", ws) : b.variable("w", ws, VariableInfo.Role.PARAMETER, true, wv);
    b.output("y", b.matmul(a, w, p.transA, p.transB));
    Graph g = b.build();
    exe = Codegen.compile(g, product, new Codegen.Options(kernel(kernel), null));
    double[] in = aVariable ? wv : av;
    float[] fv = new float[in.length];
    for (int i = 0; i < fv.length; i++) {
      fv[i] = (float) in[i];
    }
    input = Map.of(aVariable ? "w" : "a", fv);
  }

  private static MatmulKernel kernel(String name) {
    java.util.regex.Matcher rows = java.util.regex.Pattern.compile("blocked([124])x([24])").matcher(name);
    if (rows.matches()) {
      return new BlockedMatmul(Integer.parseInt(rows.group(1)), Integer.parseInt(rows.group(2)), 0);
    }
    return switch (name) {
      case "vector" -> VectorMatmul.preferred();
      case "blocked1" -> new BlockedMatmul(1);
      default -> throw new IllegalArgumentException("unknown kernel '" + name + "': vector, blocked1 or blocked<R>x<T>"
          + " (R result rows of T terms per pass: 2x2, 4x2, 2x4, 4x4)");
    };
  }

  /** One product. */
  @Benchmark
  public Map<String, float[]> product() {
    return exe.predictFloats(input);
  }

  /**
   * Times every cell with {@link StepTimer} (thread CPU time by default: the machines here are
   * shared, and wall time then measures the queue for a core) and prints GFLOP/s as a markdown
   * table. Arguments: product names (default: all), {@code --clock wall}, {@code
   * --kernels=vector,blocked1} (default: every kernel).
   */
  public static void main(String[] args) {
    boolean cpu = true;
    java.util.List<Product> products = new java.util.ArrayList<>();
    String[] only = null;
    for (String arg : args) {
      if (arg.equals("--clock=wall") || arg.equals("wall")) {
        cpu = false;
      } else if (arg.startsWith("--kernels=")) {
        only = arg.substring("--kernels=".length()).split(",");
      } else if (!arg.equals("--clock")) {
        products.add(Product.valueOf(arg.toUpperCase(java.util.Locale.ROOT)));
      }
    }
    if (products.isEmpty()) {
      products = java.util.List.of(Product.values());
    }
    StepTimer timer = new StepTimer(cpu, 2000, 10000, 2000, 7);
    System.out.printf("%s %s, %s, GFLOP/s = 2·m·k·n / median time of one product%n%n",
        System.getProperty("java.vm.name"), System.getProperty("java.version"), timer.clockName());
    String[] kernels = VectorMatmul.available() ? new String[] {"vector", "blocked1", "blocked4x2", "blocked4x4"}
        : new String[] {"blocked1", "blocked4x2", "blocked4x4"};
    if (only != null) {
      kernels = only;
    }
    System.out.println("| product | " + String.join(" | ", kernels) + " |");
    System.out.println("| --- |" + " ---: |".repeat(kernels.length));
    for (Product p : products) {
      StringBuilder row = new StringBuilder("| " + p.label() + " |");
      for (String k : kernels) {
        MatmulKernelBench b = new MatmulKernelBench();
        b.product = p.name();
        b.kernel = k;
        b.setup();
        double us = timer.medianMicros(() -> b.product().size());
        row.append(String.format(" %.1f |", p.flops() / (us * 1e3)));
      }
      System.out.println(row);
    }
  }
}
