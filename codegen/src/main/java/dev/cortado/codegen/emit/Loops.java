package dev.cortado.codegen.emit;

import com.github.javaparser.ast.stmt.BlockStmt;
import java.util.function.BiConsumer;

/**
 * Loop nests with literal bounds over some dimensions of an iteration space, in a given order;
 * unrolled into straight statements when asked (tiny tensors), with size-1 dimensions never
 * looped over.
 */
final class Loops {
  private Loops() {}

  /**
   * Emits loops over {@code order} (dimension numbers of {@code dims}) into {@code into}; the
   * callback gets the innermost block and the index vector (entries outside {@code order}
   * keep what {@code idx} had).
   */
  static void nest(BlockStmt into, int[] dims, int[] order, Lin[] idx, boolean unroll, String prefix,
      BiConsumer<BlockStmt, Lin[]> body) {
    nest(into, dims, order, 0, idx.clone(), unroll, prefix, body);
  }

  private static void nest(BlockStmt into, int[] dims, int[] order, int level, Lin[] idx, boolean unroll,
      String prefix, BiConsumer<BlockStmt, Lin[]> body) {
    if (level == order.length) {
      body.accept(into, idx.clone());
      return;
    }
    int dim = order[level];
    int n = dims[dim];
    if (n == 1 || unroll) {
      for (int v = 0; v < n; v++) {
        idx[dim] = Lin.of(v);
        nest(into, dims, order, level + 1, idx, unroll, prefix, body);
      }
      return;
    }
    String var = prefix + dim;
    BlockStmt inner = new BlockStmt();
    idx[dim] = Lin.var(var);
    nest(inner, dims, order, level + 1, idx, unroll, prefix, body);
    into.addStatement(J.loop(var, 0, n, inner));
  }

  static int[] range(int from, int to) {
    int[] r = new int[Math.max(0, to - from)];
    for (int i = 0; i < r.length; i++) {
      r[i] = from + i;
    }
    return r;
  }
}
