package dev.cortado.codegen;

import dev.cortado.codegen.emit.BlockedMatmul;
import dev.cortado.codegen.emit.VectorMatmul;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.ir.Node;
import dev.cortado.op.Op;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells the user once per JVM, at the first compile of a float32 model with matrix products, that
 * this JVM runs the auto-vectorised matmul kernel because it was started without the Vector API
 * module, what the module would gain and the flag that enables it (an INFO record on the {@link
 * System.Logger} named after this class, which an application can silence like any other). The
 * record is logged on a thread of its own: in a JVM whose logging had not started, the first
 * record loads and starts {@code java.util.logging} and formats a date, about 45 ms of CPU time
 * that the compile would otherwise wait for.
 */
final class VectorApiHint {
  /** The logger's name. */
  static final String LOGGER = VectorApiHint.class.getName();

  private static final AtomicBoolean GIVEN = new AtomicBoolean();
  /** The thread that logs the hint, once it was started. */
  private static volatile Thread logging;

  private VectorApiHint() {}

  /**
   * Logs the hint if {@code model} compiled with {@code o} is the first model of this JVM that would
   * gain from the module; true when it did.
   */
  static boolean atCompile(Graph model, Codegen.Options o) {
    if (wouldGain(model, o) && GIVEN.compareAndSet(false, true)) {
      Thread t = new Thread(() -> System.getLogger(LOGGER).log(System.Logger.Level.INFO, message()),
          "cortado-vector-api-hint");
      t.setDaemon(true);
      logging = t;
      t.start();
      return true;
    }
    return false;
  }

  /** Waits until the hint, if it was given, has been logged (for tests). */
  static void awaitLogged() throws InterruptedException {
    Thread t = logging;
    if (t != null) {
      t.join();
    }
  }

  /** Forgets that the hint was given (for tests). */
  static void forget() {
    GIVEN.set(false);
  }

  /**
   * Whether {@code model} would get the Vector API kernel on a JVM with the module: float32, with a
   * matrix product, this JVM without the module and the default kernel chosen.
   */
  static boolean wouldGain(Graph model, Codegen.Options o) {
    return !VectorMatmul.available() && o.matmul() instanceof BlockedMatmul && model.dtype() == DType.F32
        && model.nodes().stream().map(Node::op).anyMatch(op -> op == Op.MATMUL);
  }

  static String message() {
    return "Cortado: this JVM was started without the Vector API module, so float32 matrix products run on"
        + " auto-vectorised loops. Started with --add-modules jdk.incubator.vector (MAVEN_OPTS for mvn exec:java,"
        + " Surefire's argLine for tests) they run on register-blocked vector kernels: a 784-256-128-10 MLP's"
        + " training step at batch 64 was about 2x faster on Java 17 and on Java 25 (one AVX-512 core).";
  }
}
