package dev.cortado.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.dsl.Model;
import dev.cortado.maven.fixtures.Broken;
import dev.cortado.maven.fixtures.TinyClassifier;
import dev.cortado.maven.fixtures.TinyRegression;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DefinitionLoaderTest {
  private final DefinitionLoader loader = new DefinitionLoader(getClass().getClassLoader());

  @Test
  void buildsTheModelOfATrainingDefinition() throws Exception {
    Model m = loader.load(" " + TinyRegression.class.getName() + "\n");
    assertEquals("TinyRegression", m.name());
    assertEquals("sgd(lr=0.1)", m.declaredOptimizer().describe().replace(" ", ""));
    assertEquals(2, m.variables().size());
  }

  @Test
  void anInferenceDefinitionDeclaresNoOptimizer() throws Exception {
    assertNull(loader.load(TinyClassifier.class.getName()).declaredOptimizer());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "com.example.Missing | was not found; put the jar or module that holds it in the plugin's <dependencies>",
      "dev.cortado.maven.fixtures.Broken$NotADefinition | does not extend dev.cortado.dsl.ModelDefinition",
      "dev.cortado.maven.fixtures.Broken$ShapeMismatch | failed in define(): ",
      "dev.cortado.maven.fixtures.Broken$Throws | failed in define(): java.lang.IllegalStateException: no data for the vocabulary",
      "dev.cortado.maven.fixtures.Broken$NeedsArgument | has no constructor without arguments",
      "dev.cortado.maven.fixtures.Broken$Abstract | is abstract",
      "dev.cortado.maven.fixtures.Broken$FailingConstructor | threw from its constructor: java.lang.IllegalArgumentException: missing configuration file models.properties",
      "com.example.9lives | is not a valid Java class name",
  })
  void badDefinitionsAreReportedByClassName(String className, String reason) {
    GenerationException e = assertThrows(GenerationException.class, () -> loader.load(className));
    assertTrue(e.getMessage().startsWith("model definition class '" + className + "' " + reason),
        e.getMessage());
  }

  @Test
  void aShapeErrorInDefineKeepsTheDslsMessage() {
    GenerationException e = assertThrows(GenerationException.class,
        () -> loader.load(Broken.ShapeMismatch.class.getName()));
    assertTrue(e.getMessage().contains("matmul"), e.getMessage());
    assertTrue(e.getMessage().contains("[4, 1]") || e.getMessage().contains("4, 1"), e.getMessage());
  }

  @Test
  void aMissingClassNameIsReported() {
    GenerationException e = assertThrows(GenerationException.class, () -> loader.load(" "));
    assertEquals("a <definition> has no <className>", e.getMessage());
  }
}
