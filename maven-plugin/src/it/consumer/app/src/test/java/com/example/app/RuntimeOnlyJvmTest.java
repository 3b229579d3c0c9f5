package com.example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.runtime.Executable;
import java.io.File;
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
 * whose class path holds only the application's classes and the cortado-runtime jar as the
 * build resolved it: no core, no DSL, no code generator, no JavaParser, no Commons Math. It must
 * print what it prints in this JVM.
 */
class RuntimeOnlyJvmTest {
  @Test
  void theGeneratedClassesRunOnJavaBaseWithTheRuntimeJarOnly() throws Exception {
    Path jar = Path.of(Executable.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertTrue(Files.isRegularFile(jar) && jar.getFileName().toString().startsWith("cortado-runtime-"),
        "Executable should come from the cortado-runtime jar, came from " + jar);
    try (JarFile j = new JarFile(jar.toFile())) {
      for (JarEntry e : (Iterable<JarEntry>) j.stream()::iterator) {
        String n = e.getName();
        assertTrue(n.startsWith("META-INF/") || n.startsWith("dev/cortado/runtime/") || "dev/cortado/".startsWith(n),
            "the runtime jar holds " + n);
      }
    }
    String classPath = Path.of("target/classes") + File.pathSeparator + jar;

    List<String> modules = java("--limit-modules", "java.base", "--list-modules");
    assertEquals(1, modules.size(), modules.toString());
    assertTrue(modules.get(0).startsWith("java.base"), modules.toString());

    List<String> child = java("--limit-modules", "java.base", "-cp", classPath, "com.example.app.Demo");
    assertEquals(Demo.run(), child);
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
