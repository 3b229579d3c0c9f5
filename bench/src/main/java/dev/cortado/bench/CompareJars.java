package dev.cortado.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Times one model's compiled training step from several builds of this benchmark jar in one JVM,
 * round by round in turn, and prints each build's median µs per step and the per-round ratio of
 * the first build's time to each other's. On a shared host whose speed moves from minute to
 * minute, two JVMs run one after the other can differ by 2× on the same jar; steps timed in turn
 * in one JVM see the same machine, so their ratio holds where their times do not.
 *
 * <p>Each jar is loaded in a class loader of its own (the JDK's classes shared, nothing else), so
 * each build brings its own Cortado; the jars must be {@code bench/target/benchmarks.jar} files
 * (shaded, with Cortado inside). Every step runs on the same fixed batch and seed in each build.
 *
 * <p>Usage: {@code java [--add-modules jdk.incubator.vector] -cp bench/target/benchmarks.jar
 * dev.cortado.bench.CompareJars --model mnist|tiny|small|cnn_digits|lenet|gru|lstm [--clock wall|cpu]
 * [--rounds 20] [--measure-ms 10000] [--impls compiled,compiled-2t] old.jar new.jar [more.jar ...]}.
 * {@code --impls} (MLP models only; {@code compiled} by default) times each jar's step of each
 * implementation named, in that order; a two-thread step needs {@code --clock wall}.
 */
public final class CompareJars {
  private static final String PKG = "dev.cortado.bench.";

  private CompareJars() {}

  /**
   * Runs the comparison.
   *
   * @param args the options above, then two or more jar paths
   * @throws Exception if a jar cannot be read or its step fails
   */
  public static void main(String[] args) throws Exception {
    String model = null;
    boolean cpu = true;
    int rounds = 20;
    long measureMs = 10_000;
    List<String> impls = List.of("compiled");
    List<Path> jars = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--model" -> model = value(args, ++i);
        case "--clock" -> cpu = value(args, ++i).equals("cpu");
        case "--rounds" -> rounds = Integer.parseInt(value(args, ++i));
        case "--measure-ms" -> measureMs = Long.parseLong(value(args, ++i));
        case "--impls" -> impls = List.of(value(args, ++i).split(","));
        default -> {
          Path jar = Path.of(args[i]);
          if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("not a jar file: " + args[i]);
          }
          jars.add(jar);
        }
      }
    }
    if (model == null || jars.size() * impls.size() < 2) {
      throw new IllegalArgumentException("need --model NAME and at least two jars, got model "
          + model + " and " + jars.size() + " jar(s)");
    }
    if (cpu && impls.stream().anyMatch(s -> !s.equals("compiled"))) {
      throw new IllegalArgumentException("a step on several threads needs --clock wall");
    }
    List<TrainStep> steps = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Path jar : jars) {
      for (String impl : impls) {
        steps.add(stepOf(jar, model, impl));
        names.add(impls.size() == 1 ? jar.toString() : jar + " " + impl);
      }
    }
    StepTimer timer = new StepTimer(cpu, 5000, 30000, measureMs, rounds);
    double[][] us = timer.interleaved(steps);
    System.out.printf("%s, %s, %s, %d rounds in turn, %s %s%n%n", model, String.join(" and ", impls),
        timer.clockName(), rounds, System.getProperty("java.vm.name"), System.getProperty("java.version"));
    System.out.println("| jar | median µs/step | range | first ÷ this, median per round (range) |");
    System.out.println("| --- | ---: | ---: | ---: |");
    for (int k = 0; k < steps.size(); k++) {
      double[] sorted = us[k].clone();
      Arrays.sort(sorted);
      double[] ratio = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        ratio[r] = us[0][r] / us[k][r];
      }
      Arrays.sort(ratio);
      System.out.printf("| %s | %.1f | %.1f–%.1f | %.3f (%.3f–%.3f) |%n", names.get(k),
          sorted[rounds / 2], sorted[0], sorted[rounds - 1], ratio[rounds / 2], ratio[0], ratio[rounds - 1]);
    }
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }

  /**
   * The step of {@code model} by implementation {@code label} ({@code Impl}) as the benchmark jar
   * {@code jar} builds it, in a class loader of its own (public for the peers' {@code SideBySide},
   * which times it beside TensorFlow Java's).
   *
   * @param jar a benchmark jar
   * @param model an MLP of {@code BenchModel}, {@code cnn_digits}, {@code lenet}, {@code gru} or {@code lstm}
   * @param label an {@code Impl} label ({@code compiled} for the CNN and recurrent models)
   * @return the step
   * @throws Exception when the jar cannot build it
   */
  public static TrainStep stepOf(Path jar, String model, String label) throws Exception {
    URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
        ClassLoader.getPlatformClassLoader());
    Object step;
    boolean cnn = model.equalsIgnoreCase("cnn_digits") || model.equalsIgnoreCase("lenet");
    boolean recurrent = model.equalsIgnoreCase("gru") || model.equalsIgnoreCase("lstm");
    if ((cnn || recurrent) && !label.equals("compiled")) {
      throw new IllegalArgumentException("model " + model + " is timed compiled on one thread only, not " + label);
    }
    if (cnn) {
      Class<?> cnnModel = loader.loadClass(PKG + "CnnModel");
      Object m = cnnModel.getMethod("of", String.class).invoke(null, model);
      Object defined = cnnModel.getMethod("define").invoke(m);
      Object optimizer = cnnModel.getMethod("optimizer").invoke(m);
      Object exe = compileMethod(defined.getClass(), optimizer).invoke(defined, optimizer);
      Method stepFor = cnnModel.getDeclaredMethod("step", loader.loadClass("dev.cortado.runtime.Executable"));
      stepFor.setAccessible(true);
      step = stepFor.invoke(m, exe);
    } else if (recurrent) {
      Method stepFor = loader.loadClass(PKG + "RecurrentBench").getDeclaredMethod("step", String.class);
      stepFor.setAccessible(true);
      step = stepFor.invoke(null, model.toLowerCase(java.util.Locale.ROOT));
    } else {
      Class<?> bench = loader.loadClass(PKG + "BenchModel");
      Object m = bench.getMethod("of", String.class).invoke(null, model);
      Class<?> impl = loader.loadClass(PKG + "Impl");
      Object compiled = impl.getMethod("of", String.class).invoke(null, label);
      step = impl.getMethod("create", bench, long.class).invoke(compiled, m, 42L);
    }
    Method run = loader.loadClass(PKG + "TrainStep").getMethod("run");
    Object target = step;
    return () -> {
      try {
        return (double) run.invoke(target);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException(jar + ": the step failed", e);
      }
    };
  }

  private static Method compileMethod(Class<?> model, Object optimizer) {
    for (Method m : model.getMethods()) {
      if (m.getName().equals("compile") && m.getParameterCount() == 1
          && m.getParameterTypes()[0].isInstance(optimizer)) {
        return m;
      }
    }
    throw new IllegalStateException(model + " has no compile(optimizer)");
  }
}
