package dev.cortado.codegen.compile;

import dev.cortado.runtime.CompiledModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;

/**
 * Compiles one generated source with {@code javax.tools}, entirely in memory, into a class loader
 * of its own. Results are cached by the SHA-256 of the source, so a model is compiled once per
 * JVM however often it is asked for. javac gets no class path: generated code sees the JDK's
 * modules and {@code dev.cortado.runtime}, whose class files come from the class loader ({@link
 * RuntimeClasses}), so a fat jar or a long class path is never opened and indexed.
 */
public final class InMemoryCompiler {
  /** A compiled class and the bytes of every class file javac wrote for it. */
  public record Compiled(Class<?> type, Map<String, byte[]> classFiles) {}

  /** The classes most recently compiled or asked for, by source: a model is compiled once per JVM while it is in use. */
  static final int CACHED_CLASSES = 256;
  private static final Lru<String, Compiled> CACHE = new Lru<>(CACHED_CLASSES);
  private static final int UNITS_PER_RUN = 40;
  private static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();

  private InMemoryCompiler() {}

  /**
   * The class {@code className} (fully qualified) from {@code source}, compiled once per JVM.
   *
   * @param className the class's binary name
   * @param source its source
   * @return the class and its class files
   * @throws GeneratedCodeException if javac rejects the source
   * @throws CompilerUnavailableException if this JVM has no Java compiler
   */
  public static Compiled compile(String className, String source) {
    return compile(className, source, InMemoryCompiler::systemCompiler);
  }

  /** As {@link #compile(String, String)} with the compiler from {@code javac} (null when there is none). */
  static Compiled compile(String className, String source, java.util.function.Supplier<JavaCompiler> javac) {
    return compileAll(Map.of(className, source), javac).get(className);
  }

  /**
   * Compiles many sources in one javac run (much faster than one run each) and caches every
   * class, so a later {@link #compile} of any of them is a look-up.
   *
   * @param sources binary class name to source
   * @return binary class name to the compiled class, in the order of {@code sources}
   * @throws GeneratedCodeException if javac rejects a source
   * @throws CompilerUnavailableException if this JVM has no Java compiler
   */
  public static Map<String, Compiled> compileAll(Map<String, String> sources) {
    return compileAll(sources, InMemoryCompiler::systemCompiler);
  }

  /**
   * The cached classes of {@code sources} and the others compiled; two threads may both compile a
   * new source, and either result is the same code.
   */
  private static Map<String, Compiled> compileAll(Map<String, String> sources,
      java.util.function.Supplier<JavaCompiler> javac) {
    Map<String, Compiled> done = new ConcurrentHashMap<>();
    Map<String, String> keys = new LinkedHashMap<>();
    // javac runs of a few dozen units, on every core: one run of hundreds spends its time collecting garbage
    List<Map<String, String>> chunks = new java.util.ArrayList<>();
    sources.forEach((n, s) -> {
      String key = key(n, s);
      Compiled c = CACHE.get(key);
      if (c != null) {
        done.put(n, c);
        return;
      }
      keys.put(n, key);
      if (chunks.isEmpty() || chunks.get(chunks.size() - 1).size() == UNITS_PER_RUN) {
        chunks.add(new LinkedHashMap<>());
      }
      chunks.get(chunks.size() - 1).put(n, s);
    });
    java.util.function.Consumer<Map<String, String>> run = chunk -> doCompile(chunk, javac.get()).forEach((n, c) -> {
      CACHE.put(keys.get(n), c);
      done.put(n, c);
    });
    if (chunks.size() == 1) {
      run.accept(chunks.get(0)); // on this thread: no fork-join pool to start on a cold compile
    } else {
      chunks.parallelStream().forEach(run);
    }
    Map<String, Compiled> out = new LinkedHashMap<>();
    sources.keySet().forEach(n -> out.put(n, done.get(n)));
    return out;
  }

  /**
   * How many times javac has run in this JVM for generated models (not counting the background
   * warm-up), for tests and diagnostics.
   *
   * @return the count of javac runs
   */
  public static int javacRuns() {
    return RUNS.get();
  }

  /** How many compiled classes the cache holds now (at most {@value #CACHED_CLASSES}). */
  static int cachedClasses() {
    return CACHE.size();
  }

  private static String key(String className, String source) {
    return sha256(source) + ":" + className;
  }

