package dev.cortado.codegen.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InMemoryCompilerTest {
  @Test
  void aRuntimeWithoutCompilerSaysWhatToDoInstead() {
    CompilerUnavailableException e = assertThrows(CompilerUnavailableException.class,
        () -> InMemoryCompiler.compile("p.NoJavac", "package p; class NoJavac {}", () -> null));
    assertTrue(e.getMessage().contains("no Java compiler"), e.getMessage());
    assertTrue(e.getMessage().contains("model.interpret(...)"), e.getMessage());
    assertTrue(e.getMessage().contains("cortado-maven-plugin"), e.getMessage());
  }

  @Test
  void aRejectedSourceReportsTheDiagnosticAndTheLine() {
    String src = "package p;\npublic class Broken {\n  int f() { return undefinedName + 1; }\n}\n";
    GeneratedCodeException e = assertThrows(GeneratedCodeException.class, () -> InMemoryCompiler.compile("p.Broken", src));
    assertTrue(e.getMessage().contains("p.Broken line 3"), e.getMessage());
    assertTrue(e.getMessage().contains("cannot find symbol"), e.getMessage());
    assertTrue(e.getMessage().contains("int f() { return undefinedName + 1; }"), e.getMessage());
  }

  @Test
  void theSameSourceIsCompiledOnce() {
    String src = "package p; public class Once { public int v() { return 42; } }";
    InMemoryCompiler.Compiled first = InMemoryCompiler.compile("p.Once", src);
    InMemoryCompiler.Compiled second = InMemoryCompiler.compile("p.Once", src);
    assertSame(first.type(), second.type(), "a second compile would define the class again, in a new loader");
    InMemoryCompiler.Compiled other = InMemoryCompiler.compile("p.Once", src.replace("42", "43"));
    assertTrue(first.type() != other.type(), "another source is another class, in its own loader");
  }

  @Test
  void theCacheKeepsTheMostRecentlyUsedClassesOnly() {
    // one javac run for more classes than the cache holds: every one is returned, the cache stays bounded
    java.util.Map<String, String> many = new java.util.LinkedHashMap<>();
    for (int i = 0; i < InMemoryCompiler.CACHED_CLASSES + 20; i++) {
      many.put("p.Many" + i, "package p; public class Many" + i + " { public int v() { return " + i + "; } }");
    }
    java.util.Map<String, InMemoryCompiler.Compiled> all = InMemoryCompiler.compileAll(many);
    assertEquals(many.size(), all.size());
    assertTrue(all.values().stream().allMatch(c -> c != null && c.type() != null), "every class returned");
    assertEquals(InMemoryCompiler.CACHED_CLASSES, InMemoryCompiler.cachedClasses(), "bounded");
    int runs = InMemoryCompiler.javacRuns();
    String fresh = "package p; public class Fresh { public int v() { return -1; } }";
    Class<?> c = InMemoryCompiler.compile("p.Fresh", fresh).type();
    assertSame(c, InMemoryCompiler.compile("p.Fresh", fresh).type(), "the most recent class stays cached");
    assertEquals(runs + 1, InMemoryCompiler.javacRuns());
    assertEquals(InMemoryCompiler.CACHED_CLASSES, InMemoryCompiler.cachedClasses(), "still bounded");
  }

  @Test
  void anLruEvictsTheLeastRecentlyUsedEntry() {
    Lru<String, Integer> lru = new Lru<>(2);
    lru.put("a", 1);
    lru.put("b", 2);
    assertEquals(1, lru.get("a")); // a is now the most recent
    lru.put("c", 3);
    assertEquals(null, lru.get("b"), "b was the least recently used");
    assertEquals(1, lru.get("a"));
    assertEquals(3, lru.get("c"));
    assertEquals(2, lru.size());
    assertThrows(IllegalArgumentException.class, () -> new Lru<String, Integer>(0));
  }

  @Test
  void theRuntimeClassesAreFoundThroughTheClassLoader() throws Exception {
    String src = "package p; public class UsesRng { public double u() { return dev.cortado.runtime.Rng.uniform(1, 2, 3); } }";
    Class<?> c = InMemoryCompiler.compile("p.UsesRng", src).type();
    Object v = c.getMethod("u").invoke(c.getConstructor().newInstance());
    assertTrue(v.equals(dev.cortado.runtime.Rng.uniform(1, 2, 3)));
  }

  @Test
  void theWarmUpSourceCompilesToAModelClass() {
    // a warm-up that stopped compiling would fail silently on its thread and only cost time
    Class<?> c = InMemoryCompiler.compile(WarmUp.CLASS_NAME, WarmUp.SOURCE).type();
    assertTrue(dev.cortado.runtime.CompiledModel.class.isAssignableFrom(c), c.getName());
  }

  @Test
  void javacSeesNoClassPathOnlyTheJdkAndTheRuntimePackage() {
    // InMemoryCompiler is on this JVM's class path, but generated code must not depend on it (nor
    // may javac open and index that class path: on a fat jar that was a tenth of a cold compile)
    String src = "package p; public class UsesCodegen { Object f() { return dev.cortado.codegen.compile.InMemoryCompiler.class; } }";
    GeneratedCodeException e = assertThrows(GeneratedCodeException.class,
        () -> InMemoryCompiler.compile("p.UsesCodegen", src));
    assertTrue(e.getMessage().contains("p.UsesCodegen line 1"), e.getMessage());
    assertTrue(e.getMessage().contains("dev.cortado.codegen.compile"), e.getMessage());
  }
}
