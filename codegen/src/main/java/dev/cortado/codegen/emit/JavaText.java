package dev.cortado.codegen.emit;

import java.util.Set;

/**
 * The only ways user text (model, variable, scope, input, output and hyperparameter names, an
 * optimizer's description with its globs, class and package names) reaches generated source.
 *
 * <p>Java translates {@code \}{@code uXXXX} escapes before it reads comments, strings or
 * anything else (JLS 3.3), so a name holding the six characters of {@code \}{@code u000a} would
 * end a line comment, and {@code *}{@code /} or its escaped form would end a Javadoc. Three rules
 * keep every name inert:
 *
 * <ul>
 *   <li>{@link #literal}: the one escaper. Its output is printable ASCII with every backslash
 *       doubled (so no {@code \}{@code u} it writes can be read as an escape), no line
 *       terminator, no {@code "} unescaped and no {@code *}{@code /}: valid inside a string
 *       literal, a line comment and a Javadoc alike, and it means the original text exactly
 *       inside a string literal.
 *   <li>{@link #identifier}: the one mangler. Its output is an ASCII Java identifier that is not a
 *       keyword, a reserved literal or {@code _}; other characters become {@code _} or, when not
 *       ASCII, {@code uXXXX} (the code point in hex), so {@code 重み} gives {@code u91cd_u307f}.
 *   <li>{@link #requireQualifiedName}, {@link #requireSimpleName}: class and package names are
 *       never rewritten, only checked, and a bad one is an exception naming it.
 * </ul>
 */
