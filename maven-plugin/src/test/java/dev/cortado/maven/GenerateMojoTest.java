package dev.cortado.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.dsl.Model;
import dev.cortado.maven.fixtures.Broken;
import dev.cortado.maven.fixtures.TinyRegression;
import java.io.File;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.apache.maven.model.Build;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Maven side: parameters, skip, source roots and how errors reach the build. */
class GenerateMojoTest {
  @TempDir Path dir;
  private final GenerateMojo mojo = new GenerateMojo();
  private final MavenProject project = new MavenProject();

  @BeforeEach
  void setUp() throws Exception {
    Build build = new Build();
    build.setDirectory(dir.resolve("target").toString());
    project.getModel().setBuild(build);
    project.setArtifactId("app");
    PluginDescriptor plugin = new PluginDescriptor();
    plugin.setArtifacts(List.of());
    set("project", project);
    set("plugin", plugin);
    set("outputDirectory", dir.resolve("target/generated-sources/cortado").toFile());
    set("resourceDirectory", dir.resolve("target/generated-resources/cortado").toFile());
    set("initialWeights", true);
  }

  private void set(String field, Object value) throws Exception {
    Field f = GenerateMojo.class.getDeclaredField(field);
    f.setAccessible(true);
    f.set(mojo, value);
  }

  @Test
  void skipDoesNothingEvenWithABadConfiguration() throws Exception {
    set("skip", true);
    set("definitions", List.of(new Definition("com.example.Missing", null)));
    mojo.execute();
    assertTrue(project.getCompileSourceRoots().isEmpty());
    assertFalse(Files.exists(dir.resolve("target")));
  }

  @Test
  void aMissingClassFailsTheBuildNamingIt() throws Exception {
    set("definitions", List.of(new Definition("com.example.models.Missing", "com.example.gen.M")));
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
    assertTrue(e.getMessage().startsWith("model definition class 'com.example.models.Missing' was not found"),
        e.getMessage());
    assertTrue(project.getCompileSourceRoots().isEmpty());
  }

  @Test
  void aClassThatIsNotADefinitionFailsTheBuildNamingIt() throws Exception {
    String name = Broken.NotADefinition.class.getName();
    set("definitions", List.of(new Definition(name, "com.example.gen.M")));
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
    assertEquals("model definition class '" + name + "' does not extend dev.cortado.dsl.ModelDefinition",
        e.getMessage());
  }

  @Test
  void aDefinitionThatThrowsFailsTheBuildNamingIt() throws Exception {
    String name = Broken.Throws.class.getName();
    set("definitions", List.of(new Definition(name, "com.example.gen.M")));
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
    assertTrue(e.getMessage().startsWith("model definition class '" + name + "' failed in define()"),
        e.getMessage());
  }

  @Test
  void generatesAddsTheRootsAndSkipsAnUnchangedRerun() throws Exception {
    String name = TinyRegression.class.getName();
    set("definitions", List.of(new Definition(name, "com.example.gen.Step", 4)));
    mojo.execute();
    Path sources = dir.resolve("target/generated-sources/cortado");
    Path source = sources.resolve("com/example/gen/Step.java");
    Model model = new TinyRegression().build();
    assertEquals(model.generateSource("com.example.gen", "Step", model.declaredOptimizer(), 4),
        Files.readString(source));
    assertTrue(Files.isRegularFile(dir.resolve("target/generated-resources/cortado/com/example/gen/Step.safetensors")));
    assertEquals(List.of(sources.toString()), project.getCompileSourceRoots());
    assertEquals(List.of(dir.resolve("target/generated-resources/cortado").toString()),
        project.getResources().stream().map(r -> r.getDirectory()).toList());

    FileTime written = Files.getLastModifiedTime(source);
    Files.setLastModifiedTime(source, FileTime.fromMillis(written.toMillis() - 60_000));
    mojo.execute();
    assertEquals(written.toMillis() - 60_000, Files.getLastModifiedTime(source).toMillis(), "not rewritten");
    assertEquals(1, project.getResources().size(), "the resource root is added once");
  }

  @Test
  void withoutInitialWeightsNoResourceRootIsAdded() throws Exception {
    set("initialWeights", false);
    set("definitions", List.of(new Definition(TinyRegression.class.getName(), "com.example.gen.Step", 2)));
    mojo.execute();
    assertTrue(project.getResources().isEmpty());
    assertFalse(Files.exists(dir.resolve("target/generated-resources")));
    assertEquals(1, project.getCompileSourceRoots().size());
  }

  @Test
  void noDefinitionsFailsTheBuild() {
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
    assertTrue(e.getMessage().startsWith("no <definitions> configured"), e.getMessage());
    assertEquals(List.of(), project.getCompileSourceRoots());
    assertFalse(new File(dir.toFile(), "target/generated-sources").exists());
  }
}
