package dev.cortado.codegen.emit;

import com.github.javaparser.StaticJavaParser;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.type.ArrayType;
import com.github.javaparser.ast.type.PrimitiveType;

/**
 * Float32 max-pooling methods on the Vector API, one output pixel's window a call, for windows
 * with no padding and channels in whole vectors: each a static method of the generated class with
 * the window's size and strides as literals (called once per output pixel, so C2 compiles it
 * early, as a whole method that sees its vectors typed, and unrolls its loops over the cells).
 */
final class PoolVectors {
  private PoolVectors() {}

  /**
   * The forward method {@code (x, p, y, o)}: {@code y[o + c]}, for each of the {@code c}
   * channels, the maximum of {@code x} over the {@code kh × kw} cells from {@code p}, rows
   * {@code row} floats apart. {@code max} lanewise is {@code Math.max}, NaN and ±0 included.
   */
  static String maxMethod(int lanes, int kh, int kw, int row, int c, MatmulKernel.Scratch scratch) {
    imports(scratch);
    String s = "FloatVector.SPECIES_" + lanes * 32;
    String text = """
        {
            // channels %4$d, a vector of %1$d at a time
            for (int c = 0; c < %4$d; c += %1$d) {
                FloatVector top = FloatVector.fromArray(%2$s, x, p + c);
                // the window's rows are %3$d floats apart, its cells %4$d
                for (int dy = 0; dy < %5$d; dy++) {
                    for (int dx = 0; dx < %6$d; dx++) {
                        top = top.max(FloatVector.fromArray(%2$s, x, p + dy * %3$d + dx * %4$d + c));
                    }
                }
                top.intoArray(y, o + c);
            }
        }
        """.formatted(lanes, s, row, c, kh, kw);
    ArrayType floats = new ArrayType(PrimitiveType.floatType());
    NodeList<Parameter> params = new NodeList<>(new Parameter(floats, "x"), new Parameter(PrimitiveType.intType(), "p"),
        new Parameter(floats.clone(), "y"), new Parameter(PrimitiveType.intType(), "o"));
    return scratch.method("vectorMaxPool", params, StaticJavaParser.parseBlock(text));
  }

  /**
   * The backward method {@code (x, p, g, o, d)}: for each channel, the first cell of the window
   * from {@code p} holding its maximum (a strict comparison: a tie or a NaN keeps the earlier
   * cell) gets {@code g[o + c]}; where the windows tile the image every other cell is set to 0,
   * else {@code d} was zeroed and the gradient is added to the chosen cell's lanes only.
   */
  static String gradMethod(int lanes, int kh, int kw, int row, int c, boolean tiles, MatmulKernel.Scratch scratch) {
    imports(scratch);
    String s = "FloatVector.SPECIES_" + lanes * 32;
    String store = tiles
        ? "FloatVector.zero(%2$s).blend(grad, chosen).intoArray(d, at);"
        : "FloatVector.fromArray(%2$s, d, at).add(grad, chosen).intoArray(d, at);";
    String text = ("""
        {
            // channels %4$d, a vector of %1$d at a time
            for (int c = 0; c < %4$d; c += %1$d) {
                FloatVector top = FloatVector.fromArray(%2$s, x, p + c);
                // the cell (dy * %6$d + dx) of the maximum so far, held as a float: exact below 2^24
                FloatVector best = FloatVector.zero(%2$s);
                // the window's rows are %3$d floats apart, its cells %4$d (the first cell, compared with itself, stays chosen)
                for (int dy = 0; dy < %5$d; dy++) {
                    for (int dx = 0; dx < %6$d; dx++) {
                        // the float overloads: the long ones check that the value converts exactly
                        float cell = dy * %6$d + dx;
                        FloatVector v = FloatVector.fromArray(%2$s, x, p + dy * %3$d + dx * %4$d + c);
                        VectorMask<Float> greater = v.compare(VectorOperators.GT, top);
                        top = top.blend(v, greater);
                        best = best.blend(cell, greater);
                    }
                }
                FloatVector grad = FloatVector.fromArray(%2$s, g, o + c);
                for (int dy = 0; dy < %5$d; dy++) {
                    for (int dx = 0; dx < %6$d; dx++) {
                        float cell = dy * %6$d + dx;
                        VectorMask<Float> chosen = best.compare(VectorOperators.EQ, cell);
                        int at = p + dy * %3$d + dx * %4$d + c;
                        """ + store + """

                    }
                }
            }
        }
        """).formatted(lanes, s, row, c, kh, kw);
    ArrayType floats = new ArrayType(PrimitiveType.floatType());
    NodeList<Parameter> params = new NodeList<>(new Parameter(floats, "x"), new Parameter(PrimitiveType.intType(), "p"),
        new Parameter(floats.clone(), "g"), new Parameter(PrimitiveType.intType(), "o"),
        new Parameter(floats.clone(), "d"));
    return scratch.method(tiles ? "vectorMaxPoolGrad" : "vectorMaxPoolGradAdd", params, StaticJavaParser.parseBlock(text));
  }

  private static void imports(MatmulKernel.Scratch scratch) {
    scratch.importType("jdk.incubator.vector.FloatVector");
    scratch.importType("jdk.incubator.vector.VectorMask");
    scratch.importType("jdk.incubator.vector.VectorOperators");
  }
}
