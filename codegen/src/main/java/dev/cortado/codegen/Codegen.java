package dev.cortado.codegen;

import dev.cortado.codegen.compile.InMemoryCompiler;
import dev.cortado.codegen.compile.Lru;
import dev.cortado.codegen.emit.ClassEmitter;
import dev.cortado.codegen.emit.JavaText;
import dev.cortado.codegen.emit.BlockedMatmul;
import dev.cortado.codegen.emit.MatmulKernel;
import dev.cortado.codegen.emit.Printer;
import dev.cortado.codegen.emit.VectorMatmul;
import dev.cortado.codegen.lower.Plan;
import dev.cortado.codegen.pass.Passes;
import dev.cortado.codegen.pass.Passes.Entry;
import dev.cortado.ir.Canonical;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.ir.Node;
import dev.cortado.ir.VariableInfo;
import dev.cortado.op.Op;
import dev.cortado.runtime.CompiledModel;
import dev.cortado.runtime.Executable;
import dev.cortado.runtime.ModelSpec;
import dev.cortado.runtime.ModelState;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The back half of the pipeline, as named pure steps: {@link #spec} (the model's interface),
 * {@link #optimize} (an entry point's graph through the passes, once the batch size is fixed),
 * {@link #schedule} (fusion, kernels, storage), {@link #emit} (the Java source) and {@link
 * #load} (in-memory javac, cached by source hash). {@link #compile} strings them together per
 * batch size seen; {@link #generateSource} stops before javac.
 */
public final class Codegen {
  /** The batch size a class is generated for when none is given (Keras's default batch size). */
  public static final int DEFAULT_BATCH = 32;

  /** The sources most recently generated or asked for, by {@link #key}. */
  private static final Lru<String, String> SOURCES = new Lru<>(256);

  private Codegen() {}

  /**
   * Choices that do not change results: the matmul kernel, where to dump each pass, and the
   * number of threads a step is split over. With {@code threads} above 1, each kernel with at
   * least {@code splitFrom} units of work is cut into one contiguous range per thread: a matmul
   * by result rows (a unit is a multiply-add), an elementwise kernel such as a parameter update
   * by index range (8 units an element), the copy of a matmul operand by rows (16 units an
   * element). Every element is still computed by one thread in the one-thread order, so results
   * are bit-identical to one thread. Smaller kernels (and models with none large enough) run on
   * the calling thread only.
   *
   * @param matmul the matrix-product kernel every class is emitted with
   * @param dump the directory each pass's graph, the plan and the source are written to (null: none)
   * @param threads the threads a step is split over, 1 to {@value #MAX_THREADS}
   * @param splitFrom the least units of work of a kernel that is split over the threads
   * @param cache the directory compiled classes are kept in between runs (null: none)
   * @param quickStartFrom the least multiply-adds of a step started on the quick-start kernel
   *     ({@link Long#MAX_VALUE}: none)
   */
  public record Options(MatmulKernel matmul, Path dump, int threads, long splitFrom, Path cache, long quickStartFrom) {
    /** The most threads a step may be split over. */
    public static final int MAX_THREADS = 64;
    /**
     * The default least work of a split kernel, 2^19 multiply-adds: on the benchmark machine
     * (Zen 4) 15–30 µs, against a few µs for a hand-over between threads and the cache misses of
     * sharing the result. The small bench model's products (2^18 each) ran 0.85x as fast split
     * with the Vector API kernel, so they are not split.
     */
    public static final long SPLIT_FROM = 1 << 19;
    /**
     * The default least multiply-adds of a step (all its matrix products at one batch size) for
     * which a batch size starts on the quick-start kernel, 2^22: the MNIST-sized step has 32
     * million, and its Vector API class cost 0.3–0.6 s more than the blocked one until compiled;
     * a step of under a million (the small bench model's, a digits classifier's) costs a few ms
     * of that, less than an upgrade's second javac run and warm-up, which compete with the
     * application for the cores (the digits sample took 3.8–4.2 s with the upgrade, 3.0–3.6 s
     * without).
     */
    public static final long QUICK_START_FROM = 1L << 22;

    /**
     * Checks the counts.
     *
     * @param matmul the matrix-product kernel
     * @param dump the directory of the dumps (null: none)
     * @param threads the threads a step is split over
     * @param splitFrom the least units of work of a split kernel
     * @param cache the directory of the class cache (null: none)
     * @param quickStartFrom the least multiply-adds of a step started on the quick-start kernel
     * @throws IllegalArgumentException naming {@code threads}, {@code splitFrom} or {@code
     *     quickStartFrom} when out of range
     */
    public Options {
      requireThreads(threads);
      if (splitFrom < 0) {
        throw new IllegalArgumentException("splitFrom must not be negative, got " + splitFrom);
      }
      if (quickStartFrom < 0) {
        throw new IllegalArgumentException("quickStartFrom must not be negative, got " + quickStartFrom);
      }
    }

    /**
     * {@code threads} if it is a thread count a step can be split over (1 to {@value #MAX_THREADS}).
     *
     * @param threads the thread count asked for
     * @return {@code threads}
     * @throws IllegalArgumentException naming the count otherwise
     */
    public static int requireThreads(int threads) {
      if (threads < 1 || threads > MAX_THREADS) {
        throw new IllegalArgumentException("threads must be between 1 and " + MAX_THREADS + ", got " + threads);
      }
      return threads;
    }

    /**
     * One thread, no cache, no quick start.
     *
     * @param matmul the matrix-product kernel
     * @param dump the directory of the dumps (null: none)
     */
    public Options(MatmulKernel matmul, Path dump) {
      this(matmul, dump, 1, SPLIT_FROM, null, Long.MAX_VALUE);
    }

    /**
     * These options with the step split over {@code threads} threads.
     *
     * @param threads 1 to {@value #MAX_THREADS}
     * @return the new options
     */
    public Options withThreads(int threads) {
      return new Options(matmul, dump, threads, splitFrom, cache, quickStartFrom);
    }

    /**
     * These options splitting kernels of at least {@code work} units (0: every kernel that can be split).
     *
     * @param work the least units of work of a split kernel
     * @return the new options
     */
    public Options withSplitFrom(long work) {
      return new Options(matmul, dump, threads, work, cache, quickStartFrom);
    }

    /**
     * These options with the matmul kernel {@code kernel}.
     *
     * @param kernel the matrix-product kernel
     * @return the new options
     */
    public Options withMatmul(MatmulKernel kernel) {
      return new Options(kernel, dump, threads, splitFrom, cache, quickStartFrom);
    }

    /**
     * These options starting (or not) each batch size whose step has at least {@link
     * #QUICK_START_FROM} multiply-adds with the matmul kernel's {@link MatmulKernel#quickStart()
     * quick-start kernel}, when it has one: the first steps run a class that compiles and warms up
     * sooner, and the class of {@link #matmul} replaces it between two steps once it is compiled
     * and warmed up on a background thread. The results are the same floats either way. Ignored
     * while dumping, so that a dump shows the class that runs.
     *
     * @param on whether to start large steps on the quick-start kernel
     * @return the new options
     */
    public Options withQuickStart(boolean on) {
      return withQuickStartFrom(on ? QUICK_START_FROM : Long.MAX_VALUE);
    }

    /**
     * As {@link #withQuickStart}, for steps of at least {@code multiplyAdds} (0: every step).
     *
     * @param multiplyAdds the least multiply-adds of a step started on the quick-start kernel
     * @return the new options
     */
    public Options withQuickStartFrom(long multiplyAdds) {
      return new Options(matmul, dump, threads, splitFrom, cache, multiplyAdds);
    }

    /**
     * The options of the first class made for {@code batch} of {@code model}: with {@link
     * #matmul}'s quick-start kernel when it has one and the step has at least {@link
     * #quickStartFrom} multiply-adds ({@link #matmulWork}); these options themselves otherwise,
     * and while dumping.
     *
     * @param model the model, for its step's work
     * @param batch the batch size
     * @return the options of the first class for that batch size
     */
    public Options firstClass(Graph model, int batch) {
      MatmulKernel quick = quickStartFrom != Long.MAX_VALUE && dump == null ? matmul.quickStart() : null;
      return quick == null || matmulWork(model, batch) < quickStartFrom ? this
          : new Options(quick, dump, threads, splitFrom, cache, Long.MAX_VALUE);
    }

    /**
     * These options keeping compiled classes in {@code dir} between runs ({@link
     * dev.cortado.codegen.compile.ClassCache}; null: none).
     *
     * @param dir the cache directory, or null
     * @return the new options
     */
    public Options withCache(Path dir) {
      return new Options(matmul, dump, threads, splitFrom, dir, quickStartFrom);
    }

    /**
     * The Vector API kernels ({@link VectorMatmul}) when this JVM was started with {@code
     * --add-modules jdk.incubator.vector}, else the blocked, auto-vectorised ones ({@link
     * BlockedMatmul}), or the {@link MatmulKernel} class named by {@code
     * -Dcortado.matmul=<class>} (public, with a no-argument constructor); dumps go where
     * {@code -Dcortado.dump=DIR} says; {@code -Dcortado.threads=N} threads (default 1); compiled
     * classes are kept between runs in {@code -Dcortado.cache=DIR} (default: not kept), at most
     * {@code -Dcortado.cache.maxBytes} of them ({@link dev.cortado.codegen.compile.ClassCache});
     * a kernel that is slow to start (the Vector API's) starts a step of at least {@link
     * #QUICK_START_FROM} multiply-adds with its quick-start kernel unless {@code
     * -Dcortado.quickStart=false} ({@link #withQuickStart}).
     *
     * @return the options the system properties ask for
     * @throws IllegalArgumentException naming the property whose value is not understood
     */
    public static Options defaults() {
      return new Options(matmulKernel(System.getProperty("cortado.matmul")), path("cortado.dump"),
          threads(System.getProperty("cortado.threads")), SPLIT_FROM, path("cortado.cache"),
          quickStartFrom(System.getProperty("cortado.quickStart")));
    }

    private static long quickStartFrom(String value) {
      if (value == null || value.isBlank()) {
        return QUICK_START_FROM;
      }
      return switch (value.trim()) {
        case "true" -> QUICK_START_FROM;
        case "false" -> Long.MAX_VALUE;
        default -> throw new IllegalArgumentException("-Dcortado.quickStart=" + value + ": expected true or false");
      };
    }

    private static Path path(String property) {
      String d = System.getProperty(property);
      return d == null || d.isBlank() ? null : Path.of(d);
    }

    private static int threads(String value) {
      if (value == null || value.isBlank()) {
        return 1;
      }
      try {
        int n = Integer.parseInt(value.trim());
        if (n >= 1 && n <= MAX_THREADS) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException("-Dcortado.threads=" + value + ": expected a whole number from 1 to " + MAX_THREADS);
    }

    private static MatmulKernel matmulKernel(String className) {
      if (className == null || className.isBlank()) {
        return VectorMatmul.available() ? VectorMatmul.preferred() : new BlockedMatmul();
      }
      try {
        return (MatmulKernel) Class.forName(className).getConstructor().newInstance();
      } catch (ReflectiveOperationException | ClassCastException e) {
        throw new IllegalArgumentException("-Dcortado.matmul=" + className
            + ": not a public MatmulKernel class with a public no-argument constructor", e);
      }
    }
  }

  /**
   * The multiply-adds of every matrix product of {@code g} at batch size {@code batch}: a step's work.
   *
   * @param g the graph
   * @param batch the batch size
   * @return the sum of the products' multiply-adds
   */
  public static long matmulWork(Graph g, int batch) {
    long work = 0;
    for (Node n : g.nodes()) {
      if (n.op() == Op.MATMUL) {
        int[] a = n.input(0).shape().resolve(batch);
        int last = a[a.length - 1];
        work += (long) n.shape().size(batch) * (n.attrs().transA() ? n.input(0).shape().size(batch) / last : last);
      }
    }
    return work;
  }

  /**
   * The model's interface: inputs, variables, scalars, outputs, losses and what each entry reads.
   *
   * @param model the model graph
   * @param description the description the generated class carries
   * @return the specification a compiled class is checked against
   */
  public static ModelSpec spec(Graph model, String description) {
    ModelSpec.Builder b = ModelSpec.builder(model.name(), description, model.dtype() == DType.F32);
    model.inputs().forEach((n, node) -> b.input(n, node.shape().dims()));
    model.idInputs().forEach(b::ids);
    java.util.Set<String> counters = dev.cortado.ir.Counters.names(model);
    for (VariableInfo v : model.variables().values()) {
      if (v.role() == VariableInfo.Role.PARAMETER) {
        b.parameter(v.name(), v.shape().dims());
      } else if (v.role() == VariableInfo.Role.GRADIENT) {
        b.gradient(v.name(), v.shape().dims());
      } else if (counters.contains(v.name())) {
        b.counter(v.name());
      } else {
        b.state(v.name(), v.shape().dims());
      }
    }
    model.hypers().forEach((n, node) -> b.hyper(n, node.attrs().value()));
    model.outputs().forEach((n, node) -> b.output(n, node.shape().dims()));
    b.losses(model.losses().keySet().toArray(new String[0]));
    if (!model.updates().isEmpty()) {
      List<Node> roots = new ArrayList<>(model.losses().values());
      roots.addAll(model.updates().values());
      b.train(reads(model, roots));
    }
    b.predict(reads(model, model.outputs().values()));
    b.evaluate(reads(model, model.losses().values()));
    for (Node n : model.nodes()) {
      if (n.shape().maxBatch() < b.maxBatch()) {
        b.maxBatch(n.shape().maxBatch(), "tensor '" + n.name() + "' " + n.shape());
      }
    }
    return b.build();
  }

  private static String[] reads(Graph g, java.util.Collection<Node> roots) {
    Set<Node> seen = new HashSet<>();
    ArrayDeque<Node> todo = new ArrayDeque<>(roots);
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      if (seen.add(n)) {
        todo.addAll(n.inputs());
      }
    }
    return g.inputs().entrySet().stream().filter(e -> seen.contains(e.getValue())).map(Map.Entry::getKey)
        .toArray(String[]::new);
  }

  /** The entry points a model has: train (with updates), predict, evaluate (with losses). */
  static List<Entry> entries(Graph model) {
    List<Entry> e = new ArrayList<>();
    if (!model.updates().isEmpty()) {
      e.add(Entry.TRAIN);
    }
    if (dev.cortado.ir.StepSplit.splits(model)) {
      e.add(Entry.GRADIENT);
      e.add(Entry.APPLY);
    }
    e.add(Entry.PREDICT);
    if (!model.losses().isEmpty()) {
      e.add(Entry.EVALUATE);
    }
    return e;
  }

  /**
   * One entry point's graph at one batch size, through every pass of {@link Passes#standard}.
   *
   * @param model the model graph
   * @param entry the entry point to extract
   * @param batch the batch size the shapes are resolved for
   * @param dump where the graph after each pass is written (a no-op dump writes nothing)
   * @return the optimized entry graph
   */
  public static Graph optimize(Graph model, Entry entry, int batch, Dump dump) {
    Graph g = Passes.extract(model, entry);
    dump.ir(batch, entry, "extract", g);
    for (Passes.Named p : Passes.standard(batch, entry.trains())) {
      g = p.pass().apply(g);
      dump.ir(batch, entry, p.name(), g);
    }
    return g;
  }

  /**
   * Fusion, kernel order and storage for an optimized entry graph.
   *
   * @param optimized the graph {@link #optimize} returned
   * @param entry its entry point
   * @param batch the batch size
   * @param dump where the plan is written
   * @return the plan the emitter follows
   */
  public static Plan schedule(Graph optimized, Entry entry, int batch, Dump dump) {
    Plan p = Plan.of(optimized, entry, batch);
    dump.text(batch, entry, "plan", p);
    return p;
  }

  /**
   * The Java source of the class for one batch size, on one thread.
   *
   * @param model the model graph
   * @param spec its {@link #spec}
   * @param batch the batch size
   * @param plans the plan of each entry point the model has
   * @param pkg the package of the class
   * @param cls the simple name of the class
   * @param matmul the matrix-product kernel
   * @return the source, ASCII only
   */
  public static String emit(Graph model, ModelSpec spec, int batch, Map<Entry, Plan> plans, String pkg, String cls,
      MatmulKernel matmul) {
    return emit(model, spec, batch, plans, pkg, cls, new Options(matmul, null));
  }

  /**
   * As {@link #emit(Graph, ModelSpec, int, Map, String, String, MatmulKernel)}, kernels split as {@code o} says.
   *
   * @param model the model graph
   * @param spec its {@link #spec}
   * @param batch the batch size
   * @param plans the plan of each entry point the model has
   * @param pkg the package of the class
   * @param cls the simple name of the class
   * @param o the kernel, threads and least split work
   * @return the source, ASCII only
   */
  public static String emit(Graph model, ModelSpec spec, int batch, Map<Entry, Plan> plans, String pkg, String cls,
      Options o) {
    return JavaText.ascii(Printer.print(ClassEmitter.emit(new ClassEmitter.Input(model, spec, batch, plans.get(Entry.TRAIN),
        plans.get(Entry.PREDICT), plans.get(Entry.EVALUATE), plans.get(Entry.GRADIENT), plans.get(Entry.APPLY), pkg, cls,
        o.matmul(), o.threads(), o.splitFrom()))));
  }

  /**
   * Everything the source of a class depends on, as a SHA-256 in hex ({@link Canonical}): the
   * whole graph (every node's op, inputs, shape, dtype, attributes to the bit, name; every role),
   * the description, the batch size, the package and class names and the options that change
   * the source (the matmul kernel's key, threads, the least work split). Equal keys, equal
   * sources; the in-memory sources and the on-disk {@link dev.cortado.codegen.compile.ClassCache}
   * are keyed by it.
   */
  static String key(Graph model, String description, int batch, String pkg, String cls, Options o) {
    return new Canonical("cortado-source-key-1").graph(model).text(description).integer(batch).text(pkg).text(cls)
        .text(o.matmul().key()).integer(o.threads()).integer(o.splitFrom()).hex();
  }

  /**
   * The source of the class for {@code batch}: every entry point optimized and scheduled, then
   * emitted. Cached per model text, so asking again costs a map look-up.
   *
   * @param model the model graph
   * @param description the description the class carries
   * @param batch the batch size, at least 1
   * @param pkg the package of the class
   * @param cls the simple name of the class
   * @param o the options
   * @return the source
   * @throws IllegalArgumentException if {@code batch} is below 1
   */
  public static String generateSource(Graph model, String description, int batch, String pkg, String cls, Options o) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batch);
    }
    String key = key(model, description, batch, pkg, cls, o);
    String cached = o.dump() == null ? SOURCES.get(key) : null;
    if (cached != null) {
      return cached;
    }
    Dump dump = new Dump(o.dump(), model.name());
    Map<Entry, Plan> plans = new EnumMap<>(Entry.class);
    for (Entry e : entries(model)) {
      plans.put(e, schedule(optimize(model, e, batch, dump), e, batch, dump));
    }
    String src = emit(model, spec(model, description), batch, plans, pkg, cls, o);
    dump.source(cls, src);
    SOURCES.put(key, src);
    return src;
  }

  /**
   * Compiles (or finds in the cache) the class in {@code source} and makes an instance joined to {@code state}.
   *
   * @param qualifiedName the class's binary name
   * @param source its source
   * @param state the values the instance reads and writes
   * @return the instance
   */
  public static CompiledModel load(String qualifiedName, String source, ModelState state) {
    return CompiledModel.instantiate(InMemoryCompiler.compile(qualifiedName, source).type(), state);
  }

  /** The Java class name used for a model at run time: {@code Regression_b32}. */
  static String className(Graph model, int batch) {
    String base = JavaText.identifier(model.name());
    return Character.toUpperCase(base.charAt(0)) + base.substring(1) + "_b" + batch;
  }

  /** The package of classes compiled at run time. */
  public static final String RUNTIME_PACKAGE = "dev.cortado.generated";

  /**
   * An executable for {@code model} (a forward graph for inference, or a training graph) whose
   * class for each batch size is generated and compiled on the first call with that size. Every
   * variable starts at its initial value from the graph.
   *
   * @param model the model graph
   * @param description the description the generated classes carry
   * @param o the options
   * @return the executable, no class compiled yet
   */
  public static Executable compile(Graph model, String description, Options o) {
    if (o.cache() == null) {
      InMemoryCompiler.warmUpInBackground(); // with a cache, only a miss needs javac
    }
    VectorApiHint.atCompile(model, o);
    ModelSpec spec = spec(model, description);
    ModelState.Specializer make = new BatchClasses(model, description, o);
    Executable exe = CompiledModel.lazy(spec, make);
    for (VariableInfo v : model.variables().values()) {
      if (v.role() == VariableInfo.Role.PARAMETER) {
        exe.setParameter(v.name(), v.initial());
      } else if (v.role() == VariableInfo.Role.STATE) {
        exe.setState(v.name(), v.initial());
      }
    }
    return exe;
  }
}
