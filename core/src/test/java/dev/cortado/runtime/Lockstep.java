package dev.cortado.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

/**
 * Two executables driven together, every answer of the second required to equal the first's bit
 * for bit ({@code assertEquals} on doubles compares their bits: NaN equals NaN, 0.0 is not -0.0):
 * for a change that must not alter any result, such as splitting a step over threads. Every call
 * goes to both; reads return the first's answer after the comparison.
 */
public final class Lockstep implements Executable {
  private final Executable first;
  private final Executable second;

  /** Runs {@code second} beside {@code first}, which answers. */
  public Lockstep(Executable first, Executable second) {
    this.first = first;
    this.second = second;
  }

  @Override
  public double trainStep(Map<String, double[]> inputs) {
    double a = first.trainStep(inputs);
    assertEquals(a, second.trainStep(inputs), "loss");
    lastLosses();
    return a;
  }

  @Override
  public double trainStepFloats(Map<String, float[]> inputs) {
    double a = first.trainStepFloats(inputs);
    assertEquals(a, second.trainStepFloats(inputs), "loss");
    lastLosses();
    return a;
  }

  @Override
  public Map<String, double[]> predict(Map<String, double[]> inputs) {
    Map<String, double[]> a = first.predict(inputs);
    Map<String, double[]> b = second.predict(inputs);
    assertEquals(a.keySet(), b.keySet());
    a.forEach((k, v) -> assertArrayEquals(v, b.get(k), "output " + k));
    return a;
  }

  @Override
  public Map<String, float[]> predictFloats(Map<String, float[]> inputs) {
    Map<String, float[]> a = first.predictFloats(inputs);
    Map<String, float[]> b = second.predictFloats(inputs);
    assertEquals(a.keySet(), b.keySet());
    a.forEach((k, v) -> assertArrayEquals(v, b.get(k), "output " + k));
    return a;
  }

  @Override
  public Map<String, Double> evaluate(Map<String, double[]> inputs) {
    Map<String, Double> a = first.evaluate(inputs);
    assertEquals(a, second.evaluate(inputs), "evaluate");
    return a;
  }

  @Override
  public Map<String, Double> lastLosses() {
    Map<String, Double> a = first.lastLosses();
    assertEquals(a, second.lastLosses(), "last losses");
    return a;
  }

  @Override
  public List<String> parameterNames() {
    return first.parameterNames();
  }

  @Override
  public int[] parameterShape(String name) {
    return first.parameterShape(name);
  }

  @Override
  public double[] parameter(String name) {
    double[] a = first.parameter(name);
    assertArrayEquals(a, second.parameter(name), "variable " + name);
    return a;
  }

  @Override
  public void setParameter(String name, double[] values) {
    first.setParameter(name, values);
    second.setParameter(name, values);
  }

  @Override
  public List<String> stateNames() {
    return first.stateNames();
  }

  @Override
  public double[] state(String name) {
    double[] a = first.state(name);
    assertArrayEquals(a, second.state(name), "state " + name);
    return a;
  }

  @Override
  public void setState(String name, double[] values) {
    first.setState(name, values);
    second.setState(name, values);
  }

  @Override
  public List<String> hyperparameterNames() {
    return first.hyperparameterNames();
  }

  @Override
  public double hyperparameter(String name) {
    return first.hyperparameter(name);
  }

  @Override
  public void setHyperparameter(String name, double value) {
    first.setHyperparameter(name, value);
    second.setHyperparameter(name, value);
  }

  @Override
  public void close() {
    first.close();
    second.close();
  }
}
