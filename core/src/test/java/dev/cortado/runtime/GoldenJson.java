package dev.cortado.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test access to the golden PyTorch vectors under {@code golden/} on the test class path. */
public final class GoldenJson {
  private GoldenJson() {}

  /** Parses {@code golden/<file>} (objects as maps, arrays as lists, numbers as Long or Double). */
  public static Object load(String file) {
    try (InputStream in = GoldenJson.class.getClassLoader().getResourceAsStream("golden/" + file)) {
      if (in == null) {
        throw new IllegalStateException("golden/" + file + " is not on the test class path");
      }
      return Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The shape of a nested list of numbers. */
  public static int[] shapeOf(Object nested) {
    List<Integer> dims = new ArrayList<>();
    Object o = nested;
    while (o instanceof List<?> l) {
      dims.add(l.size());
      o = l.isEmpty() ? null : l.get(0);
    }
    return dims.stream().mapToInt(Integer::intValue).toArray();
  }

  /** A nested list of numbers (or one number), flattened row-major. */
  public static double[] flatten(Object nested) {
    List<Double> out = new ArrayList<>();
    flattenInto(nested, out);
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void flattenInto(Object o, List<Double> out) {
    if (o instanceof List<?> l) {
      for (Object x : l) {
        flattenInto(x, out);
      }
    } else {
      out.add(((Number) o).doubleValue());
    }
  }
}
