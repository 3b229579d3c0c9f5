package dev.cortado.dsl.golden;

import static dev.cortado.dsl.Cortado.*;
import static dev.cortado.dsl.golden.CaseJson.*;

import dev.cortado.dsl.Activation;
import dev.cortado.dsl.Model;
import dev.cortado.dsl.ModelBuilder;
import dev.cortado.dsl.Regularizer;
import dev.cortado.dsl.Tensor;
import dev.cortado.optim.BaseOptimizer;
import dev.cortado.optim.Optimizer;
import dev.cortado.runtime.GoldenJson;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One training run of PyTorch's {@code layers.json}: its model built step by step through the
 * public DSL, one layer call per step's {@code op}. {@link #missingStep} names the first step this
 * harness cannot build yet, so a test can skip the case saying why.
 */
public record LayersCase(String name, Map<?, ?> json) {
  /** The steps {@link #model} builds. */
  static final Set<String> BUILT = Set.of("dense", "conv2d", "conv1d", "maxPool2d", "avgPool2d", "maxPool1d",
      "avgPool1d", "globalAvgPool", "flatten", "meanAxis1", "activation", "embedding", "selfAttention", "layerNorm",
      "batchNorm", "gru", "lstm");

  @Override
  public String toString() {
    return name;
  }

  /** Every case of the file. */
  public static List<LayersCase> all() {
    return CaseJson.cases("layers.json", LayersCase::new);
  }

  /** The op of the first step not built yet, or null when every step is. */
  public String missingStep() {
    for (Object o : steps()) {
      String op = (String) ((Map<?, ?>) o).get("op");
      if (!BUILT.contains(op)) {
        return op;
      }
    }
    return null;
  }

  private List<?> steps() {
    return (List<?>) json.get("layers");
  }

  /** The same run as a {@code training.json} case, for its optimizer, initial values, batches and expectations. */
  GoldenCase asTrainingCase() {
    return new GoldenCase(name, json);
  }

  public boolean isFloat32() {
    return CaseJson.isFloat32(json);
  }

  /** The case's optimizer, as {@link GoldenCase#trainingOptimizer}, with its {@code exclude} globs. */
  public Optimizer optimizer() {
    Optimizer o = asTrainingCase().trainingOptimizer();
    Map<?, ?> spec = (Map<?, ?>) json.get("optimizer");
    List<?> exclude = (List<?>) spec.get("exclude");
    if (exclude != null && !exclude.isEmpty()) {
      o = ((BaseOptimizer<?>) o).excludeFromWeightDecay(exclude.toArray(new String[0]));
    }
    return o;
  }

  /** The model: the steps in order on input {@code x}, the data loss plus the regularization terms. */
  public Model model() {
    return Model.define(name, m -> {
      m.dtype(isFloat32() ? F32 : F64);
      Map<?, ?> inputs = (Map<?, ?>) json.get("inputs");
      Tensor x = m.input("x", shape(inputs.get("x")));
      Tensor y = m.input("y", shape(inputs.get("y")));
      Tensor h = x;
      for (Object o : steps()) {
        h = step(m, (Map<?, ?>) o, h);
      }
      m.output("out", h);
      Tensor dataLoss = "mse".equals(json.get("loss")) ? mse(h, y) : softmaxCrossEntropy(h, y);
      m.minimize(dataLoss.add(addN(m.collection(REGULARIZATION_LOSSES))));
    });
  }

