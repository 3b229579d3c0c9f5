package dev.cortado.codegen;

import dev.cortado.codegen.compile.ClassCache;
import dev.cortado.codegen.compile.InMemoryCompiler;
import dev.cortado.ir.Graph;
import dev.cortado.runtime.CompiledModel;
import dev.cortado.runtime.ModelState;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes a model's class for a batch size at run time: from the {@link ClassCache} when the
 * options name one and it holds the class, else by generating the source and compiling it (then
 * storing the class files there). Several sizes at once compile in one javac run. With {@code
 * -Dcortado.dump} set the cache is neither read nor written, so every pass is dumped.
 *
 * <p>When the options' kernel has a quick-start kernel ({@link Codegen.Options#withQuickStart}),
 * a size missing from the cache first gets that kernel's class, and {@link #upgrades} makes the
 * options' own class later on a background thread ({@link ModelState#upgradeLater}).
 *
 * <p>The classes hold the split step's halves once the state asks for them ({@link
 * ModelState#splitStep()}: the first {@code accumulateGradients} or {@code applyGradients}), and
 * not before; the cache keeps the two kinds under different keys.
 */
final class BatchClasses implements ModelState.Specializer {
  private final Graph model;
  private final String description;
  /** The options as compiled with; {@link #options(ModelState)} adds the split step when asked. */
  private final Codegen.Options base;
  private final ClassCache cache;

  BatchClasses(Graph model, String description, Codegen.Options options) {
    this.model = model;
    this.description = description;
    this.base = options;
    // a dump is written while the source is generated, so dumping bypasses the cache
    this.cache = options.cache() == null || options.dump() != null ? null : new ClassCache(options.cache());
  }

  @Override
  public CompiledModel create(int batch, ModelState state) {
    return createAll(new int[] {batch}, state).get(batch);
  }

  /**
   * Each size from the cache if it is there; every other size's source, then one javac run for
   * all of them. Sizes made with the quick-start kernel are marked for an upgrade.
   */
  @Override
  public Map<Integer, CompiledModel> createAll(int[] batches, ModelState state) {
    Codegen.Options options = options(state);
    Map<Integer, CompiledModel> made = new LinkedHashMap<>();
    Map<Integer, String> missing = new LinkedHashMap<>(); // size to cache key of its first class (null: no cache)
    java.util.List<Integer> marked = new java.util.ArrayList<>(); // sizes made with the quick-start kernel
    for (int b : batches) {
      Codegen.Options start = options.firstClass(model, b);
      CompiledModel cached = cache == null ? null : fromCache(b, key(b, options), state);
      if (cached == null && start != options && cache != null) {
        cached = fromCache(b, key(b, start), state);
        if (cached != null) {
          marked.add(b);
        }
      }
      if (cached != null) {
        made.put(b, cached);
      } else {
        missing.put(b, cache == null ? null : key(b, start));
        if (start != options) {
          marked.add(b);
        }
      }
    }
    if (!missing.isEmpty()) {
      compile(options, missing, state, made);
    }
    if (!marked.isEmpty()) {
      state.upgradeLater(this, marked.stream().mapToInt(Integer::intValue).toArray());
    }
    return made;
  }

  /** The first classes of the sizes in {@code missing} (size to cache key), in one javac run. */
  private void compile(Codegen.Options options, Map<Integer, String> missing, ModelState state,
      Map<Integer, CompiledModel> made) {
    if (cache != null) {
      InMemoryCompiler.warmUpInBackground(); // overlaps javac's warm-up with source generation
    }
    Map<String, String> sources = new LinkedHashMap<>();
    for (int b : missing.keySet()) {
      sources.put(name(b), source(b, options.firstClass(model, b)));
    }
    Map<String, InMemoryCompiler.Compiled> compiled = InMemoryCompiler.compileAll(sources);
    missing.forEach((b, key) -> {
      InMemoryCompiler.Compiled c = compiled.get(name(b));
      if (key != null) {
        cache.write(key, c.classFiles());
      }
      made.put(b, CompiledModel.instantiate(c.type(), state));
    });
  }

  /**
   * The classes of the options' own kernel for sizes that started with the quick-start kernel
   * (on the background thread of {@link ModelState#upgradeLater}), compiled in one javac run and
   * stored in the cache; a size whose source is the same as its first class's is left out.
   */
  @Override
  public Map<Integer, Class<? extends CompiledModel>> upgrades(int[] batches, ModelState state) {
    Codegen.Options options = options(state);
    Map<String, String> sources = new LinkedHashMap<>();
    Map<Integer, String> names = new LinkedHashMap<>();
    for (int b : batches) {
      String s = source(b, options);
      if (!s.equals(source(b, options.firstClass(model, b)))) {
        sources.put(name(b), s);
        names.put(b, name(b));
      }
    }
    Map<String, InMemoryCompiler.Compiled> compiled = InMemoryCompiler.compileAll(sources);
    Map<Integer, Class<? extends CompiledModel>> out = new LinkedHashMap<>();
    names.forEach((b, n) -> {
      InMemoryCompiler.Compiled c = compiled.get(n);
      if (cache != null) {
        cache.write(key(b, options), c.classFiles());
      }
      out.put(b, c.type().asSubclass(CompiledModel.class));
    });
    return out;
  }

  /** The options for {@code state}'s classes: with the split step's halves once it asked for them. */
  private Codegen.Options options(ModelState state) {
    return state.splitStep() ? base.withSplitStep(true) : base;
  }

  private String source(int batch, Codegen.Options o) {
    return Codegen.generateSource(model, description, batch, Codegen.RUNTIME_PACKAGE, simpleName(batch), o);
  }

  /** The cached class for {@code batch} joined to {@code state}, or null (none, unreadable, or no longer linking). */
  private CompiledModel fromCache(int batch, String key, ModelState state) {
    Map<String, byte[]> files = cache.read(key);
    if (files == null) {
      return null;
    }
    try {
      return CompiledModel.instantiate(InMemoryCompiler.define(name(batch), files).type(), state);
    } catch (LinkageError | RuntimeException e) {
      return null; // stale or damaged: compile it again, which rewrites the entry
    }
  }

  private String key(int batch, Codegen.Options o) {
    return Codegen.key(model, description, batch, Codegen.RUNTIME_PACKAGE, simpleName(batch), o);
  }

  private String simpleName(int batch) {
    return Codegen.className(model, batch);
  }

  private String name(int batch) {
    return Codegen.RUNTIME_PACKAGE + "." + simpleName(batch);
  }
}
