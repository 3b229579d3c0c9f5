package dev.cortado.codegen.emit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.codegen.compile.InMemoryCompiler;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import javax.lang.model.SourceVersion;
import org.junit.jupiter.api.Test;

/**
 * The one escaper, the one mangler and the name checks ({@link JavaText}), tried against javac
 * itself: hostile texts placed in string literals, line comments and Javadoc of one class must
 * leave it compiling with the literals meaning the texts exactly, and nothing else run.
 */
class JavaTextTest {
  /** Texts an attacker or a careless user would try; the backslashes are real (\\u is six characters). */
  static final List<String> HOSTILE = List.of(
      "a\\u000aSystem.exit(3);//", "\\u002a\\u002f static { System.exit(3); } /\\u002a", "*/ static { System.exit(3); } /*",
      "\\u0022); static { System.exit(3); } //", "\\\\u000a", "\\\\\\u000a", "\\uuuu000a", "\\", "\\\\", "\"", "\n", "\r",
      "\r\n", "\u2028", "\u0085", "a*/b", "*", "/", "*//", "/**/", "\\u005c\\u000a", "重み", "ä", "_", "😀", "\uD800",
      "\u0000", "\u007f", "\u00a0", "\ufeff", "fc1/kernel", "", "@param x", "<b>", "{@code x}", "\\b\\t\\n\\f\\r\\0");

  @Test
  void hostileTextIsInertInLiteralsCommentsAndJavadoc() throws Exception {
    List<String> texts = new ArrayList<>(HOSTILE);
    SplittableRandom r = new SplittableRandom(14);
    String alphabet = "\\u0aA*/\"'\n\r\t x{}@;重😀\u0000\u007f\u2028";
    for (int i = 0; i < 300; i++) {
      StringBuilder sb = new StringBuilder();
      for (int n = r.nextInt(12); n > 0; n--) {
        int at = r.nextInt(alphabet.length());
        sb.append(Character.isHighSurrogate(alphabet.charAt(at)) ? alphabet.substring(at, at + 2) : alphabet.charAt(at));
      }
      texts.add(sb.toString());
    }
    StringBuilder src = new StringBuilder("package t;\n/** Class ");
    texts.forEach(t -> src.append(JavaText.quoted(t)).append(' ').append(JavaText.literal(t)).append('\n'));
    src.append(" */\npublic final class Texts {\n  public static final String[] ALL = {\n");
    for (String t : texts) {
      src.append("    // ").append(JavaText.literal(t)).append('\n');
      src.append("    /** ").append(JavaText.literal(t)).append(" */\n");
      src.append("    /* ").append(JavaText.quoted(t)).append(" */ ").append(JavaText.quoted(t)).append(",\n");
    }
    src.append("  };\n}\n");
    assertTrue(src.chars().allMatch(c -> c == '\n' || c >= 0x20 && c < 0x7f), "the source is printable ASCII");
    Class<?> c = InMemoryCompiler.compile("t.Texts", src.toString()).type();
    assertArrayEquals(texts.toArray(), (Object[]) c.getField("ALL").get(null), "each literal means its text exactly");
    assertEquals(1, c.getDeclaredFields().length, "nothing was added to the class");
  }

  @Test
  void theManglerGivesAsciiIdentifiersThatAreNoKeyword() {
    Set<String> seen = new HashSet<>();
    for (String name : List.of("重み", "ä", "_", "__", "", "1x", "true", "null", "false", "var", "record", "yield",
        "class", "int", "$", "a$b", "fc1/kernel", "x.y", "ǅ", "😀", "a b", "\\u0041", "a\u200bb", "Δ", "é/é")) {
      String id = JavaText.identifier(name);
      assertTrue(SourceVersion.isIdentifier(id) && !SourceVersion.isKeyword(id, SourceVersion.RELEASE_17)
          && !id.equals("_") && !id.equals("var"), name + " gave " + id);
      assertTrue(id.chars().allMatch(ch -> ch < 0x7f), name + " gave " + id);
      assertFalse(id.contains("$"), id);
      seen.add(id);
    }
    assertEquals("u91cd_u307f", JavaText.identifier("重み"));
    assertEquals("fc1_kernel", JavaText.identifier("fc1/kernel"));
    assertTrue(seen.size() > 20, "names that differ mostly stay apart: " + seen);
  }

  @Test
  void theNamerNeverGivesOneIdentifierTwice() {
    Namer namer = new Namer();
    Set<String> out = new HashSet<>();
    for (String name : List.of("ä", "_u00e4", "u00e4", "_", "v", "a/b", "a_b", "a.b", "true", "v_true", "i", "i", "")) {
      String id = namer.name(name);
      assertTrue(out.add(id), name + " gave " + id + " again");
      assertTrue(SourceVersion.isIdentifier(id) && !SourceVersion.isKeyword(id), id);
    }
  }

  @Test
  void classAndPackageNamesAreCheckedNotRewritten() {
    assertEquals("Modèle", JavaText.requireSimpleName("class name", "Modèle"));
    assertEquals("重み.ä", JavaText.requireQualifiedName("package name", "重み.ä"));
    for (String bad : List.of("", "1A", "a-b", "class", "_", "true", "null", "var", "record", "a b", "A\\u000a",
        "A/*", "A\u200bB", "a.b")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> JavaText.requireSimpleName("class name", bad), bad);
      assertTrue(e.getMessage().startsWith("class name " + JavaText.quoted(bad)), e.getMessage());
    }
    for (String bad : List.of("a..b", ".a", "a.", "a.int", "a._", "a.1b", "a.b\\u000a", "a. b")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> JavaText.requireQualifiedName("package name", bad), bad);
      assertTrue(e.getMessage().startsWith("package name " + JavaText.quoted(bad)), e.getMessage());
    }
  }

  @Test
  void asciiWritesEveryOtherCharacterAsAnEscape() {
    assertEquals("class \\u91cd\\u307f {}", JavaText.ascii("class 重み {}"));
    assertEquals("plain", JavaText.ascii("plain"));
  }
}
