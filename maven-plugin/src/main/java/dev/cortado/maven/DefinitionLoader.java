package dev.cortado.maven;

import dev.cortado.dsl.Model;
import dev.cortado.dsl.ModelDefinition;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import javax.lang.model.SourceVersion;

/**
 * Turns a configured class name into a {@link Model}: loads the class from the definitions'
 * class loader, checks that it is a concrete {@link ModelDefinition} with a no-argument
 * constructor, instantiates it and runs {@link ModelDefinition#build()}. Every failure is a
 * {@link GenerationException} whose message names the class.
 */
final class DefinitionLoader {
  private final ClassLoader loader;

  DefinitionLoader(ClassLoader loader) {
    this.loader = loader;
  }

  Model load(String className) throws GenerationException {
    if (className == null || className.isBlank()) {
      throw new GenerationException("a <definition> has no <className>");
    }
    String name = className.strip();
    if (!SourceVersion.isName(name.replace('$', '.'))) {
      throw new GenerationException("model definition class '" + name
          + "' is not a valid Java class name");
    }
    Class<?> type;
    try {
      type = Class.forName(name, false, loader);
    } catch (ClassNotFoundException e) {
      throw new GenerationException("model definition class '" + name + "' was not found; put"
          + " the jar or module that holds it in the plugin's <dependencies>", e);
    } catch (LinkageError e) {
      throw new GenerationException("model definition class '" + name + "' cannot be loaded: "
          + e, e);
    }
    if (!ModelDefinition.class.isAssignableFrom(type)) {
      throw new GenerationException("model definition class '" + name + "' does not extend "
          + ModelDefinition.class.getName() + sameNameHint(type));
    }
    if (Modifier.isAbstract(type.getModifiers())) {
      throw new GenerationException("model definition class '" + name + "' is abstract");
    }
    ModelDefinition definition = instantiate(name, type.asSubclass(ModelDefinition.class));
    try {
      return definition.build();
    } catch (RuntimeException | LinkageError e) {
      throw new GenerationException("model definition class '" + name + "' failed in define(): "
          + e, e);
    }
  }

  private static ModelDefinition instantiate(String name, Class<? extends ModelDefinition> type)
      throws GenerationException {
    if (type.getEnclosingClass() != null && !Modifier.isStatic(type.getModifiers())) {
      throw new GenerationException("model definition class '" + name
          + "' is an inner class; make it static or top-level");
    }
    Constructor<? extends ModelDefinition> constructor;
    try {
      constructor = type.getDeclaredConstructor();
    } catch (NoSuchMethodException e) {
      throw new GenerationException("model definition class '" + name
          + "' has no constructor without arguments", e);
    }
    try {
      constructor.setAccessible(true);
      return constructor.newInstance();
    } catch (InvocationTargetException e) {
      throw new GenerationException("model definition class '" + name
          + "' threw from its constructor: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      throw new GenerationException("model definition class '" + name
          + "' cannot be instantiated: " + e, e);
    }
  }

  /** Explains the case of two copies of the DSL, where the class extends the other copy. */
  private static String sameNameHint(Class<?> type) {
    for (Class<?> c = type.getSuperclass(); c != null; c = c.getSuperclass()) {
      if (c.getName().equals(ModelDefinition.class.getName())) {
        return " of the plugin's class loader (it extends another copy of it, from "
            + c.getClassLoader() + "); do not shade or repackage dev.cortado:dsl";
      }
    }
    return "";
  }
}
