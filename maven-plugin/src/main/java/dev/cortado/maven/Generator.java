package dev.cortado.maven;

import dev.cortado.codegen.emit.JavaText;
import dev.cortado.dsl.Model;
import dev.cortado.runtime.AtomicFiles;
import dev.cortado.runtime.Checkpoint;
import dev.cortado.runtime.Executable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import javax.lang.model.SourceVersion;

/**
 * The plugin's work without Maven types: for each {@link Definition}, build the model, write
 * {@code model.generateSource(package, class)} (with the split step's halves if asked for) to
 * {@code sourceDir/<package path>/<Class>.java}
 * and, if {@code weightsDir} is set, the model's initial variables as a safetensors checkpoint
 * to {@code weightsDir/<package path>/<Class>.safetensors} (see {@link Checkpoint}: parameters,
 * optimizer state and run-time scalars as a fresh training run starts with them).
 *
 * <p>Every model is built and generated in memory before any file is written, so a bad
 * definition leaves the previous outputs as they were. Each file is written atomically. Files
 * of an earlier run that this run no longer produces are deleted. The run is skipped when the
 * {@link Fingerprint} of the configuration and class path equals the recorded one and the
 * recorded outputs are intact ({@link BuildState}).
 */
final class Generator {

  /** Produces the source of one model; in production {@link #DECLARED}. */
  @FunctionalInterface
  interface SourceFactory {
    /** The source of {@code model}'s class, with the split step's halves if {@code splitStep}. */
    String source(Model model, String packageName, String className, int batchSize, boolean splitStep);
  }

  /**
   * {@code model.generateSource(package, class, declaredOptimizer, batch, splitStep)}: for the
   * default batch size and no split step exactly {@code model.generateSource(package, class)}.
   */
  static final SourceFactory DECLARED = (model, pkg, cls, batch, splitStep) ->
      model.generateSource(pkg, cls, model.declaredOptimizer(), batch, splitStep);

  /** What a run did. */
  record Result(boolean upToDate, List<Path> written, List<Path> deleted) {}

  private final ClassLoader loader;
  private final List<Path> classPath;
  private final Path sourceDir;
  private final Path weightsDir;
  private final Path stateFile;
  private final SourceFactory sources;
  private final Consumer<String> log;
  /** Whether each class gets the split step's halves ({@code accumulateGradients}, {@code applyGradients}). */
  private final boolean splitStep;

  /** Classes without the split step. */
  Generator(ClassLoader loader, List<Path> classPath, Path sourceDir, Path weightsDir,
      Path stateFile, SourceFactory sources, Consumer<String> log) {
    this(loader, classPath, sourceDir, weightsDir, stateFile, sources, log, false);
  }

  Generator(ClassLoader loader, List<Path> classPath, Path sourceDir, Path weightsDir,
      Path stateFile, SourceFactory sources, Consumer<String> log, boolean splitStep) {
    this.loader = Objects.requireNonNull(loader, "loader");
    this.classPath = List.copyOf(classPath);
    this.sourceDir = Objects.requireNonNull(sourceDir, "sourceDir");
    this.weightsDir = weightsDir;
    this.stateFile = Objects.requireNonNull(stateFile, "stateFile");
    this.sources = Objects.requireNonNull(sources, "sources");
    this.log = Objects.requireNonNull(log, "log");
    this.splitStep = splitStep;
  }

