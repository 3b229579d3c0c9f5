package dev.cortado.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link Executable#prepare} on a compiled model: the sizes not made yet go to the specializer in
 * one {@code createAll} call, later calls with them make nothing, and a bad size makes nothing.
 */
class PrepareTest {
  private static final ModelSpec SPEC = ModelSpec.builder("sum", "none", false)
      .input("x", ModelSpec.BATCH, 2).parameter("w", 2).output("y", ModelSpec.BATCH, 1)
      .losses("loss").train("x").predict("x").evaluate("x").build();

  /** y = x·w for each row, hand-written for one batch size; "training" adds the batch's sum to w. */
  private static final class Sum extends CompiledModel {
    Sum(ModelState state, int batch) {
      super(state, batch);
    }

    @Override
    protected void runTrain(Object[] in, double[] losses) {
      double[] x = (double[]) in[0];
      double s = 0;
      for (int i = 0; i < batchSize() * 2; i++) {
        s += x[i];
      }
      f64(0)[0] += s;
      losses[0] = s;
    }

    @Override
    protected void runPredict(Object[] in, Object[] out) {
      double[] x = (double[]) in[0];
      double[] y = new double[batchSize()];
      for (int i = 0; i < batchSize(); i++) {
        y[i] = x[2 * i] * f64(0)[0] + x[2 * i + 1] * f64(0)[1];
      }
      out[0] = y;
    }

    @Override
    protected void runEvaluate(Object[] in, double[] losses) {
      losses[0] = 0;
    }
  }

  /** Records every call, in order: "create 3" or "createAll [2, 5]". */
  private static final class Recording implements ModelState.Specializer {
    final List<String> calls = new ArrayList<>();

    @Override
    public CompiledModel create(int batch, ModelState state) {
      calls.add("create " + batch);
      return new Sum(state, batch);
    }

    @Override
    public Map<Integer, CompiledModel> createAll(int[] batches, ModelState state) {
      calls.add("createAll " + java.util.Arrays.toString(batches));
      Map<Integer, CompiledModel> made = new java.util.LinkedHashMap<>();
      for (int b : batches) {
        made.put(b, new Sum(state, b));
      }
      return made;
    }
  }

  private static double step(Executable exe, int batch) {
    return exe.trainStep(Map.of("x", new double[2 * batch]));
  }

  @Test
  void preparesTheMissingSizesInOneCallAndNeverAgain() {
    Recording r = new Recording();
    Executable exe = CompiledModel.lazy(SPEC, r);
    step(exe, 4);
    exe.prepare(5, 4, 2, 5);
    assertEquals(List.of("create 4", "createAll [2, 5]"), r.calls);
    step(exe, 2);
    step(exe, 5);
    exe.prepare(2, 4, 5);
    exe.predict(Map.of("x", new double[10]));
    assertEquals(2, r.calls.size(), "made nothing more: " + r.calls);
    assertEquals(new TreeSet<>(List.of(2, 4, 5)), ((CompiledModel) exe).state().batchSizes());
  }

  @Test
  void aSizeBelowOneMakesNothingAndNamesTheSize() {
    Recording r = new Recording();
    Executable exe = CompiledModel.lazy(SPEC, r);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> exe.prepare(3, 0));
    assertTrue(e.getMessage().contains("batch size 0 in [3, 0]"), e.getMessage());
    assertEquals(List.of(), r.calls);
    assertTrue(((CompiledModel) exe).state().batchSizes().isEmpty());
  }

  @Test
  void withoutACompilerAMissingSizeIsNamedAndTheOthersStayUsable() {
    Sum built = new Sum(new ModelState(SPEC, null), 3);
    built.setParameter("w", new double[] {1, 2});
    built.prepare(3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> built.prepare(3, 7, 9));
    assertTrue(e.getMessage().contains("generated for batch sizes [3] and cannot run batch sizes [7, 9]"),
        e.getMessage());
    SortedSet<Integer> sizes = built.state().batchSizes();
    assertEquals(new TreeSet<>(List.of(3)), sizes);
    assertArrayEquals(new double[] {5, 11, 17}, built.predict(Map.of("x", new double[] {1, 2, 3, 4, 5, 6})).get("y"));
  }

  @Test
  void theInterpreterPathChecksSizesToo() {
    Executable plain = new FakeExecutable(2, 1, false);
    plain.prepare(1, 64);
    assertThrows(IllegalArgumentException.class, () -> plain.prepare(-2));
  }
}
