package dev.cortado.train;

import dev.cortado.runtime.Executable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An executable that adds a recorded {@code lr_multiplier} run-time scalar to another one, to
 * test a schedule's calls whatever the optimizer exposes.
 */
final class WithMultiplier implements Executable {
  private final Executable inner;
  private final List<Double> set;
  private double multiplier = 1;

  WithMultiplier(Executable inner, List<Double> set) {
    this.inner = inner;
    this.set = set;
  }

  @Override
  public List<String> hyperparameterNames() {
    List<String> names = new ArrayList<>(inner.hyperparameterNames());
    if (!names.contains(LearningRateSchedule.MULTIPLIER)) {
      names.add(LearningRateSchedule.MULTIPLIER);
    }
    return names;
  }

  @Override
  public double hyperparameter(String name) {
    return name.equals(LearningRateSchedule.MULTIPLIER) ? multiplier
        : inner.hyperparameter(name);
  }

  @Override
  public void setHyperparameter(String name, double value) {
    if (name.equals(LearningRateSchedule.MULTIPLIER)) {
      multiplier = value;
      set.add(value);
    } else {
      inner.setHyperparameter(name, value);
    }
  }

  @Override
  public double trainStep(Map<String, double[]> inputs) {
    return inner.trainStep(inputs);
  }

  @Override
  public double trainStepFloats(Map<String, float[]> inputs) {
    return inner.trainStepFloats(inputs);
  }

  @Override
  public Map<String, double[]> predict(Map<String, double[]> inputs) {
    return inner.predict(inputs);
  }

  @Override
  public Map<String, float[]> predictFloats(Map<String, float[]> inputs) {
    return inner.predictFloats(inputs);
  }

  @Override
  public Map<String, Double> evaluate(Map<String, double[]> inputs) {
    return inner.evaluate(inputs);
  }

  @Override
  public Map<String, Double> lastLosses() {
    return inner.lastLosses();
  }

  @Override
  public List<String> parameterNames() {
    return inner.parameterNames();
  }

  @Override
  public int[] parameterShape(String name) {
    return inner.parameterShape(name);
  }

  @Override
  public double[] parameter(String name) {
    return inner.parameter(name);
  }

  @Override
  public void setParameter(String name, double[] values) {
    inner.setParameter(name, values);
  }

  @Override
  public List<String> stateNames() {
    return inner.stateNames();
  }

  @Override
  public double[] state(String name) {
    return inner.state(name);
  }

  @Override
  public void setState(String name, double[] values) {
    inner.setState(name, values);
  }
}
