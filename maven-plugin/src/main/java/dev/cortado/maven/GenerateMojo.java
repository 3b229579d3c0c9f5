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
 * listed under the plugin's {@code <dependencies>}) into {@link #outputDirectory}, which becomes
 * a compile source root, and the model's initial variables as {@code <Class>.safetensors} into
 * {@link #resourceDirectory}, which becomes a resource root. The source is exactly what {@code
 * model.generateSource(package, class, model.declaredOptimizer(), batchSize)} returns (for the
 * default batch size, {@code model.generateSource(package, class)}): the declared optimizer's
 * training step, or inference only; with {@link #splitStep}, also the halves of the split step.
 * Skipped when neither the definitions, the configuration nor the plugin
 * changed since the last run. See docs/maven-plugin.md.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class GenerateMojo extends AbstractMojo {

  /** The model definitions to generate, each a {@code <definition>}; see {@link Definition}. */
  @Parameter
  private List<Definition> definitions;

  /** Where the generated sources go; added to the project's compile source roots. */
  @Parameter(defaultValue = "${project.build.directory}/generated-sources/cortado",
      property = "cortado.outputDirectory", required = true)
  private File outputDirectory;

  /** Where the initial-weights checkpoints go; added to the project's resources. */
  @Parameter(defaultValue = "${project.build.directory}/generated-resources/cortado",
      property = "cortado.resourceDirectory", required = true)
  private File resourceDirectory;

  /** Whether to write {@code <Class>.safetensors} with each model's initial variables. */
  @Parameter(defaultValue = "true", property = "cortado.initialWeights")
  private boolean initialWeights;

  /** Skips the goal: nothing is generated and no source root is added. */
  @Parameter(defaultValue = "false", property = "cortado.skip")
  private boolean skip;

  /**
   * Adds the split step's halves to every generated class: the methods {@code
   * Executable.accumulateGradients} and {@code applyGradients} run (gradient accumulation, the
   * Spark trainer). Off by default, since they make a class half as long again or more; without
   * them those calls throw an {@code IllegalStateException} naming this parameter.
   */
  @Parameter(defaultValue = "false", property = "cortado.splitStep")
  private boolean splitStep;

  /** Regenerates even when the inputs did not change. */
  @Parameter(defaultValue = "false", property = "cortado.force")
  private boolean force;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  private MavenProject project;

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
        Generator.DECLARED, getLog()::info, splitStep);
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