  Result run(List<Definition> definitions, boolean force) throws GenerationException, IOException {
    validate(definitions);
    String fingerprint = fingerprint(definitions);
    BuildState previous = BuildState.read(stateFile);
    if (!force && previous != null && previous.fingerprint().equals(fingerprint)
        && previous.outputsIntact()) {
      return new Result(true, List.of(), List.of());
    }
    Map<Path, byte[]> files = new LinkedHashMap<>();
    Map<Path, Executable> weights = new LinkedHashMap<>();
    Thread thread = Thread.currentThread();
    ClassLoader old = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      DefinitionLoader definitionLoader = new DefinitionLoader(loader);
      for (Definition d : definitions) {
        Model model = definitionLoader.load(d.className());
        String relative = d.generatedClass().replace('.', '/');
        files.put(sourceDir.resolve(relative + ".java"),
            generate(d, model).getBytes(StandardCharsets.UTF_8));
        if (weightsDir != null) {
          weights.put(weightsDir.resolve(relative + ".safetensors"), initialState(d, model));
        }
      }
    } finally {
      thread.setContextClassLoader(old);
    }
    List<Path> written = new ArrayList<>();
    for (Map.Entry<Path, byte[]> f : files.entrySet()) {
      AtomicFiles.write(f.getKey(), f.getValue());
      written.add(f.getKey());
    }
    for (Map.Entry<Path, Executable> w : weights.entrySet()) {
      Checkpoint.save(w.getValue(), w.getKey());
      written.add(w.getKey());
    }
    List<Path> deleted = deleteStale(previous, written);
    Files.deleteIfExists(stateFile);
    BuildState.of(fingerprint, written).write(stateFile);
    return new Result(false, written, deleted);
  }

  private String generate(Definition d, Model model) throws GenerationException {
    String source;
    try {
      source = sources.source(model, d.generatedPackage(), d.generatedSimpleName(), d.batchSize(), splitStep);
    } catch (RuntimeException | LinkageError e) {
      throw new GenerationException("cannot generate " + d.generatedClass()
          + " from model definition class '" + d.className().strip() + "': " + e, e);
    }
    if (source == null || source.isEmpty()) {
      throw new GenerationException("the code generator returned no source for model definition"
          + " class '" + d.className().strip() + "'");
    }
    log.accept("Generated " + d.generatedClass() + " from " + d.className().strip() + " ("
        + describe(model) + ", batch " + d.batchSize() + (splitStep ? ", with the split step" : "") + ")");
    return source;
  }

  private static String describe(Model model) {
    return model.declaredOptimizer() == null ? "inference only"
        : "training with " + model.declaredOptimizer().describe();
  }

  /** The variables a fresh executable of this model starts with: the interpreter's. */
  private static Executable initialState(Definition d, Model model) throws GenerationException {
    try {
      return model.declaredOptimizer() == null ? model.interpret()
          : model.interpret(model.declaredOptimizer());
    } catch (RuntimeException e) {
      throw new GenerationException("cannot build the initial state of model definition class '"
          + d.className().strip() + "': " + e, e);
    }
  }

  private List<Path> deleteStale(BuildState previous, List<Path> written) throws IOException {
    List<Path> deleted = new ArrayList<>();
    if (previous == null) {
      return deleted;
    }
    List<Path> keep = written.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    for (Path old : previous.outputs().keySet()) {
      if (!keep.contains(old) && Files.deleteIfExists(old)) {
        deleted.add(old);
        log.accept("Deleted " + old + ", no longer configured");
      }
    }
    return deleted;
  }

  private String fingerprint(List<Definition> definitions) throws IOException {
    Fingerprint f = new Fingerprint().text("format", "cortado-maven-plugin 1");
    for (Definition d : definitions) {
      f.text("definition", d.className().strip()).text("generated", d.generatedClass())
          .text("batch", Integer.toString(d.batchSize()));
    }
    // the code generator's settings that change the source: the matmul kernel (its terms per pass
    // follow the JDK running Maven, or -Dcortado.rowsPerPass and -Dcortado.termsPerPass) and
    // -Dcortado.threads
    dev.cortado.codegen.Codegen.Options o = dev.cortado.codegen.Codegen.Options.defaults();
    f.text("kernel", o.matmul().key()).text("threads", Integer.toString(o.threads()));
    f.text("splitStep", Boolean.toString(splitStep));
    f.text("sources", sourceDir.toAbsolutePath().normalize().toString());
    f.text("weights", weightsDir == null ? "" : weightsDir.toAbsolutePath().normalize().toString());
    for (Path entry : classPath) {
      f.entry(entry);
    }
    return f.hex();
  }

  /** Checks the configuration before anything is loaded: names present, valid and distinct. */
  static void validate(List<Definition> definitions) throws GenerationException {
    if (definitions == null || definitions.isEmpty()) {
      throw new GenerationException("no <definitions> configured: list at least one"
          + " <definition><className>...</className></definition>, or set <skip>true</skip>");
    }
    Map<String, String> byGenerated = new LinkedHashMap<>();
    for (Definition d : definitions) {
      if (d == null || d.className() == null || d.className().isBlank()) {
        throw new GenerationException("a <definition> has no <className>");
      }
      String generated = d.generatedClass();
      if (!SourceVersion.isName(generated)) {
        throw new GenerationException("generated class '" + generated + "' of model definition"
            + " class '" + d.className().strip() + "' is not a valid qualified Java class name");
      }
      if (d.generatedPackage().isEmpty()) {
        throw new GenerationException("generated class '" + generated + "' of model definition"
            + " class '" + d.className().strip() + "' is in the default package; give it a"
            + " package in <generatedClass>");
      }
      try {
        JavaText.requireQualifiedName("package name", d.generatedPackage());
        JavaText.requireSimpleName("class name", d.generatedSimpleName());
      } catch (IllegalArgumentException e) {
        throw new GenerationException("generated class '" + generated + "' of model definition class '"
            + d.className().strip() + "': " + e.getMessage());
      }
      if (d.batchSize() < 1) {
        throw new GenerationException("batch size " + d.batchSize() + " of model definition class '"
            + d.className().strip() + "' must be at least 1");
      }
      String other = byGenerated.putIfAbsent(generated, d.className().strip());
      if (other != null) {
        throw new GenerationException("model definition classes '" + other + "' and '"
            + d.className().strip() + "' both generate " + generated);
      }
    }
  }
}