  /**
   * Starts javac once in the background on a small class shaped like generated code ({@link
   * WarmUp}), so that loading and warming the compiler (most of a cold compile) overlaps the
   * code generator's own work. Does nothing after the first call, or without a compiler (the
   * real compile then reports that).
   */
  public static void warmUpInBackground() {
    WarmUp.start();
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JavaCompiler systemCompiler() {
    JavaCompiler c;
    try {
      c = javax.tools.ToolProvider.getSystemJavaCompiler();
    } catch (NoClassDefFoundError | UnsupportedOperationException e) {
      throw new CompilerUnavailableException("module java.compiler is missing", e);
    }
    if (c == null) {
      throw new CompilerUnavailableException("ToolProvider.getSystemJavaCompiler() returned null, "
          + "so module jdk.compiler is missing", null);
    }
    return c;
  }

  private static Map<String, Compiled> doCompile(Map<String, String> sources, JavaCompiler javac) {
    if (javac == null) {
      throw new CompilerUnavailableException("ToolProvider.getSystemJavaCompiler() returned null, "
          + "so module jdk.compiler is missing", null);
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StandardFiles std = StandardFiles.take(javac);
    try {
      return doCompile(sources, javac, diagnostics, std.files());
    } finally {
      std.release();
    }
  }

  private static Map<String, Compiled> doCompile(Map<String, String> sources, JavaCompiler javac,
      DiagnosticCollector<JavaFileObject> diagnostics, StandardJavaFileManager std) {
    Map<String, ByteArrayOutputStream> out = new LinkedHashMap<>();
    JavaFileManager files = new ForwardingJavaFileManager<>(std) {
      @Override
      public JavaFileObject getJavaFileForOutput(Location location, String name, JavaFileObject.Kind kind,
          FileObject sibling) {
        return new SimpleJavaFileObject(URI.create("mem:///" + name.replace('.', '/') + kind.extension), kind) {
          @Override
          public OutputStream openOutputStream() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            out.put(name, bytes);
            return bytes;
          }
        };
      }

      @Override
      public Iterable<JavaFileObject> list(Location location, String packageName, java.util.Set<JavaFileObject.Kind> kinds,
          boolean recurse) throws IOException {
        if (location == StandardLocation.CLASS_PATH && packageName.equals(RuntimeClasses.PACKAGE)
            && kinds.contains(JavaFileObject.Kind.CLASS)) {
          return RuntimeClasses.all();
        }
        return super.list(location, packageName, kinds, recurse);
      }

      @Override
      public String inferBinaryName(Location location, JavaFileObject file) {
        return file instanceof RuntimeClasses.Loaded l ? l.binaryName : super.inferBinaryName(location, file);
      }
    };
    List<JavaFileObject> units = new java.util.ArrayList<>();
    sources.forEach((className, source) -> units.add(new SimpleJavaFileObject(
        URI.create("string:///" + className.replace('.', '/') + JavaFileObject.Kind.SOURCE.extension),
        JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    }));
    List<String> options = new java.util.ArrayList<>(List.of("-proc:none", "-g:none", "-Xlint:none", "-nowarn"));
    if (sources.values().stream().anyMatch(src -> src.contains("jdk.incubator.vector."))) {
      // a Vector API kernel (emit.VectorMatmul): javac resolves only java.se modules by default
      options.addAll(List.of("--add-modules", "jdk.incubator.vector"));
    }
    if (!sources.containsKey(WarmUp.CLASS_NAME)) {
      RUNS.incrementAndGet();
    }
    boolean ok = javac.getTask(null, files, diagnostics, options, null, units).call();
    if (!ok) {
      throw new GeneratedCodeException(report(sources, diagnostics));
    }
    Map<String, byte[]> classes = new LinkedHashMap<>();
    out.forEach((n, b) -> classes.put(n, b.toByteArray()));
    return define(classes, sources.keySet());
  }

  /**
   * Defines class files compiled earlier (a {@link ClassCache} entry) in a class loader of their
   * own, as a compile does.
   *
   * @param className the binary name of the class wanted
   * @param classFiles binary class name to class file bytes, the class wanted and its nested ones
   * @return the class and its class files
   * @throws GeneratedCodeException if {@code className} is not among them; a malformed class
   *     file throws {@link LinkageError} when the class is loaded
   */
  public static Compiled define(String className, Map<String, byte[]> classFiles) {
    return define(classFiles, List.of(className)).get(className);
  }

  private static Map<String, Compiled> define(Map<String, byte[]> classes, Iterable<String> classNames) {
    ClassLoader loader = new ClassLoader(CompiledModel.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] b = classes.get(name);
        if (b == null) {
          throw new ClassNotFoundException(name);
        }
        return defineClass(name, b, 0, b.length);
      }
    };
    Map<String, Compiled> result = new LinkedHashMap<>();
    for (String className : classNames) {
      Map<String, byte[]> own = new LinkedHashMap<>();
      classes.forEach((n, b) -> {
        if (n.equals(className) || n.startsWith(className + "$")) {
          own.put(n, b);
        }
      });
      try {
        result.put(className, new Compiled(loader.loadClass(className), Map.copyOf(own)));
      } catch (ClassNotFoundException e) {
        throw new GeneratedCodeException("javac produced no class " + className + ": " + classes.keySet());
      }
    }
    return result;
  }

  private static String report(Map<String, String> sources, DiagnosticCollector<JavaFileObject> d) {
    StringBuilder sb = new StringBuilder("javac rejected generated code " + sources.keySet()
        + " (a Cortado code-generator bug; please report it with the model):\n");
    for (Diagnostic<? extends JavaFileObject> x : d.getDiagnostics()) {
      if (x.getKind() != Diagnostic.Kind.ERROR) {
        continue;
      }
      String file = x.getSource() == null ? "" : x.getSource().toUri().getPath();
      String className = file.replaceFirst("^/", "").replaceFirst("\\.java$", "").replace('/', '.');
      String[] lines = sources.getOrDefault(className, "").split("\n", -1);
      long line = x.getLineNumber();
      sb.append("  ").append(className).append(" line ").append(line).append(": ").append(x.getMessage(Locale.ROOT)).append('\n');
      if (line >= 1 && line <= lines.length) {
        sb.append("    ").append(lines[(int) line - 1].strip()).append('\n');
      }
    }
    return sb.toString();
  }
}