  private static Tensor step(ModelBuilder m, Map<?, ?> s, Tensor h) {
    String op = (String) s.get("op");
    String name = (String) s.get("name");
    Activation act = activation((String) s.get("activation"));
    Regularizer kernelReg = regularizer((Map<?, ?>) s.get("kernel_regularizer"));
    Regularizer biasReg = regularizer((Map<?, ?>) s.get("bias_regularizer"));
    return switch (op) {
      case "dense" -> m.dense(name, h, num(s.get("units")), d -> {
        d.activation(act);
        if (kernelReg != null) {
          d.kernelRegularizer(kernelReg);
        }
        if (biasReg != null) {
          d.biasRegularizer(biasReg);
        }
      });
      case "conv2d" -> {
        int[] k = ints(s.get("kernel"));
        int[] st = s.containsKey("strides") ? ints(s.get("strides")) : new int[] {1, 1};
        yield m.conv2d(name, h, num(s.get("filters")), k[0], c -> {
          c.kernelSize(k[0], k[1]).strides(st[0], st[1]).padding(padding(s)).activation(act);
          if (kernelReg != null) {
            c.kernelRegularizer(kernelReg);
          }
          if (biasReg != null) {
            c.biasRegularizer(biasReg);
          }
        });
      }
      case "conv1d" -> m.conv1d(name, h, num(s.get("filters")), num(s.get("kernel")), c -> {
        c.strides(s.containsKey("strides") ? num(s.get("strides")) : 1).padding(padding(s)).activation(act);
        if (kernelReg != null) {
          c.kernelRegularizer(kernelReg);
        }
        if (biasReg != null) {
          c.biasRegularizer(biasReg);
        }
      });
      case "maxPool2d" -> maxPool2d(h, num(s.get("size")), stride(s));
      case "avgPool2d" -> avgPool2d(h, num(s.get("size")), stride(s));
      case "maxPool1d" -> maxPool1d(h, num(s.get("size")), stride(s));
      case "avgPool1d" -> avgPool1d(h, num(s.get("size")), stride(s));
      case "globalAvgPool" -> globalAvgPool(h);
      case "flatten" -> flatten(h);
      case "meanAxis1" -> h.mean(1);
      case "activation" -> act.apply(h);
      case "embedding" -> m.embedding(name, h, num(s.get("vocab")), num(s.get("dim")), e -> {
        Regularizer r = regularizer((Map<?, ?>) s.get("embeddings_regularizer"));
        if (r != null) {
          e.embeddingsRegularizer(r);
        }
      });
      case "selfAttention" -> selfAttention(m, name, h);
      case "gru" -> m.gru(name, h, num(s.get("units")), g -> g.returnSequences(Boolean.TRUE.equals(s.get("returnSequences"))));
      case "lstm" -> m.lstm(name, h, num(s.get("units")), g -> g.returnSequences(Boolean.TRUE.equals(s.get("returnSequences"))));
      case "layerNorm" -> m.layerNorm(name, h, n -> n.eps(dbl(s.get("eps"))));
      case "batchNorm" -> m.batchNorm(name, h, n -> n.eps(dbl(s.get("eps"))).momentum(dbl(s.get("momentum"))));
      default -> throw new IllegalArgumentException("step '" + op + "' is not built by this harness");
    };
  }

  /** One head on {@code h [B, T, D]}: {@code softmax(q·kᵀ/√D)·v} with q, k, v dense layers under the step's name. */
  static Tensor selfAttention(ModelBuilder m, String name, Tensor h) {
    int d = h.shape().dim(2);
    return m.scoped(name, () -> {
      Tensor q = m.dense("q", h, d);
      Tensor k = m.dense("k", h, d);
      Tensor v = m.dense("v", h, d);
      return q.matmul(k.transpose(0, 2, 1)).div(Math.sqrt(d)).softmax(-1).matmul(v);
    });
  }

  private static int stride(Map<?, ?> s) {
    return num(s.containsKey("stride") ? s.get("stride") : s.get("size"));
  }

  private static dev.cortado.dsl.Padding padding(Map<?, ?> s) {
    return "same".equals(s.get("padding")) ? SAME : VALID;
  }

  private static int[] shape(Object input) {
    return ints(((Map<?, ?>) input).get("shape"));
  }

  private static int[] ints(Object list) {
    return ((List<?>) list).stream().mapToInt(CaseJson::num).toArray();
  }

  /** The held-out batch of {@code expected.eval}: its input, and the output expected in inference mode. */
  Map<?, ?> eval() {
    return (Map<?, ?>) ((Map<?, ?>) json.get("expected")).get("eval");
  }
}
