package dev.cortado.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A test-only executable: a linear regression {@code pred = x @ w + b} with mean squared error,
 * trained by Adam (state {@code w/m, w/v, b/m, b/v, step}), so that its optimizer state matters
 * for the next step. With {@code f32} every stored value is rounded to float, as an F32 model's.
 */
final class FakeExecutable implements Executable {

  private final int features;
  private final boolean f32;
  private final Map<String, double[]> params = new LinkedHashMap<>();
  private final Map<String, int[]> shapes = new LinkedHashMap<>();
  private final Map<String, double[]> state = new LinkedHashMap<>();
  private final Map<String, Double> hyper = new LinkedHashMap<>();
  private Map<String, Double> lastLosses = Map.of();

  FakeExecutable(int features, long seed, boolean f32) {
    this.features = features;
    this.f32 = f32;
    SplittableRandom random = new SplittableRandom(seed);
    double[] w = new double[features];
    for (int i = 0; i < features; i++) {
      w[i] = round(random.nextDouble(-1, 1));
    }
    params.put("dense/w", w);
    shapes.put("dense/w", new int[] {features, 1});
    params.put("dense/b", new double[] {round(random.nextDouble())});
    shapes.put("dense/b", new int[] {1});
    for (String p : params.keySet()) {
      state.put(p + "/m", new double[params.get(p).length]);
      state.put(p + "/v", new double[params.get(p).length]);
    }
    state.put("step", new double[1]);
    hyper.put("lr_multiplier", 1.0);
  }

  /** Adds a parameter (one the trainer leaves alone), such as one named like saved state. */
  void addParameter(String name, double... values) {
    params.put(name, values.clone());
    shapes.put(name, new int[] {values.length});
  }

  private double round(double v) {
    return f32 ? (float) v : v;
  }

  @Override
  public double trainStep(Map<String, double[]> inputs) {
    double[] x = inputs.get("x");
    double[] y = inputs.get("y");
    int n = y.length;
    double[] w = params.get("dense/w");
    double b = params.get("dense/b")[0];
    double loss = 0;
    double[] gw = new double[features];
    double gb = 0;
    for (int r = 0; r < n; r++) {
      double p = b;
      for (int c = 0; c < features; c++) {
        p += x[r * features + c] * w[c];
      }
      double d = p - y[r];
      loss += d * d / n;
      for (int c = 0; c < features; c++) {
        gw[c] += 2 * d * x[r * features + c] / n;
      }
      gb += 2 * d / n;
    }
    double t = ++state.get("step")[0];
    adam("dense/w", gw, t);
    adam("dense/b", new double[] {gb}, t);
    lastLosses = Map.of("loss", loss, "data_loss", loss);
    return loss;
  }

  private void adam(String name, double[] g, double t) {
    double lr = 0.01 * hyper.get("lr_multiplier");
    double[] p = params.get(name);
    double[] m = state.get(name + "/m");
    double[] v = state.get(name + "/v");
    for (int i = 0; i < p.length; i++) {
      m[i] = round(0.9 * m[i] + 0.1 * g[i]);
      v[i] = round(0.999 * v[i] + 0.001 * g[i] * g[i]);
      double mHat = m[i] / (1 - Math.pow(0.9, t));
      double vHat = v[i] / (1 - Math.pow(0.999, t));
      p[i] = round(p[i] - lr * mHat / (Math.sqrt(vHat) + 1e-8));
    }
  }

  @Override
  public double trainStepFloats(Map<String, float[]> inputs) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Map<String, double[]> predict(Map<String, double[]> inputs) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Map<String, float[]> predictFloats(Map<String, float[]> inputs) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Map<String, Double> evaluate(Map<String, double[]> inputs) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Map<String, Double> lastLosses() {
    return lastLosses;
  }

  @Override
  public List<String> parameterNames() {
    return new ArrayList<>(params.keySet());
  }

  @Override
  public int[] parameterShape(String name) {
    return known(shapes, name).clone();
  }

  @Override
  public double[] parameter(String name) {
    return known(params, name).clone();
  }

  @Override
  public void setParameter(String name, double[] values) {
    set(params, name, values);
  }

  @Override
  public List<String> stateNames() {
    return new ArrayList<>(state.keySet());
  }

  @Override
  public double[] state(String name) {
    return known(state, name).clone();
  }

  @Override
  public void setState(String name, double[] values) {
    set(state, name, values);
  }

  @Override
  public List<String> hyperparameterNames() {
    return new ArrayList<>(hyper.keySet());
  }

  @Override
  public double hyperparameter(String name) {
    return known(hyper, name);
  }

  @Override
  public void setHyperparameter(String name, double value) {
    known(hyper, name);
    hyper.put(name, value);
  }

  private void set(Map<String, double[]> map, String name, double[] values) {
    double[] target = known(map, name);
    if (values.length != target.length) {
      throw new IllegalArgumentException(name + ": expected " + target.length + " values, got "
          + values.length);
    }
    for (int i = 0; i < values.length; i++) {
      target[i] = round(values[i]);
    }
  }

  private static <T> T known(Map<String, T> map, String name) {
    T value = map.get(name);
    if (value == null) {
      throw new IllegalArgumentException("unknown name " + name);
    }
    return value;
  }
}
