package dev.cortado.dsl.optim;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.optim.BaseOptimizer;
import dev.cortado.optim.Schedule;
import dev.cortado.runtime.Executable;
import org.junit.jupiter.api.Test;

/** The multipliers each schedule gives, and that a step reads the one set for it. */
class ScheduleTest {
  static double[] first(Schedule s, int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = s.multiplier(i);
    }
    return out;
  }

  @Test
  void builtInSchedulesGiveTheirMultipliers() {
    assertArrayEquals(new double[] {1, 1, 1}, first(constantLr(), 3));
    assertArrayEquals(new double[] {1, 1, 1, 0.5, 0.5, 0.5, 0.25}, first(stepLr(3, 0.5), 7), 0);
    assertArrayEquals(new double[] {1, 0.9, 0.81, 0.729}, first(exponentialLr(0.9), 4), 1e-15);
    // warm-up 2 steps, cosine to 0.1 at step 6: p = (s-2)/4
    double[] cos = first(cosineLr(2, 6, 0.1), 9);
    double[] want = {0, 0.5, 1, 0.1 + 0.9 * (1 + Math.cos(Math.PI / 4)) / 2, 0.55,
        0.1 + 0.9 * (1 + Math.cos(3 * Math.PI / 4)) / 2, 0.1, 0.1, 0.1};
    assertArrayEquals(want, cos, 1e-15);
    assertEquals(0.0, cosineLr(0, 10).multiplier(10), 1e-15);
    assertEquals(0.75, lrSchedule(s -> s < 5 ? 1 : 0.75).multiplier(7));
  }

  @Test
  void badArgumentsAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> stepLr(0, 0.5)).getMessage().contains("stepSize"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> exponentialLr(-1)).getMessage().contains("gamma"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> cosineLr(5, 5)).getMessage().contains("warmupSteps"));
    assertThrows(IllegalArgumentException.class, () -> constantLr().multiplier(-1));
    Executable exe = Fixtures.mlp("bad_schedule").interpret(sgd(0.1));
    var e = assertThrows(IllegalArgumentException.class, () -> lrSchedule(s -> Double.NaN).apply(exe, 3));
    assertTrue(e.getMessage().contains("step 3") && e.getMessage().contains("NaN"), e.getMessage());
    assertEquals(1.0, exe.hyperparameter(BaseOptimizer.LR_MULTIPLIER), "a rejected multiplier is not set");
  }

  @Test
  void aStepUsesTheMultiplierAppliedBeforeIt() {
    Schedule sched = stepLr(2, 0.1);
    Executable scheduled = Fixtures.mlp("scheduled").interpret(sgd(0.2));
    for (int s = 0; s < 4; s++) {
      double m = sched.apply(scheduled, s);
      assertEquals(m, scheduled.hyperparameter(BaseOptimizer.LR_MULTIPLIER));
      Executable manual = Fixtures.mlp("manual").interpret(sgd(0.2 * m));
      Fixtures.copyParams(scheduled, manual);
      manual.trainStep(Fixtures.batch(s));
      scheduled.trainStep(Fixtures.batch(s));
      for (String v : manual.parameterNames()) {
        assertArrayEquals(manual.parameter(v), scheduled.parameter(v), 1e-15, "step " + s + " " + v);
      }
    }
  }
}
