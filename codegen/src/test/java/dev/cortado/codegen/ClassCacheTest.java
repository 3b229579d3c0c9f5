package dev.cortado.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.codegen.compile.ClassCache;
import dev.cortado.codegen.compile.InMemoryCompiler;
import dev.cortado.interp.Interpreter;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.runtime.Executable;
import dev.cortado.runtime.CompiledModel;
import dev.cortado.runtime.ModelState;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.cortado.codegen.emit.BlockedMatmul;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The on-disk class cache ({@code -Dcortado.cache=DIR}): what one run compiles, a later run with
 * the same model loads without generating source or running javac, and a damaged entry is
 * compiled again and rewritten.
 */
class ClassCacheTest {
  private static final Graph MODEL = CompiledErrorsTest.training();

  /** A fresh run's class for batch 2 (a new state, as a new JVM would have), set to the same weights. */
  private static CompiledModel make(String description, Codegen.Options o) {
    CompiledModel m = new BatchClasses(MODEL, description, o).create(2, new ModelState(Codegen.spec(MODEL, description), null));
    m.setParameter("w", new double[] {0.1, 0.2, 0.3});
    return m;
  }

  private static List<Path> entries(Path dir) throws Exception {
    try (var files = Files.list(dir)) {
      return files.toList();
    }
  }

  @Test
  void aLaterRunLoadsTheClassFromDiskWithoutJavac(@TempDir Path dir) throws Exception {
    String description = "cache test " + System.nanoTime();
    Codegen.Options o = Codegen.Options.defaults().withCache(dir);
    CompiledModel first = make(description, o);
    List<Path> written = entries(dir);
    assertEquals(1, written.size(), written.toString());
    assertTrue(written.get(0).toString().endsWith(".classes"), written.toString());

    int runs = InMemoryCompiler.javacRuns();
    CompiledModel second = make(description, o);
    assertEquals(runs, InMemoryCompiler.javacRuns(), "no javac run");
    assertNotSame(first.getClass(), second.getClass(), "defined again from the cached class files");
    assertEquals(first.getClass().getName(), second.getClass().getName());
    double expected = new Interpreter(MODEL).trainStep(CompiledErrorsTest.GOOD);
    assertEquals(expected, first.trainStep(CompiledErrorsTest.GOOD), 1e-12);
    assertEquals(first.lastLosses().get("loss"), second.trainStep(CompiledErrorsTest.GOOD), 0.0,
        "the cached class computes what the compiled one did");
    assertEquals(first.parameter("w")[2], second.parameter("w")[2], 0.0);
    assertEquals(entries(dir), written, "a hit writes nothing");
  }

  @Test
  void theClassWithTheSplitStepIsCachedUnderItsOwnKey(@TempDir Path dir) throws Exception {
    String description = "split step cache " + System.nanoTime();
    Codegen.Options o = Codegen.Options.defaults().withCache(dir);
    dev.cortado.runtime.Executable first = Codegen.compile(MODEL, description, o);
    first.trainStep(CompiledErrorsTest.GOOD);
    assertEquals(1, entries(dir).size(), "trainStep alone: the class without the halves");
    dev.cortado.runtime.Gradients g = first.newGradients();
    first.accumulateGradients(CompiledErrorsTest.GOOD, 1.0, g);
    first.applyGradients(g);
    assertEquals(2, entries(dir).size(), "the class with the halves has an entry of its own");

    int runs = InMemoryCompiler.javacRuns();
    dev.cortado.runtime.Executable second = Codegen.compile(MODEL, description, o);
    second.trainStep(CompiledErrorsTest.GOOD);
    dev.cortado.runtime.Gradients g2 = second.newGradients();
    second.accumulateGradients(CompiledErrorsTest.GOOD, 1.0, g2);
    second.applyGradients(g2);
    assertEquals(runs, InMemoryCompiler.javacRuns(), "both classes come from the cache");
    assertArrayEquals(first.parameter("w"), second.parameter("w"), 0.0);
    assertEquals(2, entries(dir).size());
  }

  @Test
  void aDamagedEntryIsCompiledAgainAndRewritten(@TempDir Path dir) throws Exception {
    String description = "damaged cache " + System.nanoTime();
    Codegen.Options o = Codegen.Options.defaults().withCache(dir);
    make(description, o);
    Path entry = entries(dir).get(0);
    byte[] whole = Files.readAllBytes(entry);
    Files.write(entry, java.util.Arrays.copyOf(whole, whole.length / 2)); // as if a copy had been cut short

    CompiledModel again = make(description, o);
    assertEquals(new Interpreter(MODEL).trainStep(CompiledErrorsTest.GOOD), again.trainStep(CompiledErrorsTest.GOOD), 1e-12);
    assertEquals(whole.length, Files.size(entry), "rewritten whole");
    // the first class's key: the kernel's own, as this model's step is far below the quick-start threshold
    assertTrue(Codegen.matmulWork(MODEL, 2) < o.quickStartFrom());
    String key = Codegen.key(MODEL, description, 2, Codegen.RUNTIME_PACKAGE, Codegen.className(MODEL, 2), o);
    assertNotNull(new ClassCache(dir).read(key));
    assertEquals(List.of(entry), entries(dir), "no temporary file left behind");
  }

  @Test
  void theUpgradeOfAQuickStartIsCachedAndALaterRunStartsWithIt(@TempDir Path dir) throws Exception {
    SplittableRandom r = new SplittableRandom(5);
    Graph g = BlockedMatmulTest.graph(16, 32, 24, false, false, DType.F32, r);
    Map<String, double[]> in = BlockedMatmulTest.input(16, 24, DType.F32, r);
    String description = "quick start cache " + System.nanoTime();
    Codegen.Options o = new Codegen.Options(new BlockedMatmul(4), null).withCache(dir).withQuickStartFrom(0);
    Executable first = Codegen.compile(g, description, o);
    ModelState state = ((CompiledModel) first).state();
    double[] expected = first.predict(in).values().iterator().next();
    Class<?> quick = state.classFor(1);
    assertTrue(state.awaitUpgrades(120_000), "no upgrade within two minutes");
    assertArrayEquals(expected, first.predict(in).values().iterator().next(), 0.0);
    assertNotSame(quick, state.classFor(1), "not upgraded");
    assertEquals(2, entries(dir).size(), "the quick class and its upgrade: " + entries(dir));
    String key = Codegen.key(g, description, 1, Codegen.RUNTIME_PACKAGE, Codegen.className(g, 1), o);
    assertNotNull(new ClassCache(dir).read(key), "the upgrade is under the kernel's own key");

    int runs = InMemoryCompiler.javacRuns();
    Executable later = Codegen.compile(g, description, o);
    assertArrayEquals(expected, later.predict(in).values().iterator().next(), 0.0);
    assertEquals(runs, InMemoryCompiler.javacRuns(), "no javac run");
    ModelState laterState = ((CompiledModel) later).state();
    Class<?> loaded = laterState.classFor(1);
    assertTrue(laterState.awaitUpgrades(0), "nothing to upgrade");
    later.predict(in);
    assertEquals(loaded, laterState.classFor(1), "the later run started on the upgrade");
    assertEquals(quick.getName(), loaded.getName());
  }
}
