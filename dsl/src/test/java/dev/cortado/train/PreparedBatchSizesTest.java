package dev.cortado.train;

import static dev.cortado.dsl.Cortado.sgd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.codegen.compile.InMemoryCompiler;
import dev.cortado.data.Split;
import dev.cortado.runtime.CompiledModel;
import dev.cortado.runtime.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code fit} asks for every batch size it will run before its first step, so a compiled model
 * compiles them in one javac run instead of stopping at the first partial batch and at the first
 * validation for a compile each.
 */
class PreparedBatchSizesTest {
  /** 150 blobs, 20% held out: 120 training rows (7 batches of 16 and one of 8), 30 validation rows (16 and 14). */
  private static final Split SPLIT = Split.stratified(Fixtures.blobs(150, 1), 0.2, 7);

  /** Delegates to an executable and records "prepare [..]" and the batch size of every step, predict and evaluate. */
  private static Executable recording(Executable target, List<String> calls) {
    return (Executable) Proxy.newProxyInstance(Executable.class.getClassLoader(), new Class<?>[] {Executable.class},
        (proxy, method, args) -> {
          record(method, args, calls);
          try {
            return method.invoke(target, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private static void record(Method method, Object[] args, List<String> calls) {
    switch (method.getName()) {
      case "prepare" -> calls.add("prepare " + new TreeSet<>(java.util.Arrays.stream((int[]) args[0]).boxed().toList()));
      case "trainStep", "predict", "evaluate" -> {
        double[] x = ((Map<?, ?>) args[0]).get("x") instanceof double[] d ? d : new double[0];
        calls.add("run " + x.length / 2);
      }
      default -> { }
    }
  }

  @Test
  void fitPreparesEverySizeItRunsBeforeItsFirstStep() {
    List<String> calls = new ArrayList<>();
    Executable exe = recording(Fixtures.classifier(0).interpret(sgd(0.1)), calls);
    Trainer.builder().quiet().epochs(2).batchSize(16).seed(5).build().fit(exe, SPLIT.train(), SPLIT.test());

    assertEquals("prepare [8, 14, 16]", calls.get(0), calls.toString());
    Set<String> ran = new TreeSet<>();
    calls.stream().filter(c -> c.startsWith("run ")).forEach(ran::add);
    assertEquals(Set.of("run 8", "run 14", "run 16"), ran, "every size run was prepared");
    assertTrue(calls.subList(1, calls.size()).stream().allMatch(c -> c.startsWith("run ")
        || c.equals("prepare [14, 16]")), "later prepares only re-ask for validation's sizes: " + calls);
  }

  @Test
  void aCompiledModelCompilesThemInOneJavacRunAndTrainsAsTheInterpreter() {
    Trainer trainer = Trainer.builder().quiet().epochs(3).batchSize(16).seed(5).build();
    History reference = trainer.fit(Fixtures.classifier(0).interpret(sgd(0.1)), SPLIT.train(), SPLIT.test());

    Executable exe = Fixtures.classifierNamed("prepared_blobs").compile(sgd(0.1));
    int runs = InMemoryCompiler.javacRuns();
    History compiled = trainer.fit(exe, SPLIT.train(), SPLIT.test());

    assertEquals(runs + 1, InMemoryCompiler.javacRuns(), "one javac run for batch sizes 8, 14 and 16");
    assertEquals(new TreeSet<>(List.of(8, 14, 16)), ((CompiledModel) exe).state().batchSizes());
    for (String metric : reference.metricNames()) {
      assertArrayEquals(reference.values(metric), compiled.values(metric), 1e-12, metric);
    }
  }
}
