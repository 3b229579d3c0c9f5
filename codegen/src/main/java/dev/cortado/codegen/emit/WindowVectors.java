package dev.cortado.codegen.emit;

import com.github.javaparser.StaticJavaParser;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.type.ArrayType;
import com.github.javaparser.ast.type.PrimitiveType;

/**
 * Float32 kernels on the Vector API for pooling and convolution windows, each a static method of
 * the generated class called many times per step (so C2 compiles it early, as a whole method
 * that sees its vectors typed: the same loops inline in a kernel's method ran as
 * on-stack-replacement code with boxed vectors).
 *
 * <p>The argmax mask, where the axis has whole vectors of elements after it (the channels of
 * a {@code MAX} over the window axis of patches; the DSL's max pooling is {@code MAX_POOL}, see
 * {@link PoolVectors}): per lane, the first position along the axis holding the largest value gets
 * 1 and every other position 0. Comparisons are strict, as in the scalar kernel, so a tie or a
 * NaN keeps the earlier position and the masks are bit-identical; no branch depends on the data,
 * which the scalar scan's comparisons did and mispredicted.
 *
 * <p>The run of a patch adjoint: a run of whole vectors of floats added into the image.
 */
final class WindowVectors {
  private WindowVectors() {}

  /** True when {@code inner} (elements after the axis) fills whole vectors of {@code lanes}. */
  static boolean handles(boolean f32, int lanes, int mid, int inner) {
    return f32 && lanes > 0 && inner % lanes == 0 && mid > 1 && mid < 1 << 24;
  }

  /**
   * The mask method, {@code (src, dst, base, mid, inner)}: the mask of {@code src[base ..
   * base + mid·inner)} viewed as {@code [mid, inner]}, along {@code mid}, into {@code dst}.
   */
  static String maskMethod(int lanes, MatmulKernel.Scratch scratch) {
    imports(scratch);
    String s = "FloatVector.SPECIES_" + lanes * 32;
    String text = """
        {
            for (int c = 0; c < inner; c += %1$d) {
                FloatVector top = FloatVector.fromArray(%2$s, src, base + c);
                // the position of the maximum so far, held as a float: exact below 2^24
                FloatVector best = FloatVector.zero(%2$s);
                for (int m = 1; m < mid; m++) {
                    // the float overloads: the long ones check that the value converts exactly
                    float position = m;
                    FloatVector v = FloatVector.fromArray(%2$s, src, base + c + m * inner);
                    VectorMask<Float> greater = v.compare(VectorOperators.GT, top);
                    top = top.blend(v, greater);
                    best = best.blend(position, greater);
                }
                for (int m = 0; m < mid; m++) {
                    float position = m;
                    VectorMask<Float> chosen = best.compare(VectorOperators.EQ, position);
                    FloatVector mask = FloatVector.zero(%2$s).blend(1.0f, chosen);
                    mask.intoArray(dst, base + c + m * inner);
                }
            }
        }
        """.formatted(lanes, s);
    ArrayType floats = new ArrayType(PrimitiveType.floatType());
    NodeList<Parameter> params = new NodeList<>(new Parameter(floats, "src"), new Parameter(floats.clone(), "dst"),
        new Parameter(PrimitiveType.intType(), "base"), new Parameter(PrimitiveType.intType(), "mid"),
        new Parameter(PrimitiveType.intType(), "inner"));
    return scratch.method("vectorArgmaxMask", params, StaticJavaParser.parseBlock(text));
  }

  /**
   * The run method, {@code (image, at, patches, from, length)}: {@code image[at + i] +=
   * patches[from + i]} for {@code i < length}, a whole vector at a time.
   */
  static String addMethod(int lanes, MatmulKernel.Scratch scratch) {
    imports(scratch);
    String s = "FloatVector.SPECIES_" + lanes * 32;
    String text = """
        {
            for (int i = 0; i < length; i += %1$d) {
                FloatVector v = FloatVector.fromArray(%2$s, image, at + i);
                v = v.add(FloatVector.fromArray(%2$s, patches, from + i));
                v.intoArray(image, at + i);
            }
        }
        """.formatted(lanes, s);
    ArrayType floats = new ArrayType(PrimitiveType.floatType());
    NodeList<Parameter> params = new NodeList<>(new Parameter(floats, "image"),
        new Parameter(PrimitiveType.intType(), "at"), new Parameter(floats.clone(), "patches"),
        new Parameter(PrimitiveType.intType(), "from"), new Parameter(PrimitiveType.intType(), "length"));
    return scratch.method("vectorAddRun", params, StaticJavaParser.parseBlock(text));
  }

  private static void imports(MatmulKernel.Scratch scratch) {
    scratch.importType("jdk.incubator.vector.FloatVector");
    scratch.importType("jdk.incubator.vector.VectorMask");
    scratch.importType("jdk.incubator.vector.VectorOperators");
  }
}
