package dev.cortado.dsl.optim;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.dsl.Constraint;
import dev.cortado.dsl.Model;
import dev.cortado.runtime.Executable;
import java.util.function.DoublePredicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Keras-style constraints hold after every step, and only because they are applied. */
class ConstraintTest {
  static Model model(Constraint c) {
    return Fixtures.mlp("constrained", d -> {
      if (c != null) {
        d.kernelConstraint(c);
      }
    }, d -> { });
  }

  /** The norm of each column (axis 0) of the 3×4 kernel. */
  static double[] columnNorms(double[] w) {
    double[] n = new double[4];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 4; j++) {
        n[j] += w[i * 4 + j] * w[i * 4 + j];
      }
    }
    for (int j = 0; j < 4; j++) {
      n[j] = Math.sqrt(n[j]);
    }
    return n;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(maxNorm(0.3), (DoublePredicate) n -> n <= 0.3 + 1e-9, true),
        Arguments.of(minMaxNorm(0.5, 0.6), (DoublePredicate) n -> n >= 0.5 - 1e-6 && n <= 0.6 + 1e-9, true),
        Arguments.of(unitNorm(), (DoublePredicate) n -> Math.abs(n - 1) < 1e-6, true),
        Arguments.of(nonNeg(), null, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void holdsAfterEveryStep(Constraint c, DoublePredicate normOk, boolean isNorm) {
    Executable free = model(null).interpret(sgd(0.5));
    Executable held = model(c).interpret(sgd(0.5));
    boolean freeViolates = false;
    for (int s = 0; s < 12; s++) {
      free.trainStep(Fixtures.batch(s % 3));
      held.trainStep(Fixtures.batch(s % 3));
      double[] w = held.parameter("fc1/kernel");
      if (isNorm) {
        for (double n : columnNorms(w)) {
          assertTrue(normOk.test(n), c + " step " + s + ": column norm " + n);
        }
        for (double n : columnNorms(free.parameter("fc1/kernel"))) {
          freeViolates |= !normOk.test(n);
        }
      } else {
        for (double v : w) {
          assertTrue(v >= 0, c + " step " + s + ": " + v);
        }
        for (double v : free.parameter("fc1/kernel")) {
          freeViolates |= v < 0;
        }
      }
    }
    assertTrue(freeViolates, "without " + c + " the kernel should leave the set, or this test proves nothing");
  }

  @Test
  void maxNormOverAnotherAxisAndBadArguments() {
    Executable exe = model(maxNorm(0.2, 1)).interpret(sgd(0.5));
    exe.trainStep(Fixtures.batch(0));
    double[] w = exe.parameter("fc1/kernel");
    for (int i = 0; i < 3; i++) {
      double n = 0;
      for (int j = 0; j < 4; j++) {
        n += w[i * 4 + j] * w[i * 4 + j];
      }
      assertTrue(Math.sqrt(n) <= 0.2 + 1e-9, "row " + i + " norm " + Math.sqrt(n));
    }
    assertEquals("maxNorm(2.0, axis=0)", maxNorm(2).toString());
    assertEquals(maxNorm(2), maxNorm(2.0, 0));
    var e = assertThrows(IllegalArgumentException.class, () -> maxNorm(-1));
    assertTrue(e.getMessage().contains("maxNorm") && e.getMessage().contains("max"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> minMaxNorm(2, 1));
    assertTrue(e.getMessage().contains("minMaxNorm: max"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> model(maxNorm(1, 5)).interpret(sgd(0.1)));
    assertTrue(e.getMessage().contains("axis 5"), e.getMessage());
  }

  @Test
  void aConstraintThatFailsNamesTheVariable() {
    var e = assertThrows(IllegalArgumentException.class, () -> model(maxNorm(1, 5)).interpret(sgd(0.1)));
    assertTrue(e.getMessage().contains("variable 'fc1/kernel'") && e.getMessage().contains("axis 5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> model(w -> w.sum(0)).interpret(sgd(0.1)));
    assertTrue(e.getMessage().contains("changed the shape of variable 'fc1/kernel' from [3, 4] to [4]"),
        e.getMessage());
  }
}
