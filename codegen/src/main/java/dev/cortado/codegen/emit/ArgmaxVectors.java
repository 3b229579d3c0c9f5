package dev.cortado.codegen.emit;

import com.github.javaparser.StaticJavaParser;
import com.github.javaparser.ast.stmt.BlockStmt;

/**
 * The float32 argmax mask on the Vector API, where the axis has whole vectors of elements after it
 * (a max-pooling window's channels): per lane, the first position along the axis holding the
 * largest value gets 1 and every other position 0. Comparisons are strict, as in the scalar
 * kernel, so a tie or a NaN keeps the earlier position and the masks are bit-identical; no branch
 * depends on the data, which the scalar scan's comparisons did and mispredicted.
 */
final class ArgmaxVectors {
  private ArgmaxVectors() {}

  /** True when {@code inner} (elements after the axis) fills whole vectors of {@code lanes}. */
  static boolean handles(boolean f32, int lanes, int mid, int inner) {
    return f32 && lanes > 0 && inner % lanes == 0 && mid > 1 && mid < 1 << 24;
  }

  /**
   * {@code dst} = the mask of {@code src} viewed as {@code [outer, mid, inner]}, along {@code mid}.
   * Array names come from {@link Storage}, which makes them Java identifiers.
   */
  static void emit(String src, String dst, int outer, int mid, int inner, int lanes,
      MatmulKernel.Scratch scratch, BlockStmt into) {
    scratch.importType("jdk.incubator.vector.FloatVector");
    scratch.importType("jdk.incubator.vector.VectorMask");
    scratch.importType("jdk.incubator.vector.VectorOperators");
    String s = "FloatVector.SPECIES_" + lanes * 32;
    long row = (long) mid * inner;
    String text = """
        {
            for (int o = 0; o < %1$d; o++) {
                for (int c = 0; c < %2$d; c += %3$d) {
                    FloatVector top = FloatVector.fromArray(%4$s, %5$s, c + o * %6$d);
                    // the position of the maximum so far, held as a float: exact below 2^24
                    FloatVector best = FloatVector.zero(%4$s);
                    for (int m = 1; m < %7$d; m++) {
                        FloatVector v = FloatVector.fromArray(%4$s, %5$s, c + m * %2$d + o * %6$d);
                        VectorMask<Float> greater = v.compare(VectorOperators.GT, top);
                        top = top.blend(v, greater);
                        best = best.blend(m, greater);
                    }
                    for (int m = 0; m < %7$d; m++) {
                        VectorMask<Float> chosen = best.compare(VectorOperators.EQ, m);
                        FloatVector mask = FloatVector.zero(%4$s).blend(1, chosen);
                        mask.intoArray(%8$s, c + m * %2$d + o * %6$d);
                    }
                }
            }
        }
        """.formatted(outer, inner, lanes, s, src, row, mid, dst);
    StaticJavaParser.parseBlock(text).getStatements().forEach(st -> into.addStatement(st.clone()));
  }
}
