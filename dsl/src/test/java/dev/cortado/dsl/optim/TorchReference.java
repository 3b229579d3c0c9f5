package dev.cortado.dsl.optim;

import java.util.HashMap;
import java.util.Map;

/**
 * PyTorch 1.13's single-tensor update rules ({@code torch/optim/sgd.py}, {@code adam.py},
 * {@code adamw.py}, {@code rmsprop.py}, {@code adagrad.py}) transcribed line by line over plain
 * arrays: an independent oracle for the options that {@code training.json} does not cover.
 */
abstract class TorchReference {
  private final Map<String, Map<String, double[]>> state = new HashMap<>();
  int step;

  /** Applies one step to every parameter in place, given the gradients at the current values. */
  void step(Map<String, double[]> params, Map<String, double[]> grads) {
    step++;
    params.forEach((name, p) -> update(p, grads.get(name).clone(), state.computeIfAbsent(name, k -> new HashMap<>())));
  }

  abstract void update(double[] p, double[] g, Map<String, double[]> s);

  static double[] slot(Map<String, double[]> s, String name, int n, double init) {
    return s.computeIfAbsent(name, k -> {
      double[] a = new double[n];
      java.util.Arrays.fill(a, init);
      return a;
    });
  }

  static void addDecay(double[] g, double[] p, double wd) {
    for (int i = 0; i < g.length; i++) {
      g[i] = g[i] + wd * p[i];
    }
  }

  static TorchReference sgd(double lr, double momentum, double dampening, boolean nesterov, double wd) {
    return new TorchReference() {
      @Override
      void update(double[] p, double[] g, Map<String, double[]> s) {
        addDecay(g, p, wd);
        if (momentum != 0) {
          double[] buf = s.get("momentum_buffer");
          if (buf == null) {
            s.put("momentum_buffer", buf = g.clone());
          } else {
            for (int i = 0; i < g.length; i++) {
              buf[i] = buf[i] * momentum + (1 - dampening) * g[i];
            }
          }
          for (int i = 0; i < g.length; i++) {
            g[i] = nesterov ? g[i] + momentum * buf[i] : buf[i];
          }
        }
        for (int i = 0; i < p.length; i++) {
          p[i] = p[i] + -lr * g[i];
        }
      }
    };
  }

  /** Adam with coupled decay, or AdamW ({@code decoupled}) with {@code p *= 1 - lr·wd} first. */
  static TorchReference adam(double lr, double b1, double b2, double eps, double wd, boolean decoupled,
      boolean amsgrad) {
    return new TorchReference() {
      @Override
      void update(double[] p, double[] g, Map<String, double[]> s) {
        if (decoupled) {
          for (int i = 0; i < p.length; i++) {
            p[i] *= 1 - lr * wd;
          }
        } else {
          addDecay(g, p, wd);
        }
        double[] m = slot(s, "exp_avg", p.length, 0);
        double[] v = slot(s, "exp_avg_sq", p.length, 0);
        double[] vmax = slot(s, "max_exp_avg_sq", p.length, 0);
        double bc1 = 1 - Math.pow(b1, step);
        double bc2 = 1 - Math.pow(b2, step);
        double stepSize = lr / bc1;
        double bc2Sqrt = Math.sqrt(bc2);
        for (int i = 0; i < p.length; i++) {
          m[i] = m[i] * b1 + (1 - b1) * g[i];
          v[i] = v[i] * b2 + (1 - b2) * g[i] * g[i];
          vmax[i] = Math.max(vmax[i], v[i]);
          double denom = Math.sqrt(amsgrad ? vmax[i] : v[i]) / bc2Sqrt + eps;
          p[i] = p[i] + -stepSize * m[i] / denom;
        }
      }
    };
  }

  static TorchReference rmsProp(double lr, double alpha, double eps, double wd, double momentum, boolean centered) {
    return new TorchReference() {
      @Override
      void update(double[] p, double[] g, Map<String, double[]> s) {
        addDecay(g, p, wd);
        double[] sq = slot(s, "square_avg", p.length, 0);
        double[] ga = slot(s, "grad_avg", p.length, 0);
        double[] buf = slot(s, "momentum_buffer", p.length, 0);
        for (int i = 0; i < p.length; i++) {
          sq[i] = sq[i] * alpha + (1 - alpha) * g[i] * g[i];
          double avg;
          if (centered) {
            ga[i] = ga[i] * alpha + (1 - alpha) * g[i];
            avg = Math.sqrt(sq[i] + -1 * ga[i] * ga[i]);
          } else {
            avg = Math.sqrt(sq[i]);
          }
          avg = avg + eps;
          if (momentum > 0) {
            buf[i] = buf[i] * momentum + g[i] / avg;
            p[i] = p[i] + -lr * buf[i];
          } else {
            p[i] = p[i] + -lr * g[i] / avg;
          }
        }
      }
    };
  }

  static TorchReference adagrad(double lr, double lrDecay, double wd, double initialAccumulator, double eps) {
    return new TorchReference() {
      @Override
      void update(double[] p, double[] g, Map<String, double[]> s) {
        addDecay(g, p, wd);
        double clr = lr / (1 + (step - 1) * lrDecay);
        double[] sum = slot(s, "sum", p.length, initialAccumulator);
        for (int i = 0; i < p.length; i++) {
          sum[i] = sum[i] + 1 * g[i] * g[i];
          double std = Math.sqrt(sum[i]) + eps;
          p[i] = p[i] + -clr * g[i] / std;
        }
      }
    };
  }
}
