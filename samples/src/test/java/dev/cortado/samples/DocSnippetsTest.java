package dev.cortado.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every Java snippet in {@code README.md} and {@code docs/*.md} compiles and runs as written.
 *
 * <p>The convention, which keeps what a reader copies working:
 *
 * <ul>
 *   <li>Every fenced code block names its language ({@code ```java}, {@code ```xml},
 *       {@code ```text}, ...). A block without one fails this test.
 *   <li>A {@code ```java} block is a complete source file: its imports, then one or more
 *       top-level types, in the default package (no {@code package} line). The first top-level
 *       type names the file. Each block is compiled on its own with javac, in memory, against this
 *       module's test class path (core, codegen, dsl, samples and their dependencies), so a
 *       snippet that stops compiling fails the build.
 *   <li>If that first type has a {@code public static void main(String[])}, it is run (with no
 *       arguments, in the test's JVM; a snippet that writes files writes them under
 *       {@code Files.createTempDirectory}); an exception fails the test. A block without
 *       {@code main} (a model definition, say) is compiled only.
 *   <li>A block right after a line {@code <!-- verbatim: path -->} (a path from the repository's
 *       root) must equal that file exactly; it is not compiled here, since the file's own build
 *       compiles and runs it (for example the Maven plugin's integration tests under
 *       {@code maven-plugin/src/it}).
 * </ul>
 */
class DocSnippetsTest {
  private static final Pattern FENCE = Pattern.compile("^```(\\S*)\\s*$");
  private static final Pattern VERBATIM = Pattern.compile("^<!-- verbatim: (\\S+) -->\\s*$");
  private static final Pattern TYPE =
      Pattern.compile(
          "^(?:public\\s+|final\\s+|abstract\\s+|sealed\\s+)*(?:class|record|interface|enum)\\s+(\\w+)",
          Pattern.MULTILINE);

  /** One fenced block: where it is, its language, its text and the file it must equal. */
  record Block(Path doc, int line, String language, String text, String verbatim) {
    String where() {
      return root().relativize(doc) + ":" + line;
    }
  }

  @TestFactory
  Stream<DynamicTest> everySnippetCompilesAndRuns() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path doc : docs()) {
      for (Block b : blocks(doc)) {
        if (b.verbatim() != null) {
          tests.add(DynamicTest.dynamicTest(b.where() + " equals " + b.verbatim(), () -> equalsFile(b)));
        } else if (b.language().equals("java")) {
          tests.add(DynamicTest.dynamicTest(b.where() + " compiles and runs", () -> compileAndRun(b)));
        }
      }
    }
    assertFalse(tests.isEmpty(), "no snippets found under " + root());
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> everyBlockNamesItsLanguage() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path doc : docs()) {
      tests.add(
          DynamicTest.dynamicTest(
              root().relativize(doc).toString(),
              () -> {
                for (Block b : blocks(doc)) {
                  assertFalse(b.language().isEmpty(), b.where() + ": a fenced block names its language");
                }
              }));
    }
    return tests.stream();
  }

  @org.junit.jupiter.api.Test
  void readmeStaysAGuide() throws IOException {
    long size = Files.size(root().resolve("README.md"));
    assertTrue(size <= 16_000, "README.md is " + size + " bytes: move details into a guide under docs/");
  }

  /** No text or build file points outside the repository (the names are split so this file passes). */
  @org.junit.jupiter.api.Test
  void nothingRefersToFilesOutsideTheRepository() throws IOException {
    List<String> outside = List.of("FACTS" + ".md", "../" + "shared", "shared" + "/golden", "/work" + "/");
    List<String> found = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root())) {
      for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        String rel = root().relativize(p).toString();
        if (rel.startsWith(".git") || rel.contains("/target/") || rel.startsWith("target/")
            || !rel.matches(".*\\.(md|java|xml|properties|groovy|sh|py|txt)$|.*/run$")) {
          continue;
        }
        String text = Files.readString(p, StandardCharsets.ISO_8859_1);
        for (String o : outside) {
          if (text.contains(o)) {
            found.add(rel + " mentions " + o);
          }
        }
      }
    }
    assertTrue(found.isEmpty(), String.join("\n", found));
  }

  /** The repository's root: the parent of this module's directory (Maven runs tests there). */
  static Path root() {
    Path root = Path.of("").toAbsolutePath().getParent();
    if (root == null || !Files.isRegularFile(root.resolve("README.md")) || !Files.isDirectory(root.resolve("docs"))) {
      throw new IllegalStateException("not run from a module of the repository: " + Path.of("").toAbsolutePath());
    }
    return root;
  }

  /** README.md and every Markdown file under docs/. */
  static List<Path> docs() throws IOException {
    List<Path> docs = new ArrayList<>();
    docs.add(root().resolve("README.md"));
    try (Stream<Path> s = Files.walk(root().resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }

  /** The fenced blocks of a Markdown file, in order. */
  static List<Block> blocks(Path doc) throws IOException {
    List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher open = FENCE.matcher(lines.get(i));
      if (!open.matches()) {
        continue;
      }
      String verbatim = null;
      if (i > 0) {
        Matcher v = VERBATIM.matcher(lines.get(i - 1));
        verbatim = v.matches() ? v.group(1) : null;
      }
      int start = i;
      StringBuilder text = new StringBuilder();
      for (i++; i < lines.size() && !lines.get(i).equals("```"); i++) {
        text.append(lines.get(i)).append('\n');
      }
      if (i == lines.size()) {
        fail(root().relativize(doc) + ":" + (start + 1) + ": code block never closed");
      }
      blocks.add(new Block(doc, start + 1, open.group(1).toLowerCase(Locale.ROOT), text.toString(), verbatim));
    }
    return blocks;
  }

  private static void equalsFile(Block b) throws IOException {
    Path file = root().resolve(b.verbatim());
    assertTrue(Files.isRegularFile(file), b.where() + ": " + b.verbatim() + " does not exist");
    assertEquals(Files.readString(file, StandardCharsets.UTF_8), b.text(), b.where() + " differs from " + b.verbatim());
  }

  private static void compileAndRun(Block b) throws Exception {
    Matcher type = TYPE.matcher(b.text());
    assertTrue(type.find(), b.where() + ": a java block declares a top-level class, record, interface or enum");
    assertFalse(b.text().startsWith("package ") || b.text().contains("\npackage "), b.where() + ": no package line");
    String name = type.group(1);
    Map<String, byte[]> classes = compile(name, b.text(), b.where());
    ClassLoader loader =
        new ClassLoader(DocSnippetsTest.class.getClassLoader()) {
          @Override
          protected Class<?> findClass(String n) throws ClassNotFoundException {
            byte[] bytes = classes.get(n);
            if (bytes == null) {
              throw new ClassNotFoundException(n);
            }
            return defineClass(n, bytes, 0, bytes.length);
          }
        };
    Class<?> cls = loader.loadClass(name);
    Method main;
    try {
      main = cls.getMethod("main", String[].class);
    } catch (NoSuchMethodException e) {
      return; // compiled only: a definition used by other code
    }
    assertTrue(Modifier.isStatic(main.getModifiers()), b.where() + ": main is static");
    try {
      main.invoke(null, (Object) new String[0]);
    } catch (InvocationTargetException e) {
      throw new AssertionError(b.where() + ": main threw " + e.getCause(), e.getCause());
    }
  }

  /** Compiles one source file in memory against the test class path; returns its classes' bytes. */
  private static Map<String, byte[]> compile(String name, String source, String where) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Map<String, byte[]> classes = new HashMap<>();
    StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8);
    JavaFileManager files =
        new ForwardingJavaFileManager<>(standard) {
          @Override
          public JavaFileObject getJavaFileForOutput(
              Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
            return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
              @Override
              public java.io.OutputStream openOutputStream() {
                return new java.io.ByteArrayOutputStream() {
                  @Override
                  public void close() {
                    classes.put(className, toByteArray());
                  }
                };
              }
            };
          }
        };
    JavaFileObject unit =
        new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
          @Override
          public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return source;
          }
        };
    List<String> options = List.of("-classpath", classPath(), "-proc:none", "-Xlint:none", "--release", "17");
    boolean ok = javac.getTask(null, files, diagnostics, options, null, List.of(unit)).call();
    if (!ok) {
      StringBuilder msg = new StringBuilder(where + " does not compile:");
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        if (d.getKind() == Diagnostic.Kind.ERROR) {
          msg.append("\n  snippet line ").append(d.getLineNumber()).append(": ").append(d.getMessage(Locale.ROOT));
        }
      }
      fail(msg.toString());
    }
    standard.close();
    return classes;
  }

  /** Surefire's test class path (it hides the real one behind a manifest-only jar otherwise). */
  private static String classPath() {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isEmpty()) {
      cp = System.getProperty("java.class.path");
    }
    boolean hasDsl = false;
    for (String entry : cp.split(File.pathSeparator)) {
      hasDsl |= entry.contains("dsl");
    }
    assertTrue(hasDsl, "the DSL is not on the class path given to javac: " + cp);
    return cp;
  }
}
