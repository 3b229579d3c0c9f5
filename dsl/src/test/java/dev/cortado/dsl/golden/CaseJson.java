package dev.cortado.dsl.golden;

import static dev.cortado.dsl.Cortado.*;

import dev.cortado.dsl.Activation;
import dev.cortado.dsl.Regularizer;
import dev.cortado.runtime.GoldenJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** What {@link GoldenCase} and {@link LayersCase} read alike from PyTorch's golden JSON files. */
final class CaseJson {
  private CaseJson() {}

  /** Every case of {@code file}'s {@code cases} list, made by {@code make} from its name and its object. */
  static <T> List<T> cases(String file, BiFunction<String, Map<?, ?>, T> make) {
    Map<?, ?> root = (Map<?, ?>) GoldenJson.load(file);
    List<T> out = new ArrayList<>();
    for (Object c : (List<?>) root.get("cases")) {
      Map<?, ?> m = (Map<?, ?>) c;
      out.add(make.apply((String) m.get("name"), m));
    }
    return out;
  }

  /** Whether the case runs in {@code float32} (else {@code float64}). */
  static boolean isFloat32(Map<?, ?> json) {
    return "float32".equals(json.get("dtype"));
  }

  /**
   * The regularizer a layer declares: {@code l2}, {@code l1}, {@code l1l2}, or {@code sum_pow4}
   * ({@code lambda·Σw⁴}, a custom lambda); null when {@code r} is null.
   */
  static Regularizer regularizer(Map<?, ?> r) {
    if (r == null) {
      return null;
    }
    return switch ((String) r.get("type")) {
      case "l2" -> l2(dbl(r.get("lambda")));
      case "l1" -> l1(dbl(r.get("lambda")));
      case "l1l2" -> l1l2(dbl(r.get("l1")), dbl(r.get("l2")));
      case "sum_pow4" -> {
        double lambda = dbl(r.get("lambda"));
        yield w -> w.square().square().sum().mul(lambda);
      }
      default -> throw new IllegalArgumentException("unknown regularizer " + r);
    };
  }

  /** The activation named {@code a}; linear when none is named. */
  static Activation activation(String a) {
    if (a == null) {
      return LINEAR;
    }
    return switch (a) {
      case "linear" -> LINEAR;
      case "relu" -> RELU;
      case "tanh" -> TANH;
      case "sigmoid" -> SIGMOID;
      default -> throw new IllegalArgumentException("unknown activation " + a);
    };
  }

  static int num(Object o) {
    return ((Number) o).intValue();
  }

  static double dbl(Object o) {
    return ((Number) o).doubleValue();
  }

  /** {@code m}'s number under {@code key}, or {@code dflt} when absent. */
  static double dbl(Map<?, ?> m, String key, double dflt) {
    return m.containsKey(key) ? dbl(m.get(key)) : dflt;
  }
}
