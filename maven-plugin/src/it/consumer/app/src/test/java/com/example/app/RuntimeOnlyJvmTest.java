package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.runtime.Executable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link Demo} in a JVM limited to the java.base module (no java.compiler, no jdk.zipfs)
 * whose class path holds only the application's classes and core's dev.cortado.runtime
 * package: no DSL, no code generator, no JavaParser, no Commons Math, no other core package.
 * It must print what it prints in this JVM.
 */
class RuntimeOnlyJvmTest {
  private static final String RUNTIME = "dev/cortado/runtime/";

  @Test
  void theGeneratedClassesRunOnJavaBaseWithTheRuntimePackageOnly() throws Exception {
    Path runtimeOnly = copyRuntimePackage(Path.of("target/runtime-only"));
    String classPath = Path.of("target/classes") + java.io.File.pathSeparator + runtimeOnly;

    List<String> modules = java("--limit-modules", "java.base", "--list-modules");
    assertEquals(1, modules.size(), modules.toString());
    assertTrue(modules.get(0).startsWith("java.base"), modules.toString());

    List<String> child = java("--limit-modules", "java.base", "-cp", classPath, "com.example.app.Demo");
    assertEquals(Demo.run(), child);
  }

  /** Copies the class files of dev.cortado.runtime, and nothing else, out of core. */
  private static Path copyRuntimePackage(Path target) throws IOException {
    Path core = Path.of(Executable.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    int copied = 0;
    if (Files.isDirectory(core)) {
      try (var files = Files.walk(core.resolve(RUNTIME))) {
        for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
          Path to = target.resolve(core.relativize(f).toString());
          Files.createDirectories(to.getParent());
          Files.copy(f, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          copied++;
        }
      }
    } else {
      try (JarFile jar = new JarFile(core.toFile())) {
        for (JarEntry e : (Iterable<JarEntry>) jar.stream()::iterator) {
          if (e.getName().startsWith(RUNTIME) && e.getName().endsWith(".class")) {
            Path to = target.resolve(e.getName());
            Files.createDirectories(to.getParent());
            try (InputStream in = jar.getInputStream(e)) {
              Files.copy(in, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            copied++;
          }
        }
      }
    }
    assertTrue(copied > 3, "copied " + copied + " runtime classes from " + core);
    return target;
  }

  private static List<String> java(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
    assertEquals(0, p.exitValue(), command + " failed:\n" + out);
    return out.lines().toList();
  }
}
