package dev.cortado.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.cortado.codegen.emit.BlockedMatmul;
import dev.cortado.codegen.emit.LoopMatmul;
import dev.cortado.codegen.emit.VectorMatmul;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Without {@code jdk.incubator.vector} (the default Surefire run) the first compile of a float32
 * model with a matrix product logs, once per JVM, what the module would gain and its flag.
 */
class VectorApiHintTest {
  private static Graph matmul(DType dtype) {
    return BlockedMatmulTest.graph(16, 32, 24, false, false, dtype, new SplittableRandom(5));
  }

  @Test
  void onlyFloat32ProductsOnTheDefaultKernelWouldGain() {
    assumeFalse(VectorMatmul.available(), "this JVM has jdk.incubator.vector");
    Codegen.Options blocked = new Codegen.Options(new BlockedMatmul(), null);
    assertTrue(VectorApiHint.wouldGain(matmul(DType.F32), blocked));
    assertFalse(VectorApiHint.wouldGain(matmul(DType.F64), blocked), "F64 has no Vector API kernel");
    assertFalse(VectorApiHint.wouldGain(matmul(DType.F32), new Codegen.Options(new LoopMatmul(), null)),
        "a kernel the user chose");
  }

  @Test
  void theFirstCompileLogsTheFlagOnce() throws InterruptedException {
    assumeFalse(VectorMatmul.available(), "this JVM has jdk.incubator.vector");
    List<LogRecord> records = new ArrayList<>();
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        records.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger jul = Logger.getLogger(VectorApiHint.LOGGER);
    jul.addHandler(h);
    try {
      VectorApiHint.forget();
      Codegen.Options o = new Codegen.Options(new BlockedMatmul(), null);
      Codegen.compile(matmul(DType.F64), "no hint for F64", o);
      VectorApiHint.awaitLogged();
      assertEquals(0, records.size(), "an F64 model gains nothing");
      Codegen.compile(matmul(DType.F32), "hint", o);
      Codegen.compile(matmul(DType.F32), "no second hint", o);
      VectorApiHint.awaitLogged();
      assertEquals(1, records.size(), "one record per JVM");
      assertTrue(records.get(0).getMessage().contains("--add-modules jdk.incubator.vector"), records.get(0).getMessage());
    } finally {
      jul.removeHandler(h);
    }
  }
}
