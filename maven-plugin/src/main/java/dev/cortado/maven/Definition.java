package dev.cortado.maven;

import dev.cortado.codegen.Codegen;
import java.util.Objects;

/**
 * One {@code <definition>} of the plugin's configuration: a class extending {@code
 * dev.cortado.dsl.ModelDefinition} and the fully qualified name of the class generated from it.
 *
 * <pre>{@code
 * <definition>
 *   <className>com.example.models.Regression</className>
 *   <generatedClass>com.example.generated.RegressionStep</generatedClass>  <!-- optional -->
 *   <batchSize>64</batchSize>                                               <!-- optional -->
 * </definition>
 * }</pre>
 *
 * <p>A generated class is specialised to one batch size (literal loop bounds), {@value
 * #DEFAULT_BATCH} unless {@code batchSize} says otherwise; list a definition again with another
 * {@code generatedClass} and {@code batchSize} for more sizes, and join the instances with the
 * generated {@code (ModelState)} constructor so they share their variables.
 *
 * <p>Without {@code generatedClass} the generated class takes the definition's package and its
 * simple name followed by {@value #DEFAULT_SUFFIX} ({@code com.example.models.RegressionExecutable}).
 * Maven fills the fields by name; the constructor is for tests and code.
 */
public final class Definition {
  /** Appended to the definition's simple name when no generated class is configured. */
  public static final String DEFAULT_SUFFIX = "Executable";
  /** The batch size of a class without {@code batchSize}: the code generator's default. */
  public static final int DEFAULT_BATCH = Codegen.DEFAULT_BATCH;

  private String className;
  private String generatedClass;
  private Integer batchSize;

  /** For Maven, which sets the fields from the XML. */
  public Definition() {}

  /**
   * A definition generating the default batch size.
   *
   * @param className the definition's binary class name
   * @param generatedClass the generated class's fully qualified name, or null for the default
   */
  public Definition(String className, String generatedClass) {
    this(className, generatedClass, null);
  }

  /**
   * A definition.
   *
   * @param className the definition's binary class name
   * @param generatedClass the generated class's fully qualified name, or null for the default
   * @param batchSize the batch size the class is generated for, or null for {@value #DEFAULT_BATCH}
   */
  public Definition(String className, String generatedClass, Integer batchSize) {
    this.className = className;
    this.generatedClass = generatedClass;
    this.batchSize = batchSize;
  }

  /**
   * The batch size the class is generated for: the configured one or {@value #DEFAULT_BATCH}.
   *
   * @return the batch size
   */
  public int batchSize() {
    return batchSize == null ? DEFAULT_BATCH : batchSize;
  }

  /**
   * The definition's binary class name, as written in the configuration (may be null there).
   *
   * @return the class name, or null
   */
  public String className() {
    return className;
  }

  /**
   * The configured generated class name, or null for the default.
   *
   * @return the configured name, or null
   */
  public String configuredGeneratedClass() {
    return generatedClass;
  }

  /**
   * The generated class's fully qualified name: the configured one or the default.
   *
   * @return the fully qualified name, stripped of surrounding white space
   */
  public String generatedClass() {
    if (generatedClass != null && !generatedClass.isBlank()) {
      return generatedClass.strip();
    }
    String name = className.strip();
    int nested = name.lastIndexOf('$');
    return (nested >= 0 ? name.substring(0, nested) + "_" + name.substring(nested + 1) : name)
        + DEFAULT_SUFFIX;
  }

  /**
   * The package of {@link #generatedClass()}, empty for the default package.
   *
   * @return the package name
   */
  public String generatedPackage() {
    String fqn = generatedClass();
    int dot = fqn.lastIndexOf('.');
    return dot < 0 ? "" : fqn.substring(0, dot);
  }

  /**
   * The simple name of {@link #generatedClass()}.
   *
   * @return the simple name
   */
  public String generatedSimpleName() {
    String fqn = generatedClass();
    return fqn.substring(fqn.lastIndexOf('.') + 1);
  }

  /** A stable description for fingerprints and messages. */
  @Override
  public String toString() {
    return className + " -> " + (className == null ? generatedClass : generatedClass())
        + " (batch " + batchSize() + ")";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Definition d && Objects.equals(className, d.className)
        && Objects.equals(generatedClass, d.generatedClass) && Objects.equals(batchSize, d.batchSize);
  }

  @Override
  public int hashCode() {
    return Objects.hash(className, generatedClass, batchSize);
  }
}
