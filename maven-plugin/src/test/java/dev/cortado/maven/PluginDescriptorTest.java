package dev.cortado.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What {@code mvn help:describe} shows: the goal's and each parameter's description, taken from
 * their Javadoc into the plugin descriptor. help:describe reads a description as HTML and drops
 * anything between angle brackets, so a {@code <definition>} in a comment would vanish there.
 */
class PluginDescriptorTest {
  @Test
  void everyParameterAUserSetsHasADescriptionThatSurvivesHelpDescribe() throws Exception {
    Element mojo = generateMojo();
    List<String> names = new ArrayList<>();
    NodeList parameters = mojo.getElementsByTagName("parameter");
    for (int i = 0; i < parameters.getLength(); i++) {
      Element p = (Element) parameters.item(i);
      String name = text(p, "name");
      if (!"true".equals(text(p, "editable"))) {
        continue;
      }
      names.add(name);
      String description = text(p, "description");
      assertTrue(description.length() > 40, name + ": a description of more than a few words, got: " + description);
      assertFalse(description.contains("<"), name + ": no angle brackets, which help:describe drops: " + description);
    }
    assertEquals(List.of("definitions", "force", "initialWeights", "outputDirectory", "resourceDirectory", "skip"),
        names.stream().sorted().toList());
  }

  @Test
  void theGoalsDescriptionSurvivesHelpDescribe() throws Exception {
    String description = text(generateMojo(), "description");
    assertTrue(description.startsWith("Generates the Java source"), description);
    assertFalse(description.contains("<"), description);
  }

  /** The {@code generate} goal's element in the descriptor the build wrote into the classes. */
  private static Element generateMojo() throws Exception {
    try (InputStream in = PluginDescriptorTest.class.getResourceAsStream("/META-INF/maven/plugin.xml")) {
      assertNotNull(in, "META-INF/maven/plugin.xml on the test class path");
      Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
      NodeList mojos = doc.getElementsByTagName("mojo");
      for (int i = 0; i < mojos.getLength(); i++) {
        Element m = (Element) mojos.item(i);
        if ("generate".equals(text(m, "goal"))) {
          return m;
        }
      }
      throw new AssertionError("no generate goal in the plugin descriptor");
    }
  }

  /** The text of {@code parent}'s own child {@code tag} (not a grandchild's), empty when absent. */
  private static String text(Element parent, String tag) {
    for (org.w3c.dom.Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) {
        return e.getTextContent().strip();
      }
    }
    return "";
  }
}
