package dev.cortado.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cortado.codegen.compile.InMemoryCompiler;
import dev.cortado.interp.Interpreter;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.runtime.Executable;
import dev.cortado.runtime.Lockstep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 200 seeded random models, compiled and interpreted side by side: every output, every loss term
 * of three training steps, every variable (parameters and optimizer state) after them, then
 * predict at another batch size and evaluate. F64 must agree within 1e-12, F32 within 1e-4 (the
 * compiled matmul sums in float). A failure names the seed; {@link RandomGraphs#generate}
 * rebuilds that model.
 *
 * <p>With two threads every kernel that can be split is ({@code splitFrom} 0, so even these
 * small models run split matmuls, copies and updates), and each model is also run with one
 * thread in lockstep: every loss, variable, output and evaluation must be bit-identical.
 */
class RandomGraphTest {
  static final int COUNT = 200;
  static final long FIRST_SEED = 1000;
  static final String DESCRIPTION = "random";

  @ParameterizedTest(name = "{0} thread(s)")
  @ValueSource(ints = {1, 2})
  void compiledMatchesInterpreterOnRandomGraphs(int threads) {
    List<RandomGraphs.Generated> cases = new ArrayList<>();
    Map<String, String> sources = new LinkedHashMap<>();
    Codegen.Options o = threads == 1 ? Codegen.Options.defaults()
        : Codegen.Options.defaults().withThreads(threads).withSplitFrom(0);
    long start = System.nanoTime();
    List<Long> seeds = java.util.stream.LongStream.range(FIRST_SEED, FIRST_SEED + COUNT).boxed().toList();
    for (long seed : seeds) {
      try {
        cases.add(RandomGraphs.generate(seed));
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + seed + ": " + e, e);
      }
    }
    java.util.Set<dev.cortado.op.Op> seen = java.util.EnumSet.noneOf(dev.cortado.op.Op.class);
    cases.forEach(c -> c.graph().nodes().forEach(n -> seen.add(n.op())));
    for (dev.cortado.op.Op op : List.of(dev.cortado.op.Op.GATHER, dev.cortado.op.Op.SCATTER_ADD, dev.cortado.op.Op.SLICE,
        dev.cortado.op.Op.PAD, dev.cortado.op.Op.BATCH_MATMUL, dev.cortado.op.Op.PERMUTE, dev.cortado.op.Op.PATCHES,
        dev.cortado.op.Op.MAX_POOL, dev.cortado.op.Op.MAX_POOL_GRAD)) {
      assertTrue(seen.contains(op), "no random graph uses " + op);
    }
    // sources made on every core; the executables below find them (and their classes) in the caches
    Map<String, String> made = new java.util.concurrent.ConcurrentHashMap<>();
    cases.parallelStream().forEach(c -> {
      for (int b : new java.util.TreeSet<>(List.of(c.batch(), otherBatch(c)))) {
        String cls = Codegen.className(c.graph(), b);
        try {
          made.put(Codegen.RUNTIME_PACKAGE + "." + cls,
              Codegen.generateSource(c.graph(), DESCRIPTION, b, Codegen.RUNTIME_PACKAGE, cls, o));
        } catch (RuntimeException e) {
          throw new AssertionError("seed " + c.seed() + ": " + e, e);
        }
      }
    });
    sources.putAll(new java.util.TreeMap<>(made));
    long t0 = System.nanoTime();
    System.out.printf("random graphs: generation %.1f s%n", (t0 - start) / 1e9);
    InMemoryCompiler.compileAll(sources);
    long t1 = System.nanoTime();
    int trained = 0;
    for (RandomGraphs.Generated c : cases) {
      try {
        trained += check(c, o) ? 1 : 0;
      } catch (AssertionError | RuntimeException e) {
        fail("seed " + c.seed() + " (" + c.graph().dtype() + ", batch " + c.batch() + "):\n" + c.graph() + "\n" + e, e);
      }
    }
    long split = sources.values().stream().filter(x -> x.contains("parallel(")).count();
    long recurrent = cases.stream().filter(c -> c.graph().nodes().stream()
        .anyMatch(n -> n.op() == dev.cortado.op.Op.GRU || n.op() == dev.cortado.op.Op.LSTM)).count();
    System.out.printf("random graphs, %d thread(s): %d compiled and checked, %d of them trained, %d classes with split"
        + " kernels, %d with a recurrent layer; javac %.1f s, runs %.1f s, %d source lines%n", threads, cases.size(),
        trained, split, recurrent,
        (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9, sources.values().stream().mapToLong(x -> x.lines().count()).sum());
    assertTrue(recurrent >= 5, "only " + recurrent + " random graphs hold a recurrent layer");
    if (threads > 1) {
      assertTrue(split >= sources.size() / 4, "only " + split + " of " + sources.size() + " classes split a kernel");
    }
  }

  /** The batch size of the predict check: another size (a second class) for every fourth model. */
  private static int otherBatch(RandomGraphs.Generated c) {
    if (c.seed() % 4 != 0) {
      return c.batch();
    }
    return c.batch() == 1 ? 3 : c.batch() - 1;
  }

  private static boolean check(RandomGraphs.Generated c, Codegen.Options o) {
    Graph g = c.graph();
    double tol = g.dtype() == DType.F64 ? 1e-12 : 1e-4;
    Executable compiled = Codegen.compile(g, DESCRIPTION, o);
    Executable reference = new Interpreter(g);
    if (o.threads() > 1) {
      compiled = new Lockstep(compiled, Codegen.compile(g, DESCRIPTION, o.withThreads(1)));
    }
    SplittableRandom data = new SplittableRandom(c.seed() * 31 + 7);
    if (c.training()) {
      for (int s = 0; s < 3; s++) {
        Map<String, double[]> in = c.inputs(c.batch(), data);
        close(reference.trainStep(in), compiled.trainStep(in), tol, "step " + s + " loss");
        assertEquals(List.copyOf(reference.lastLosses().keySet()), List.copyOf(compiled.lastLosses().keySet()));
        for (Map.Entry<String, Double> e : reference.lastLosses().entrySet()) {
          close(e.getValue(), compiled.lastLosses().get(e.getKey()), tol, "step " + s + " " + e.getKey());
        }
      }
      for (String name : reference.stateNames()) {
        close(reference.state(name), compiled.state(name), tol, "state " + name);
      }
    }
    for (String name : reference.parameterNames()) {
      close(reference.parameter(name), compiled.parameter(name), tol, "variable " + name);
    }
    Map<String, double[]> in = c.inputs(otherBatch(c), data);
    Map<String, double[]> want = reference.predict(in);
    Map<String, double[]> got = compiled.predict(in);
    assertEquals(want.keySet(), got.keySet());
    want.forEach((k, v) -> close(v, got.get(k), tol, "predict " + k));
    Map<String, double[]> ev = c.inputs(c.batch(), data);
    Map<String, Double> wantLosses = reference.evaluate(ev);
    Map<String, Double> gotLosses = compiled.evaluate(ev);
    wantLosses.forEach((k, v) -> close(v, gotLosses.get(k), tol, "evaluate " + k));
    return c.training();
  }

  static void close(double[] want, double[] got, double tol, String what) {
    assertEquals(want.length, got.length, what + " length");
    for (int i = 0; i < want.length; i++) {
      close(want[i], got[i], tol, what + "[" + i + "]");
    }
  }

  static void close(double want, double got, double tol, String what) {
    if (Double.isNaN(want) && Double.isNaN(got)) {
      return;
    }
    assertEquals(want, got, tol * Math.max(1, Math.abs(want)), what);
  }
}
