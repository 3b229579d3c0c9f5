package dev.cortado.spark;

import dev.cortado.runtime.Executable;
import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * How an executor gets the model: a serializable recipe that Spark ships with each task, and
 * that each executor JVM runs once. A task borrows an idle executable made by the recipe (making
 * one only when every one is busy, so two tasks of one JVM never share working memory) and
 * gives it back when it ends. Parameters do not travel with the recipe: they are broadcast once
 * per job (inference) or per step (training) and set on the borrowed executable.
 *
 * <p>Two recipes: {@link #generated} uses a class generated at build time by the Maven plugin
 * when it is on the executors' class path (no compiler needed there), and {@link #compiled}
 * compiles the model from source once per executor JVM ({@code model.compile(...)}; the classes
 * are cached by the code generator, so the second executable of a JVM costs no compiler run).
 */
public final class ModelSource implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A serializable way to make an executable: a lambda over code that is on the executors' class path. */
  @FunctionalInterface
  public interface Factory extends Serializable {
    /**
     * Makes one executable of the model, on an executor.
     *
     * @return a new executable
     * @throws Exception if it cannot be made (the task fails naming the model)
     */
    Executable make() throws Exception;
  }

  /** Idle executables by recipe id, per JVM. */
  private static final Map<String, ConcurrentLinkedQueue<Executable>> IDLE = new ConcurrentHashMap<>();
  /** How many executables each recipe has made in this JVM (for tests and the overhead figures). */
  private static final Map<String, Integer> MADE = new ConcurrentHashMap<>();

  /** Tells this recipe's idle executables from other recipes' in a JVM. */
  private final String id;
  /** What the recipe makes, for messages. */
  private final String description;
  /** The build-time class to use where it is on the class path, or null. */
  private final String className;
  /** How to make an executable without that class, or null. */
  private final Factory fallback;

  private ModelSource(String description, String className, Factory fallback) {
    this.id = UUID.randomUUID().toString();
    this.description = description;
    this.className = className;
    this.fallback = fallback;
  }

  /**
   * Compiles on each executor with {@code factory}, typically
   * {@code () -> MyModels.digits().compile(adamW(1e-3))}: once per JVM, then reused.
   *
   * @param description what the recipe makes, for messages
   * @param factory a serializable lambda over code on the executors' class path
   * @return the recipe
   */
  public static ModelSource compiled(String description, Factory factory) {
    return new ModelSource(Objects.requireNonNull(description, "description"), null,
        Objects.requireNonNull(factory, "factory"));
  }

  /**
   * The build-time class {@code className} (made by the Maven plugin, instantiated through its
   * public no-argument constructor) where it is on the class path, else {@code fallback} (null:
   * none, and a missing class is an error naming it).
   *
   * @param className the fully qualified name of the generated class
   * @param fallback how to make the executable where the class is missing, or null
   * @return the recipe
   */
  public static ModelSource generated(String className, Factory fallback) {
    return new ModelSource(Objects.requireNonNull(className, "className"), className, fallback);
  }

  /** An idle executable of this recipe in this JVM, made now if there is none. */
  Executable borrow() {
    Executable e = IDLE.computeIfAbsent(id, k -> new ConcurrentLinkedQueue<>()).poll();
    return e != null ? e : make();
  }

  /** Gives back an executable {@link #borrow} returned. */
  void giveBack(Executable e) {
    IDLE.computeIfAbsent(id, k -> new ConcurrentLinkedQueue<>()).offer(e);
  }

  /** How many executables this recipe has made in this JVM. */
  int made() {
    return MADE.getOrDefault(id, 0);
  }

  private Executable make() {
    try {
      Executable e = null;
      if (className != null) {
        Class<?> c = loadable(className);
        if (c != null) {
          e = (Executable) c.getConstructor().newInstance();
        } else if (fallback == null) {
          throw new IllegalStateException("model class '" + className + "' is not on the class path of this executor"
              + " and no fallback was given: ship the jar holding it (spark-submit --jars or the application jar)");
        }
      }
      if (e == null) {
        e = fallback.make();
      }
      MADE.merge(id, 1, Integer::sum);
      return e;
    } catch (RuntimeException ex) {
      throw ex;
    } catch (Exception ex) {
      throw new IllegalStateException("could not make model '" + description + "' on this executor", ex);
    }
  }

  private static Class<?> loadable(String name) {
    ClassLoader l = Thread.currentThread().getContextClassLoader();
    try {
      return Class.forName(name, true, l != null ? l : ModelSource.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "ModelSource[" + description + "]";
  }
}
