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
 */
final class BatchClasses implements ModelState.Specializer {
  private final Graph model;
  private final String description;
  private final Codegen.Options options;
  private final ClassCache cache;

  BatchClasses(Graph model, String description, Codegen.Options options) {
    this.model = model;
    this.description = description;
    this.options = options;
    // a dump is written while the source is generated, so dumping bypasses the cache
    this.cache = options.cache() == null || options.dump() != null ? null : new ClassCache(options.cache());
  }

  @Override
  public CompiledModel create(int batch, ModelState state) {
    return createAll(new int[] {batch}, state).get(batch);
  }

  /** Each size from the cache if it is there; every other size's source, then one javac run for all of them. */
  @Override
  public Map<Integer, CompiledModel> createAll(int[] batches, ModelState state) {
    Map<Integer, CompiledModel> made = new LinkedHashMap<>();
    Map<Integer, String> missing = new LinkedHashMap<>(); // size to cache key (null: no cache)
    for (int b : batches) {
      String key = cache == null ? null : key(b);
      CompiledModel cached = key == null ? null : fromCache(b, key, state);
      if (cached != null) {
        made.put(b, cached);
      } else {
        missing.put(b, key);
      }
    }
    if (missing.isEmpty()) {
      return made;
    }
    if (cache != null) {
      InMemoryCompiler.warmUpInBackground(); // overlaps javac's warm-up with source generation
    }
    Map<String, String> sources = new LinkedHashMap<>();
    for (int b : missing.keySet()) {
      sources.put(name(b), Codegen.generateSource(model, description, b, Codegen.RUNTIME_PACKAGE, simpleName(b), options));
    }
    Map<String, InMemoryCompiler.Compiled> compiled = InMemoryCompiler.compileAll(sources);
    missing.forEach((b, key) -> {
      InMemoryCompiler.Compiled c = compiled.get(name(b));
      if (key != null) {
        cache.write(key, c.classFiles());
      }
      made.put(b, Codegen.instantiate(name(b), c.type(), state));
    });
    return made;
  }

  /** The cached class for {@code batch} joined to {@code state}, or null (none, unreadable, or no longer linking). */
  private CompiledModel fromCache(int batch, String key, ModelState state) {
    Map<String, byte[]> files = cache.read(key);
    if (files == null) {
      return null;
    }
    try {
      return Codegen.instantiate(name(batch), InMemoryCompiler.define(name(batch), files).type(), state);
    } catch (LinkageError | RuntimeException e) {
      return null; // stale or damaged: compile it again, which rewrites the entry
    }
  }

  private String key(int batch) {
    return Codegen.key(model, description, batch, Codegen.RUNTIME_PACKAGE, simpleName(batch), options);
  }

  private String simpleName(int batch) {
    return Codegen.className(model, batch);
  }

  private String name(int batch) {
    return Codegen.RUNTIME_PACKAGE + "." + simpleName(batch);
  }
}
