package dev.cortado.dsl.golden;

import static dev.cortado.dsl.Cortado.*;
import static dev.cortado.dsl.golden.CaseJson.*;

import dev.cortado.dsl.Model;
import dev.cortado.dsl.Regularizer;
import dev.cortado.dsl.Tensor;
import dev.cortado.optim.BaseOptimizer;
import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.Executable;
import dev.cortado.runtime.GoldenJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One whole training run of PyTorch's {@code training.json}, with its model built through the
 * public DSL exactly as a user would write it.
 */
public record GoldenCase(String name, Map<?, ?> json) {

  @Override
  public String toString() {
    return name;
  }

  /** Every case of the file. */
  public static List<GoldenCase> all() {
    return CaseJson.cases("training.json", GoldenCase::new);
  }

  public Map<?, ?> optimizer() {
    return (Map<?, ?>) json.get("optimizer");
  }

  /**
   * The case's optimizer through the public factories: {@code sgd} (momentum, nesterov),
   * {@code adam}, {@code adamw}, {@code rmsprop}, {@code adagrad}, PyTorch's defaults where a
   * field is absent; {@code decay_mode} {@code coupled} is COUPLED, {@code decoupled} and
   * {@code decoupled_manual} (SGDW) are DECOUPLED; {@code exclude_bias} excludes {@code "*}{@code /bias"}.
   */
  public Optimizer trainingOptimizer() {
    Map<?, ?> o = optimizer();
    double lr = dbl(o.get("lr"));
    BaseOptimizer<?> opt = switch ((String) o.get("type")) {
      case "sgd" -> sgd(lr).momentum(dbl(o, "momentum", 0)).nesterov(Boolean.TRUE.equals(o.get("nesterov")));
      case "adam" -> adam(lr).betas(dbl(o, "beta1", 0.9), dbl(o, "beta2", 0.999)).eps(dbl(o, "eps", 1e-8));
      case "adamw" -> adamW(lr).betas(dbl(o, "beta1", 0.9), dbl(o, "beta2", 0.999)).eps(dbl(o, "eps", 1e-8));
      case "rmsprop" -> rmsProp(lr).rho(dbl(o, "rho", 0.99)).eps(dbl(o, "eps", 1e-8))
          .momentum(dbl(o, "momentum", 0)).centered(Boolean.TRUE.equals(o.get("centered")));
      case "adagrad" -> adagrad(lr).eps(dbl(o, "eps", 1e-10)).lrDecay(dbl(o, "lr_decay", 0));
      default -> throw new IllegalArgumentException(name + ": unknown optimizer " + o);
    };
    if (o.containsKey("weight_decay")) {
      String mode = (String) o.get("decay_mode");
      opt = opt.weightDecay(dbl(o.get("weight_decay")), "coupled".equals(mode) ? COUPLED : DECOUPLED);
    }
    if (Boolean.TRUE.equals(o.get("exclude_bias"))) {
      opt = opt.excludeFromWeightDecay("*/bias");
    }
    return opt;
  }

  public boolean isFloat32() {
    return CaseJson.isFloat32(json);
  }

  /** The model: dense layers, each regularizer as declared, the data loss plus the collection's terms. */
  public Model model() {
    return Model.define(name, m -> {
      m.dtype(isFloat32() ? F32 : F64);
      List<?> layers = (List<?>) json.get("layers");
      Map<?, ?> first = (Map<?, ?>) layers.get(0);
      Map<?, ?> last = (Map<?, ?>) layers.get(layers.size() - 1);
      Tensor x = m.input("x", BATCH, num(first.get("in")));
      Tensor y = m.input("y", BATCH, num(last.get("out")));
      Tensor h = x;
      for (Object o : layers) {
        Map<?, ?> layer = (Map<?, ?>) o;
        Regularizer reg = regularizer((Map<?, ?>) layer.get("kernel_regularizer"));
        h = m.dense((String) layer.get("name"), h, num(layer.get("out")), d -> {
          d.activation(activation((String) layer.get("activation")));
          if (reg != null) {
            d.kernelRegularizer(reg);
          }
        });
      }
      m.output("out", h);
      Tensor dataLoss = "mse".equals(json.get("loss")) ? mse(h, y) : softmaxCrossEntropy(h, y);
      m.minimize(dataLoss.add(addN(m.collection(REGULARIZATION_LOSSES))));
    });
  }

  /** Sets every parameter to the case's starting value. */
  public void initialize(Executable exe) {
    ((Map<?, ?>) json.get("init")).forEach((k, v) -> exe.setParameter((String) k, GoldenJson.flatten(v)));
  }

  public int steps() {
    return num(json.get("steps"));
  }

  /** The inputs of step {@code s}: batch {@code s % num_batches}. */
  public Map<String, double[]> batch(int s) {
    List<?> batches = (List<?>) json.get("batches");
    Map<?, ?> b = (Map<?, ?>) batches.get(s % batches.size());
    Map<String, double[]> in = new LinkedHashMap<>();
    in.put("x", GoldenJson.flatten(b.get("x")));
    in.put("y", GoldenJson.flatten(b.get("y")));
    return in;
  }

  public Map<?, ?> expected() {
    return (Map<?, ?>) json.get("expected");
  }

  public double[] expectedLosses(String key) {
    return GoldenJson.flatten(expected().get(key));
  }

  public Map<String, double[]> expectedParams() {
    Map<String, double[]> out = new LinkedHashMap<>();
    ((Map<?, ?>) expected().get("params")).forEach((k, v) -> out.put((String) k, GoldenJson.flatten(v)));
    return out;
  }
}
