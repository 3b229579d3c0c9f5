package dev.cortado.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Generates the Java source of each configured model definition (a class extending {@code
 * dev.cortado.dsl.ModelDefinition}, found on this plugin's class path, that is, in the jars
 * listed among the plugin's dependencies) into {@link #outputDirectory}, which becomes
 * a compile source root, and the model's initial variables as ClassName.safetensors into
 * {@link #resourceDirectory}, which becomes a resource root. The source is exactly what {@code
 * model.generateSource(package, class, model.declaredOptimizer(), batchSize)} returns (for the
 * default batch size, {@code model.generateSource(package, class)}): the declared optimizer's
 * training step, or inference only. Skipped when neither the definitions, the configuration nor the plugin
 * changed since the last run. See docs/maven-plugin.md.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class GenerateMojo extends AbstractMojo {

  /**
   * The model definitions to generate, at least one: a {@code definition} element per generated
   * class, holding {@code className}, the binary name of a class extending {@code
   * dev.cortado.dsl.ModelDefinition} in a jar among the plugin's dependencies ({@code
   * Outer$Inner} for a nested class); {@code generatedClass} (optional), the fully qualified name
   * of the class to generate, which must be in a package (default: the definition's name followed
   * by {@code Executable}); and {@code batchSize} (optional), the one batch size the generated
   * class runs (default 32). List a definition again with another {@code generatedClass} and
   * {@code batchSize} for more batch sizes.
   */
  @Parameter
  private List<Definition> definitions;

  /**
   * The directory the generated sources are written to, one {@code .java} file per definition
   * under its package's directories; added to the project's compile source roots.
   */
  @Parameter(defaultValue = "${project.build.directory}/generated-sources/cortado",
      property = "cortado.outputDirectory", required = true)
  private File outputDirectory;

  /**
   * The directory the initial-weights checkpoints are written to, as
   * package/path/ClassName.safetensors, so each is a resource beside its class; added to the project's
   * resource directories when {@code initialWeights} is true.
   */
  @Parameter(defaultValue = "${project.build.directory}/generated-resources/cortado",
      property = "cortado.resourceDirectory", required = true)
  private File resourceDirectory;

  /**
   * Whether to write ClassName.safetensors with each model's initial variables into
   * {@code resourceDirectory}, so the application can start from the values the definition's
   * seed draws.
   */
  @Parameter(defaultValue = "true", property = "cortado.initialWeights")
  private boolean initialWeights;

  /** Skips the goal: nothing is generated and no source or resource root is added. */
  @Parameter(defaultValue = "false", property = "cortado.skip")
  private boolean skip;

  /**
   * Regenerates even when the definitions, the configuration and the plugin are unchanged since
   * the last run (the goal otherwise skips generation, saying the models are up to date).
   */
  @Parameter(defaultValue = "false", property = "cortado.force")
  private boolean force;

  /** The project being built, whose source and resource roots the goal extends. */
  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  private MavenProject project;

  /** This plugin's descriptor, whose artifacts are the class path the definitions are loaded from. */
  @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
  private PluginDescriptor plugin;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Skipping cortado:generate (skip=true)");
      return;
    }
    Path stateFile = Path.of(project.getBuild().getDirectory(), "cortado-maven-plugin",
        "state-" + project.getArtifactId() + "-" + executionKey() + ".txt");
    Generator generator = new Generator(getClass().getClassLoader(), classPath(),
        outputDirectory.toPath(), initialWeights ? resourceDirectory.toPath() : null, stateFile,
        Generator.DECLARED, getLog()::info);
    long start = System.nanoTime();
    Generator.Result result;
    try {
      result = generator.run(definitions, force);
    } catch (GenerationException e) {
      throw new MojoFailureException(e.getMessage(), e);
    } catch (IOException e) {
      throw new MojoExecutionException("cortado:generate cannot write its output: " + e, e);
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (result.upToDate()) {
      getLog().info("Cortado models are up to date (" + definitions.size() + " definition"
          + (definitions.size() == 1 ? "" : "s") + ", checked in " + millis + " ms)");
    } else {
      getLog().info("Generated " + result.written().size() + " file(s) in " + millis + " ms");
    }
    project.addCompileSourceRoot(outputDirectory.getAbsolutePath());
    if (initialWeights) {
      addResourceRoot();
    }
  }

  /** Separates the state of several executions in one module. */
  private String executionKey() {
    return Integer.toHexString(outputDirectory.getAbsolutePath().hashCode());
  }

  private void addResourceRoot() {
    String dir = resourceDirectory.getAbsolutePath();
    for (Resource r : project.getResources()) {
      if (dir.equals(new File(r.getDirectory()).getAbsolutePath())) {
        return;
      }
    }
    Resource resource = new Resource();
    resource.setDirectory(dir);
    project.addResource(resource);
  }

  /** The plugin's own jar and every jar of its class realm: the definitions, the DSL, codegen. */
  private List<Path> classPath() {
    Set<Path> entries = new LinkedHashSet<>();
    Artifact self = plugin.getPluginArtifact();
    if (self != null && self.getFile() != null) {
      entries.add(self.getFile().toPath());
    }
    for (Artifact a : plugin.getArtifacts()) {
      if (a.getFile() != null) {
        entries.add(a.getFile().toPath());
      }
    }
    return new ArrayList<>(entries);
  }
}
