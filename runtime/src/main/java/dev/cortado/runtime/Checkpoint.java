package dev.cortado.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Saves and restores an {@link Executable}'s training state as a safetensors file (see {@link
 * Safetensors}), so that training resumes exactly where it stopped and a Python user can open
 * the weights with {@code safetensors.torch.load_file}.
 *
 * <p>What the file holds:
 *
 * <ul>
 *   <li>every parameter under its full name ({@code "fc1/kernel"}), with its shape;
 *   <li>every optimizer state tensor under {@code "state/" + name} ({@code "state/fc1/kernel/exp_avg"}),
 *       with the flat shape {@code [length]}, since the interface gives no shape for state;
 *   <li>in {@code __metadata__}: {@code "format": "cortado-checkpoint/1"} and each run-time
 *       scalar as {@code "hyperparameter/" + name} (such as a schedule's {@code lr_multiplier}),
 *       written with {@link Double#toString} so it reads back bit-identical.
 * </ul>
 *
 * <p>The dtype is F32 when every value is exactly a float (always so for an F32 model) and F64
 * otherwise, so a save and load round-trip is bit-identical either way; {@link #save(Executable,
 * Path, Safetensors.DType)} forces one.
 *
 * <p>{@link #load} checks the whole file against the executable (names in both directions,
 * shapes, dtypes, hyperparameters) before it sets anything, and names every mismatch at once;
 * on failure the executable is untouched.
 */
public final class Checkpoint {

  /** Prefix of the optimizer state tensors' names. */
  public static final String STATE_PREFIX = "state/";
  /** Prefix of the run-time scalars' keys in the metadata. */
  public static final String HYPERPARAMETER_PREFIX = "hyperparameter/";
  /** The metadata key naming this layout. */
  public static final String FORMAT_KEY = "format";
  /** The value of {@link #FORMAT_KEY}: this layout, version 1. */
  public static final String FORMAT = "cortado-checkpoint/1";

  private Checkpoint() {}

  /**
   * Saves parameters, optimizer state and run-time scalars, atomically, in the lossless dtype.
   *
   * @param exe the executable to save
   * @param path the safetensors file to write
   * @throws IOException if the file cannot be written; an existing file is then left as it was
   */
  public static void save(Executable exe, Path path) throws IOException {
    save(exe, path, null);
  }

  /**
   * As {@link #save(Executable, Path)} with a fixed dtype ({@code null} picks the lossless one);
   * F32 rounds an F64 model's values.
   *
   * @param exe the executable to save
   * @param path the safetensors file to write
   * @param dtype the element type of the file, or null
   * @throws IOException if the file cannot be written; an existing file is then left as it was
   */
  public static void save(Executable exe, Path path, Safetensors.DType dtype) throws IOException {
    java.util.Objects.requireNonNull(exe, "Checkpoint.save: exe");
    java.util.Objects.requireNonNull(path, "Checkpoint.save: path");
    requireUnambiguous(exe, path.toString());
    Map<String, double[]> values = new LinkedHashMap<>();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    for (String name : exe.parameterNames()) {
      values.put(name, exe.parameter(name));
      int[] shape = exe.parameterShape(name);
      shapes.put(name, Arrays.stream(shape).asLongStream().toArray());
    }
    for (String name : exe.stateNames()) {
      double[] v = exe.state(name);
      values.put(STATE_PREFIX + name, v);
      shapes.put(STATE_PREFIX + name, new long[] {v.length});
    }
    Safetensors.DType chosen = dtype != null ? dtype : losslessDType(values.values());
    Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
    values.forEach((name, v) ->
        tensors.put(name, new Safetensors.Tensor(chosen, shapes.get(name), v)));
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(FORMAT_KEY, FORMAT);
    for (String name : exe.hyperparameterNames()) {
      double v = exe.hyperparameter(name);
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("checkpoint " + path + ": hyperparameter \"" + name
            + "\" is " + v + "; only finite values are saved");
      }
      metadata.put(HYPERPARAMETER_PREFIX + name, Double.toString(v));
    }
    Safetensors.write(path, tensors, metadata);
  }

  /**
   * Restores parameters, optimizer state and run-time scalars. The file must hold exactly the
   * executable's parameters and state (by name, shape and a floating dtype) and its run-time
   * scalars.
   *
   * @param exe the executable to restore
   * @param path the safetensors file
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file and every mismatch; nothing is set then
   */
  public static void load(Executable exe, Path path) throws IOException {
    restore(exe, path, true);
  }

  /**
   * Restores the parameters only, for an inference executable or weights from another tool:
   * every parameter must be in the file with its shape; state tensors, run-time scalars and
   * other extra tensors in the file are ignored.
   *
   * @param exe the executable to restore
   * @param path the safetensors file
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file and every mismatch; nothing is set then
   */
  public static void loadParameters(Executable exe, Path path) throws IOException {
    restore(exe, path, false);
  }

  /**
   * As {@link #load(Executable, Path)} from a stream, such as the initial weights that the Maven
   * plugin puts next to a generated class: {@code Checkpoint.load(exe,
   * RegressionStep.class.getResourceAsStream("RegressionStep.safetensors"), "RegressionStep.safetensors")}.
   * The stream is read to its end and not closed; {@code source} names it in messages.
   *
   * @param exe the executable to restore
   * @param in the stream, read to its end and not closed
   * @param source the name used in messages
   * @throws IOException if the stream cannot be read
   */
  public static void load(Executable exe, InputStream in, String source) throws IOException {
    restore(exe, Safetensors.read(checked(in, source), source), source, true);
  }

  /**
   * As {@link #loadParameters(Executable, Path)} from a stream; see {@link #load(Executable,
   * InputStream, String)}.
   *
   * @param exe the executable to restore
   * @param in the stream, read to its end and not closed
   * @param source the name used in messages
   * @throws IOException if the stream cannot be read
   */
  public static void loadParameters(Executable exe, InputStream in, String source)
      throws IOException {
    restore(exe, Safetensors.read(checked(in, source), source), source, false);
  }

  private static InputStream checked(InputStream in, String source) throws IOException {
    if (in == null) {
      throw new IOException("checkpoint " + source + " not found (null stream; is the resource"
          + " on the class path?)");
    }
    return in;
  }

  private static void restore(Executable exe, Path path, boolean full) throws IOException {
    java.util.Objects.requireNonNull(exe, "Checkpoint.load: exe");
    java.util.Objects.requireNonNull(path, "Checkpoint.load: path");
    restore(exe, Safetensors.read(path), path.toString(), full);
  }

  /**
   * Throws if a parameter's name is also the name a piece of optimizer state is saved under
   * ({@code "state/" + its name}): such a file could not say which one an entry holds. Models
   * defined with Cortado cannot have one (parameter names beginning with {@code "state/"} are
   * rejected when defined); an {@link Executable} made otherwise is checked here.
   */
  private static void requireUnambiguous(Executable exe, String path) {
    Set<String> parameters = new LinkedHashSet<>(exe.parameterNames());
    for (String name : exe.stateNames()) {
      if (parameters.contains(STATE_PREFIX + name)) {
        throw new IllegalArgumentException("checkpoint " + path + " would be ambiguous: entry \""
            + STATE_PREFIX + name + "\" names both a parameter and the optimizer state \"" + name
            + "\"; rename the parameter");
      }
    }
  }

  private static void restore(Executable exe, Safetensors.Contents file, String path,
      boolean full) {
    requireUnambiguous(exe, path);
    List<String> problems = new ArrayList<>();
    Map<String, double[]> parameters = new LinkedHashMap<>();
    Map<String, double[]> state = new LinkedHashMap<>();
    Set<String> expected = new LinkedHashSet<>();
    for (String name : exe.parameterNames()) {
      expected.add(name);
      long[] shape = Arrays.stream(exe.parameterShape(name)).asLongStream().toArray();
      double[] v = take(file, name, shape, problems);
      if (v != null) {
        parameters.put(name, v);
      }
    }
    Map<String, Double> hyper = new LinkedHashMap<>();
    if (full) {
      for (String name : exe.stateNames()) {
        expected.add(STATE_PREFIX + name);
        long[] shape = {exe.state(name).length};
        double[] v = take(file, STATE_PREFIX + name, shape, problems);
        if (v != null) {
          state.put(name, v);
        }
      }
      for (Safetensors.Entry e : file.entries()) {
        if (!expected.contains(e.name())) {
          problems.add("unexpected tensor \"" + e.name() + "\" in the file");
        }
      }
      readHyperparameters(exe, file.metadata(), hyper, problems);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("checkpoint " + path + " does not match the model: "
          + String.join("; ", problems));
    }
    parameters.forEach(exe::setParameter);
    state.forEach(exe::setState);
    hyper.forEach(exe::setHyperparameter);
  }

  private static double[] take(Safetensors.Contents file, String name, long[] shape,
      List<String> problems) {
    Safetensors.Entry e = file.entry(name);
    if (e == null) {
      problems.add("missing tensor \"" + name + "\"");
      return null;
    }
    boolean ok = true;
    if (!Arrays.equals(e.shape(), shape)) {
      problems.add("\"" + name + "\" has shape " + Arrays.toString(e.shape()) + " in the file, "
          + Arrays.toString(shape) + " in the model");
      ok = false;
    }
    if (!e.isFloating()) {
      problems.add("\"" + name + "\" has dtype " + e.dtype() + ", expected F32 or F64");
      ok = false;
    }
    return ok ? e.values() : null;
  }

  private static void readHyperparameters(Executable exe, Map<String, String> metadata,
      Map<String, Double> out, List<String> problems) {
    Set<String> known = new LinkedHashSet<>(exe.hyperparameterNames());
    for (Map.Entry<String, String> m : metadata.entrySet()) {
      if (!m.getKey().startsWith(HYPERPARAMETER_PREFIX)) {
        continue;
      }
      String name = m.getKey().substring(HYPERPARAMETER_PREFIX.length());
      if (!known.contains(name)) {
        problems.add("unexpected hyperparameter \"" + name + "\" in the file");
        continue;
      }
      double v;
      try {
        v = Double.parseDouble(m.getValue());
      } catch (NumberFormatException e) {
        problems.add("hyperparameter \"" + name + "\" (metadata key \"" + m.getKey() + "\") is \""
            + m.getValue() + "\", not a number");
        continue;
      }
      if (!Double.isFinite(v)) {
        problems.add("hyperparameter \"" + name + "\" (metadata key \"" + m.getKey() + "\") is \""
            + m.getValue() + "\", not a finite number");
        continue;
      }
      out.put(name, v);
    }
    for (String name : known) {
      if (!metadata.containsKey(HYPERPARAMETER_PREFIX + name)) {
        problems.add("missing hyperparameter \"" + name + "\"");
      }
    }
  }

  private static Safetensors.DType losslessDType(Iterable<double[]> all) {
    for (double[] values : all) {
      for (double v : values) {
        if (Double.compare((double) (float) v, v) != 0) {
          return Safetensors.DType.F64;
        }
      }
    }
    return Safetensors.DType.F32;
  }
}