public final class JavaText {
  /** Keywords, contextual keywords a type may not be named, and the reserved literals. */
  private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
      "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends",
      "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
      "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short",
      "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
      "void", "volatile", "while", "true", "false", "null", "_");
  /** Names a class may not have though a variable may (JLS 3.9's contextual keywords used as type names). */
  private static final Set<String> NOT_TYPES = Set.of("var", "yield", "record", "sealed", "permits");

  private JavaText() {}

  /**
   * {@code text} as the inside of a Java string literal: printable ASCII stays, except that
   * {@code \} and {@code "} are backslash-escaped and a {@code *} before {@code /} is written
   * {@code \052}; control characters are octal escapes ({@code \012}); every other character is a
   * {@code \}{@code uXXXX} escape of its UTF-16 unit. Safe in comments too (see the class).
   *
   * @param text any text
   * @return the escaped text, printable ASCII only
   */
  public static String literal(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' || c == '"') {
        sb.append('\\').append(c);
      } else if (c == '*' && i + 1 < text.length() && text.charAt(i + 1) == '/') {
        sb.append("\\052");
      } else if (c < 0x20 || c == 0x7f) {
        sb.append('\\').append((char) ('0' + (c >> 6))).append((char) ('0' + ((c >> 3) & 7)))
            .append((char) ('0' + (c & 7)));
      } else if (c > 0x7e) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * {@code "} + {@link #literal}{@code (text)} + {@code "}: a string literal, or a name quoted in a comment.
   *
   * @param text any text
   * @return the quoted literal
   */
  public static String quoted(String text) {
    return '"' + literal(text) + '"';
  }

  /**
   * An ASCII Java identifier close to {@code name}: letters, digits and {@code _} stay; a
   * character outside ASCII becomes {@code u} and its code point in hex between underscores; any
   * other character becomes {@code _}; runs of {@code _} are one, and leading or trailing ones
   * dropped. A result that is empty, starts with a digit or is a keyword gets a leading {@code
   * v_} ({@code 1x} gives {@code v_1x}, {@code true} gives {@code v_true}); an empty one is {@code
   * v} ({@code _}, {@code /}). Distinct names may give one identifier: {@link Namer} makes them unique.
   *
   * @param name any text
   * @return a valid Java identifier
   */
  public static String identifier(String name) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < name.length(); ) {
      int c = name.codePointAt(i);
      i += Character.charCount(c);
      if (c < 128 && (Character.isLetterOrDigit(c) || c == '_')) {
        sb.append((char) c);
      } else if (c >= 128) {
        sb.append("_u").append(Integer.toHexString(c)).append('_');
      } else {
        sb.append('_');
      }
    }
    String s = dropUnderscores(sb);
    if (s.isEmpty()) {
      return "v";
    }
    return Character.isDigit(s.charAt(0)) || KEYWORDS.contains(s) || NOT_TYPES.contains(s)
        ? "v_" + s : s;
  }

  /**
   * {@code s} with each run of {@code _} made one and a leading and a trailing one dropped (by hand,
   * not with a regular expression, which a cold JVM compiled and ran in its interpreter for every name).
   */
  private static String dropUnderscores(CharSequence s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '_' || (out.length() > 0 && out.charAt(out.length() - 1) != '_')) {
        out.append(c);
      }
    }
    if (out.length() > 0 && out.charAt(out.length() - 1) == '_') {
      out.setLength(out.length() - 1);
    }
    return out.toString();
  }

  /**
   * {@code source} with every character outside ASCII written as a {@code \}{@code uXXXX}
   * escape, which Java reads as the character itself: the emitter writes user text only through
   * {@link #literal} (ASCII already), so what this changes is a class or package name the user
   * chose outside ASCII, and the file then compiles whatever encoding the build reads it in.
   *
   * @param source Java source
   * @return the same source in ASCII ({@code source} itself when it is ASCII already)
   */
  public static String ascii(String source) {
    for (int i = 0; i < source.length(); i++) {
      if (source.charAt(i) > 0x7e) {
        StringBuilder sb = new StringBuilder(source.length() + 16).append(source, 0, i);
        for (int j = i; j < source.length(); j++) {
          char c = source.charAt(j);
          if (c > 0x7e) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
        return sb.toString();
      }
    }
    return source;
  }

  /**
   * {@code name} if it is a Java package name: identifiers separated by single dots, none a keyword.
   *
   * @param what what the name is, for the message
   * @param name the name to check
   * @return {@code name}
   * @throws IllegalArgumentException naming {@code what}, the name and its first bad part
   */
  public static String requireQualifiedName(String what, String name) {
    if (name == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    String[] parts = name.split("\\.", -1);
    for (String part : parts) {
      String problem = problem(part, false);
      if (problem != null) {
        throw new IllegalArgumentException(what + " " + quoted(name) + " is not a Java name: " + problem);
      }
    }
    return name;
  }

  /**
   * {@code name} if it is a Java class name: one identifier, not a keyword and not one of the
   * names a type may not have ({@code var}, {@code record}, {@code yield}, {@code sealed},
   * {@code permits}).
   *
   * @param what what the name is, for the message
   * @param name the name to check
   * @return {@code name}
   * @throws IllegalArgumentException naming {@code what} and the name
   */
  public static String requireSimpleName(String what, String name) {
    if (name == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    String problem = problem(name, true);
    if (problem != null) {
      throw new IllegalArgumentException(what + " " + quoted(name) + " is not a Java class name: " + problem);
    }
    return name;
  }

  /** Why {@code part} is not an identifier (a type's name when {@code type}), or null when it is one. */
  private static String problem(String part, boolean type) {
    if (part.isEmpty()) {
      return "an empty part";
    }
    if (KEYWORDS.contains(part)) {
      return quoted(part) + " is a keyword or a reserved literal";
    }
    if (type && NOT_TYPES.contains(part)) {
      return quoted(part) + " cannot name a class";
    }
    int first = part.codePointAt(0);
    if (!Character.isJavaIdentifierStart(first)) {
      return quoted(part) + " starts with " + quoted(new String(Character.toChars(first)))
          + ", which cannot start a Java identifier";
    }
    for (int i = 0; i < part.length(); ) {
      int c = part.codePointAt(i);
      if (!Character.isJavaIdentifierPart(c) || Character.isIdentifierIgnorable(c)) {
        return quoted(part) + " holds " + quoted(new String(Character.toChars(c)))
            + ", which is not part of a Java identifier";
      }
      i += Character.charCount(c);
    }
    return null;
  }
}
