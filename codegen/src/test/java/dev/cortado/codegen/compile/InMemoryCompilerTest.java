package dev.cortado.codegen.compile;

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
