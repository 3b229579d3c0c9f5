package dev.cortado.dsl;

import static dev.cortado.dsl.Cortado.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.runtime.Executable;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every kind of bad definition or bad input gets a message naming the culprit. */
class DefinitionErrorsTest {

  static void contains(Throwable e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "message <" + e.getMessage() + "> should mention <" + p + ">");
    }
  }

  @Test
  void mismatchedShapesNameTheOpTheShapesAndTheVariables() {
    Exception e = assertThrows(IllegalArgumentException.class, () -> Model.define("bad", m -> {
      Tensor x = m.input("x", BATCH, 3);
      Variable w = m.variable("w").shape(4, 1);
      x.matmul(w);
    }));
    contains(e, "matmul", "[BATCH, 3]", "[4, 1]", "variable 'w'", "input 'x'");
  }

  @Test
  void broadcastMismatchNamesBothOperands() {
    Exception e = assertThrows(IllegalArgumentException.class, () -> Model.define("bad", m -> {
      m.scope("fc1", () -> {
        Variable a = m.variable("a").shape(2, 3);
        Variable b = m.variable("b").shape(4);
        a.add(b);
      });
    }));
    contains(e, "add", "[2, 3]", "[4]", "fc1/a", "fc1/b");
  }

  @Test
  void variableWithoutShapeIsNamed() {
    Exception e = assertThrows(IllegalStateException.class, () -> Model.define("bad", m -> {
      m.scope("fc1", () -> m.input("x", BATCH, 3).matmul(m.variable("kernel")));
    }));
    contains(e, "fc1/kernel", "no shape", ".shape(");
  }

  @Test
  void duplicateNameOutsideReuseSaysHowToShare() {
    Exception e = assertThrows(IllegalArgumentException.class, () -> Model.define("bad", m -> {
      m.scope("fc1", () -> m.variable("w").shape(2));
      m.scope("fc1", () -> m.variable("w").shape(2));
    }));
    contains(e, "fc1/w", "already exists", "reuseScope(\"fc1\"");
  }

  @Test
  void reuseOfAMissingNameIsAnError() {
    Exception e = assertThrows(IllegalArgumentException.class, () -> Model.define("bad", m -> {
      m.reuseScope("fc1", () -> m.variable("w").shape(2));
    }));
    contains(e, "fc1/w", "does not exist");
  }

  @Test
  void anInitializerThatRejectsTheShapeNamesTheVariable() {
    Exception e = assertThrows(IllegalArgumentException.class, () -> Model.define("bad", m -> {
      m.scope("fc1", () -> m.variable("bias").shape(4).initializer(orthogonal()));
      m.collection(GLOBAL_VARIABLES);
    }));
    contains(e, "variable 'fc1/bias'", "orthogonal", "[4]");
  }

  @Test
  void regularizerMustReturnAScalar() {
    Exception e = assertThrows(IllegalArgumentException.class, () -> Model.define("bad", m -> {
      m.variable("w").shape(3, 2).regularizer(w -> w.square());
      m.collection(REGULARIZATION_LOSSES);
    }));
    contains(e, "'w'", "scalar", "[3, 2]");
  }

  @Test
  void aRegularizerFailureCaughtInTheDefinitionStillFailsTheModel() {
    // the caller swallows the regularizer's error and goes on to use the variable: the model
    // must not be built with the variable and without its term (a silently dropped regularizer)
    Exception e = assertThrows(IllegalStateException.class, () -> Model.define("caught", m -> {
      Tensor x = m.input("x", BATCH, 3);
      Variable w = m.variable("w").shape(3, 1).regularizer(t -> {
        throw new IllegalArgumentException("no such norm");
      });
      try {
        x.matmul(w);
      } catch (IllegalArgumentException swallowed) {
        // carry on as if nothing happened
      }
      m.minimize(x.matmul(w).square().mean());
    }));
    contains(e, "'w'", "could not be created", "no such norm");
  }

  @Test
  void nonScalarLossIsRejected() {
    Exception e = assertThrows(IllegalArgumentException.class, () -> Model.define("bad", m -> {
      Tensor x = m.input("x", BATCH, 3);
      m.minimize(x.matmul(m.variable("w").shape(3, 1)));
    }));
    contains(e, "scalar", "[BATCH, 1]");
  }

  static Model regression() {
    return Model.define("regression", m -> {
      m.dtype(F64);
      Tensor x = m.input("x", BATCH, 3);
      Tensor y = m.input("y", BATCH, 1);
      Variable w = m.variable("w").shape(3, 1).regularizer(l2(1e-2));
      Variable b = m.variable("b").shape(1).initializer(zeros());
      Tensor pred = x.matmul(w).add(b);
      m.output("pred", pred);
      m.minimize(mse(pred, y));
    });
  }

  @Test
  void badStepInputsAreRejectedAndLeaveParametersUnchanged() {
    Executable exe = regression().interpret(sgd(0.1));
    double[] w0 = exe.parameter("w");
    double[] x = {1, 2, 3, 4, 5, 6};
    double[] y = {1, 2};

    contains(assertThrows(IllegalArgumentException.class, () -> exe.trainStep(Map.of("x", x))), "missing input 'y'",
        "[BATCH, 1]");
    Map<String, double[]> unknown = new HashMap<>(Map.of("x", x, "y", y, "z", y));
    contains(assertThrows(IllegalArgumentException.class, () -> exe.trainStep(unknown)), "unknown input 'z'");
    contains(assertThrows(IllegalArgumentException.class, () -> exe.trainStep(Map.of("x", new double[5], "y", y))),
        "input 'x'", "[BATCH, 3]", "got 5");
    contains(assertThrows(IllegalArgumentException.class, () -> exe.trainStep(Map.of("x", x, "y", new double[3]))),
        "has 3", "has 2", "same batch size");
    contains(assertThrows(IllegalArgumentException.class, () -> exe.setParameter("w", new double[2])), "'w'",
        "[3, 1]", "got 2");
    contains(assertThrows(IllegalArgumentException.class, () -> exe.parameter("nope")), "'nope'", "w");
    assertArrayEquals(w0, exe.parameter("w"));

    exe.trainStep(Map.of("x", x, "y", y));
    assertTrue(exe.parameter("w")[0] != w0[0], "a good step changes the parameters");
  }

  @Test
  void predictNeedsOnlyTheInputsItsOutputsReadAndAnyBatchSize() {
    Executable exe = regression().interpret();
    double[] one = exe.predict(Map.of("x", new double[] {1, 2, 3})).get("pred");
    double[] five = exe.predict(Map.of("x", new double[15])).get("pred");
    assertArrayEquals(new int[] {1, 5}, new int[] {one.length, five.length});
    contains(assertThrows(IllegalStateException.class, () -> exe.trainStep(Map.of("x", new double[3], "y",
        new double[1]))), "inference");
  }
}
