package dev.cortado.maven;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.dsl.Model;
import dev.cortado.ir.VariableInfo;
import dev.cortado.maven.fixtures.Broken;
import dev.cortado.maven.fixtures.TinyClassifier;
import dev.cortado.maven.fixtures.TinyRegression;
import dev.cortado.runtime.Checkpoint;
import dev.cortado.runtime.Executable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTest {
  @TempDir Path dir;
  private Path sources;
  private Path weights;
  private Path definitionsJar;
  private final List<String> log = new ArrayList<>();
  private int generated;

  private static final Definition REGRESSION =
      new Definition(TinyRegression.class.getName(), "com.example.gen.RegressionStep");
  private static final Definition CLASSIFIER = new Definition(TinyClassifier.class.getName(), null);

  @BeforeEach
  void setUp() throws IOException {
    sources = dir.resolve("generated-sources");
    weights = dir.resolve("generated-resources");
    definitionsJar = models("version 1");
  }

  /** A definitions jar whose one class file holds {@code content}. */
  private Path models(String content) throws IOException {
    return FingerprintTest.jar(dir.resolve("models.jar"), Map.of("com/example/M.class", content), 0L);
  }

  /** The real code generator, counting its calls. */
  private Generator generator(Path classPathEntry) {
    return new Generator(getClass().getClassLoader(), List.of(classPathEntry), sources, weights,
        dir.resolve("state.txt"), (m, pkg, cls, batch, split) -> {
          generated++;
          return Generator.DECLARED.source(m, pkg, cls, batch, split);
        }, log::add);
  }

  private Generator.Result run(List<Definition> defs) throws Exception {
    return generator(definitionsJar).run(defs, false);
  }

  @Test
  void writesOneSourceAndOneCheckpointPerDefinition() throws Exception {
    Generator.Result r = run(List.of(REGRESSION, CLASSIFIER));
    assertFalse(r.upToDate());
    Path regression = sources.resolve("com/example/gen/RegressionStep.java");
    Path classifier = sources.resolve("dev/cortado/maven/fixtures/TinyClassifierExecutable.java");
    assertEquals(List.of(regression, classifier, weights.resolve("com/example/gen/RegressionStep.safetensors"),
        weights.resolve("dev/cortado/maven/fixtures/TinyClassifierExecutable.safetensors")), r.written());
    assertEquals(new TinyRegression().build().generateSource("com.example.gen", "RegressionStep"),
        Files.readString(regression));
    assertEquals(new TinyClassifier().build().generateSource("dev.cortado.maven.fixtures",
        "TinyClassifierExecutable"), Files.readString(classifier));
    assertTrue(log.get(0).startsWith("Generated com.example.gen.RegressionStep from "
        + TinyRegression.class.getName() + " (training with sgd"), log.get(0));
    assertTrue(log.get(0).endsWith(", batch 32)"), log.get(0));
    assertTrue(log.get(1).endsWith("(inference only, batch 32)"), log.get(1));
  }

  @Test
  void theCheckpointHoldsTheModelsInitialVariablesAndLoadsIntoAFreshExecutable() throws Exception {
    run(List.of(REGRESSION));
    Model model = new TinyRegression().build();
    Executable exe = model.interpret(model.declaredOptimizer());
    exe.setParameter("w", new double[] {9, 9, 9});
    Checkpoint.load(exe, weights.resolve("com/example/gen/RegressionStep.safetensors"));
    for (VariableInfo v : model.graph().variables().values()) {
      assertArrayEquals(v.initialValue(), exe.parameter(v.name()), v.name());
    }
    assertFalse(exe.parameter("w")[0] == 0.0, "glorot-initialised, not zero");
  }

  @Test
  void aConfiguredBatchSizeIsPassedToTheGeneratorAndChangesTheFingerprint() throws Exception {
    run(List.of(REGRESSION));
    Definition one = new Definition(TinyRegression.class.getName(), "com.example.gen.RegressionStep", 1);
    assertFalse(run(List.of(one)).upToDate());
    String source = Files.readString(sources.resolve("com/example/gen/RegressionStep.java"));
    assertEquals(new TinyRegression().build().generateSource("com.example.gen", "RegressionStep",
        new TinyRegression().build().declaredOptimizer(), 1), source);
    assertFalse(source.equals(new TinyRegression().build().generateSource("com.example.gen", "RegressionStep")));
    assertTrue(run(List.of(one)).upToDate());
  }

  @Test
  void anotherKernelSettingRegenerates() throws Exception {
    String before = System.getProperty("cortado.rowsPerPass");
    try {
      System.setProperty("cortado.rowsPerPass", "1");
      run(List.of(CLASSIFIER));
      assertTrue(run(List.of(CLASSIFIER)).upToDate());
      System.setProperty("cortado.rowsPerPass", "2");
      assertFalse(run(List.of(CLASSIFIER)).upToDate(), "source generated for one row per pass is stale");
      assertTrue(run(List.of(CLASSIFIER)).upToDate());
    } finally {
      if (before == null) {
        System.clearProperty("cortado.rowsPerPass");
      } else {
        System.setProperty("cortado.rowsPerPass", before);
      }
    }
  }

  @Test
  void aSecondRunWithTheSameInputsIsSkipped() throws Exception {
    run(List.of(REGRESSION, CLASSIFIER));
    Path source = sources.resolve("com/example/gen/RegressionStep.java");
    Files.setLastModifiedTime(source, FileTime.fromMillis(1_000_000));
    int before = generated;
    Generator.Result r = run(List.of(REGRESSION, CLASSIFIER));
    assertTrue(r.upToDate());
    assertEquals(before, generated, "no model generated");
    assertEquals(FileTime.fromMillis(1_000_000), Files.getLastModifiedTime(source), "not rewritten");
  }

  @Test
  void aChangedDefinitionsJarRegenerates() throws Exception {
    run(List.of(REGRESSION));
    models("version 2");
    assertFalse(run(List.of(REGRESSION)).upToDate());
    assertTrue(run(List.of(REGRESSION)).upToDate());
  }

  @Test
  void aChangedClassFolderRegeneratesAndAnUnchangedRebuildDoesNot() throws Exception {
    Path classes = Files.createDirectories(dir.resolve("classes/com/example"));
    Path file = Files.writeString(classes.resolve("Model.class"), "bytes 1");
    generator(dir.resolve("classes")).run(List.of(REGRESSION), false);
    Files.writeString(file, "bytes 1");
    Files.setLastModifiedTime(file, FileTime.fromMillis(2_000_000));
    assertTrue(generator(dir.resolve("classes")).run(List.of(REGRESSION), false).upToDate(),
        "same bytes, new timestamp");
    Files.writeString(classes.resolve("Other.class"), "new class");
    assertFalse(generator(dir.resolve("classes")).run(List.of(REGRESSION), false).upToDate());
  }

  @Test
  void aChangedPluginOrCodegenJarRegenerates() throws Exception {
    Path plugin = Files.writeString(dir.resolve("cortado-maven-plugin.jar"), "plugin 1");
    Generator g = new Generator(getClass().getClassLoader(), List.of(definitionsJar, plugin),
        sources, weights, dir.resolve("state.txt"), (m, p, c, b, s) -> "// " + c, log::add);
    g.run(List.of(REGRESSION), false);
    assertTrue(g.run(List.of(REGRESSION), false).upToDate());
    Files.writeString(plugin, "plugin 2");
    assertFalse(g.run(List.of(REGRESSION), false).upToDate());
  }

  @Test
  void aDeletedOrEditedOutputIsRegenerated() throws Exception {
    run(List.of(REGRESSION));
    Path source = sources.resolve("com/example/gen/RegressionStep.java");
    String original = Files.readString(source);
    Files.writeString(source, original + "// edited by hand\n");
    assertFalse(run(List.of(REGRESSION)).upToDate());
    assertEquals(original, Files.readString(source));
    Files.delete(weights.resolve("com/example/gen/RegressionStep.safetensors"));
    assertFalse(run(List.of(REGRESSION)).upToDate());
    assertTrue(Files.exists(weights.resolve("com/example/gen/RegressionStep.safetensors")));
  }

  @Test
  void forceRegeneratesUnchangedInputs() throws Exception {
    run(List.of(REGRESSION));
    assertFalse(generator(definitionsJar).run(List.of(REGRESSION), true).upToDate());
  }

  @Test
  void renamingTheGeneratedClassDeletesTheOldFiles() throws Exception {
    run(List.of(REGRESSION));
    Generator.Result r = run(List.of(new Definition(TinyRegression.class.getName(), "com.example.gen.Renamed")));
    assertFalse(r.upToDate());
    assertEquals(2, r.deleted().size(), r.deleted().toString());
    assertFalse(Files.exists(sources.resolve("com/example/gen/RegressionStep.java")));
    assertFalse(Files.exists(weights.resolve("com/example/gen/RegressionStep.safetensors")));
    assertTrue(Files.exists(sources.resolve("com/example/gen/Renamed.java")));
  }

  @Test
  void aBadDefinitionFailsNamingItAndLeavesThePreviousOutputs() throws Exception {
    run(List.of(REGRESSION));
    Path source = sources.resolve("com/example/gen/RegressionStep.java");
    String before = Files.readString(source);
    models("version 2");
    String bad = Broken.Throws.class.getName();
    GenerationException e = assertThrows(GenerationException.class,
        () -> run(List.of(REGRESSION, new Definition(bad, "com.example.gen.Bad"))));
    assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    assertEquals(before, Files.readString(source));
    assertFalse(Files.exists(sources.resolve("com/example/gen/Bad.java")));
    assertFalse(run(List.of(REGRESSION)).upToDate(), "the failed run did not record its inputs");
  }

  @Test
  void aCodeGeneratorFailureNamesTheDefinition() {
    Generator g = new Generator(getClass().getClassLoader(), List.of(), sources, weights,
        dir.resolve("state.txt"), (m, p, c, b, s) -> {
          throw new UnsupportedOperationException("op FOO has no kernel");
        }, log::add);
    GenerationException e = assertThrows(GenerationException.class, () -> g.run(List.of(REGRESSION), false));
    assertEquals("cannot generate com.example.gen.RegressionStep from model definition class '"
        + TinyRegression.class.getName() + "': java.lang.UnsupportedOperationException: op FOO has no kernel",
        e.getMessage());
  }

  @Test
  void withoutAWeightsFolderOnlySourcesAreWritten() throws Exception {
    Generator g = new Generator(getClass().getClassLoader(), List.of(), sources, null,
        dir.resolve("state.txt"), (m, p, c, b, s) -> "// " + c, log::add);
    assertEquals(List.of(sources.resolve("com/example/gen/RegressionStep.java")),
        g.run(List.of(REGRESSION), false).written());
    assertFalse(Files.exists(weights));
  }

  @Test
  void theConfigurationIsCheckedBeforeAnythingIsLoaded() {
    String r = TinyRegression.class.getName();
    assertEquals("model definition classes '" + r + "' and '" + r + "' both generate a.B",
        invalid(new Definition(r, "a.B"), new Definition(r, "a.B")));
    assertEquals("generated class 'a.class.B' of model definition class '" + r
        + "' is not a valid qualified Java class name", invalid(new Definition(r, "a.class.B")));
    assertEquals("generated class 'B' of model definition class '" + r
        + "' is in the default package; give it a package in <generatedClass>",
        invalid(new Definition(r, "B")));
    assertEquals("a <definition> has no <className>", invalid(new Definition(null, "a.B")));
    assertEquals("batch size 0 of model definition class '" + r + "' must be at least 1",
        invalid(new Definition(r, "a.B", 0)));
    assertTrue(invalid().startsWith("no <definitions> configured"));
    assertEquals("generated class 'a.var' of model definition class '" + r
        + "': class name \"var\" is not a Java class name: \"var\" cannot name a class",
        invalid(new Definition(r, "a.var")));
  }

  @Test
  void aClassNamedOutsideAsciiIsWrittenInAscii(@TempDir Path dir) throws Exception {
    Generator g = new Generator(getClass().getClassLoader(), List.of(), dir.resolve("src"), null,
        dir.resolve("state"), Generator.DECLARED, m -> {});
    Path file = g.run(List.of(new Definition(TinyRegression.class.getName(), "gen.名前.Modèle")), false).written().get(0);
    assertEquals(dir.resolve("src/gen/名前/Modèle.java"), file);
    String src = Files.readString(file);
    assertTrue(src.chars().allMatch(c -> c == '\n' || c >= 0x20 && c < 0x7f), "compiles whatever the build's encoding");
    assertTrue(src.contains("package gen.\\u540d\\u524d;"), src.substring(0, 200));
  }

  @Test
  void theSplitStepIsAddedOnlyWhenAskedForAndRegeneratesWhenTurnedOn(@TempDir Path dir) throws Exception {
    List<Definition> defs = List.of(new Definition(TinyRegression.class.getName(), "gen.Tiny"));
    Generator without = new Generator(getClass().getClassLoader(), List.of(), dir.resolve("src"), null,
        dir.resolve("state"), Generator.DECLARED, m -> {});
    Path file = without.run(defs, false).written().get(0);
    String plain = Files.readString(file);
    assertFalse(plain.contains("runGradient") || plain.contains("runApply"), "no halves by default");
    List<String> log = new java.util.ArrayList<>();
    Generator with = new Generator(getClass().getClassLoader(), List.of(), dir.resolve("src"), null,
        dir.resolve("state"), Generator.DECLARED, log::add, true);
    Generator.Result r = with.run(defs, false);
    assertFalse(r.upToDate(), "turning the split step on changes what is generated");
    String split = Files.readString(file);
    assertTrue(split.contains("protected void runGradient(") && split.contains("protected void runApply("), split);
    assertTrue(log.get(0).contains("with the split step"), log.toString());
    assertTrue(with.run(defs, false).upToDate());
  }

  private String invalid(Definition... defs) {
    return assertThrows(GenerationException.class, () -> run(List.of(defs))).getMessage();
  }
}
