package dev.cortado.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gradient sums for every trainable parameter of a model, in double precision whatever the
 * model's dtype: what {@link Executable#accumulateGradients} adds into and {@link
 * Executable#applyGradients} reads. Made by {@link Executable#newGradients()} (all zero), added
 * together with {@link #add} (the combine of a distributed sum), and serializable, so that it can
 * travel between JVMs. Not thread-safe: one accumulation at a time.
 */
public final class Gradients implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** The sum of each parameter's gradient, row-major, in declaration order. */
  private final LinkedHashMap<String, double[]> sums;
  /** The rows the sums were accumulated over. */
  private long rows;

  /**
   * Zero sums for parameters {@code names} of the given element counts.
   *
   * @param names the parameters' full names, each once
   * @param sizes the element count of each
   * @throws IllegalArgumentException if the lists differ in length or a name repeats
   */
  public Gradients(List<String> names, List<Integer> sizes) {
    if (names.size() != sizes.size()) {
      throw new IllegalArgumentException(names.size() + " names but " + sizes.size() + " sizes");
    }
    sums = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      if (sums.put(names.get(i), new double[sizes.get(i)]) != null) {
        throw new IllegalArgumentException("parameter '" + names.get(i) + "' is named twice");
      }
    }
  }

  private Gradients(LinkedHashMap<String, double[]> sums, long rows) {
    this.sums = sums;
    this.rows = rows;
  }

  /**
   * The parameters, in declaration order.
   *
   * @return an unmodifiable list
   */
  public List<String> names() {
    return Collections.unmodifiableList(new ArrayList<>(sums.keySet()));
  }

  /**
   * The live sum for {@code parameter} (row-major, the parameter's shape): writes to it change
   * these gradients.
   *
   * @param parameter a parameter's full name
   * @return the live array
   * @throws IllegalArgumentException naming the parameter and the known ones if there is none
   */
  public double[] get(String parameter) {
    double[] g = sums.get(parameter);
    if (g == null) {
      throw new IllegalArgumentException("no gradient for '" + parameter + "'; trainable parameters: " + sums.keySet());
    }
    return g;
  }

  /**
   * The rows these sums were accumulated over (each call adds its batch size).
   *
   * @return the rows
   */
  public long rows() {
    return rows;
  }

  /**
   * Adds {@code n} to {@link #rows()}; the executables call this.
   *
   * @param n the rows of the batch just added
   */
  public void addRows(long n) {
    rows += n;
  }

  /**
   * Every sum back to zero, and no rows.
   *
   * @return this
   */
  public Gradients zero() {
    for (double[] g : sums.values()) {
      java.util.Arrays.fill(g, 0);
    }
    rows = 0;
    return this;
  }

  /**
   * Adds {@code other} into these sums element by element (and its rows), and returns this.
   *
   * @param other sums over the same parameters and sizes
   * @return this
   * @throws IllegalArgumentException if the two hold different parameters or sizes
   */
  public Gradients add(Gradients other) {
    if (!sums.keySet().equals(other.sums.keySet())) {
      throw new IllegalArgumentException("gradients for " + other.sums.keySet() + " cannot be added to " + sums.keySet());
    }
    for (Map.Entry<String, double[]> e : sums.entrySet()) {
      double[] a = e.getValue();
      double[] b = other.sums.get(e.getKey());
      if (a.length != b.length) {
        throw new IllegalArgumentException("gradient of '" + e.getKey() + "' has " + b.length + " values, expected " + a.length);
      }
      for (int i = 0; i < a.length; i++) {
        a[i] += b[i];
      }
    }
    rows += other.rows;
    return this;
  }

  /**
   * Multiplies every sum by {@code factor} and returns this.
   *
   * @param factor the factor, e.g. {@code 1.0 / rows()} for a mean
   * @return this
   */
  public Gradients scale(double factor) {
    for (double[] g : sums.values()) {
      for (int i = 0; i < g.length; i++) {
        g[i] *= factor;
      }
    }
    return this;
  }

  /**
   * A deep copy.
   *
   * @return a new, independent {@code Gradients}
   */
  public Gradients copy() {
    LinkedHashMap<String, double[]> c = new LinkedHashMap<>();
    sums.forEach((k, v) -> c.put(k, v.clone()));
    return new Gradients(c, rows);
  }

  /**
   * The total number of values (8 bytes each): what one copy weighs on the wire.
   *
   * @return the number of doubles
   */
  public long size() {
    long n = 0;
    for (double[] g : sums.values()) {
      n += g.length;
    }
    return n;
  }
}
