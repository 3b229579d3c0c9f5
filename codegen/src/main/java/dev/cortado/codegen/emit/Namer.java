package dev.cortado.codegen.emit;

import java.util.HashSet;
import java.util.Set;

/**
 * Java identifiers from model names ({@code fc1/kernel} becomes {@code fc1_kernel}), each used once: the
 * one mangler, {@link JavaText#identifier}, then a suffix {@code _2}, {@code _3}, ... while the result is
 * taken or would shadow a name the generated code uses.
 */
final class Namer {
  private static final Set<String> RESERVED = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
      "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends",
      "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
      "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short",
      "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
      "void", "volatile", "while", "true", "false", "null", "var", "record", "yield", "sealed", "permits",
      "in", "out", "losses", "step", "firstRow", "Rng", "dev", "java", "jdk", "Math", "Double", "Float", "Long", "System", "SPEC", "acc",
      "hypers", "steps", "spec", "state", "f32", "f64", "lazy", "batchSize", "modelSpec",
      // locals of the kernels: a field must never be shadowed by one
      "i", "j", "p", "r", "o", "c", "m", "max", "sum", "lse", "total", "best", "row", "species", "FloatVector",
      "VectorSpecies",
      // the parts of a step split over threads
      "t", "lo", "hi", "chunk", "thread", "part", "runPart", "parallel", "close");
  /** The names that the kernels number ({@code t3}, {@code acc12}): none is ever a field's. */
  private static final Set<String> LOCAL_PREFIXES = Set.of("t", "i", "j", "a", "s", "acc", "brow", "w", "p", "b", "c",
      "fused");
  private final Set<String> used = new HashSet<>();

  Namer(String... taken) {
    used.addAll(Set.of(taken));
  }

  /** A fresh identifier close to {@code name}: {@link JavaText#identifier}, with a suffix when taken. */
  String name(String name) {
    String base = JavaText.identifier(name);
    if (base.length() > 60) {
      base = base.substring(0, 60);
    }
    String n = base;
    for (int k = 2; RESERVED.contains(n) || isLocal(n) || !used.add(n); k++) {
      n = base + "_" + k;
    }
    return n;
  }

  /**
   * Whether {@code n} is a numbered local of the kernels ({@code t3}, {@code acc12}, {@code fused1}): one of
   * {@link #LOCAL_PREFIXES} and at least one digit. Checked by hand, not with a regular expression, which
   * a cold JVM compiled and ran in its interpreter for every name.
   */
  static boolean isLocal(String n) {
    int end = n.length();
    while (end > 0 && n.charAt(end - 1) >= '0' && n.charAt(end - 1) <= '9') {
      end--;
    }
    return end < n.length() && LOCAL_PREFIXES.contains(n.substring(0, end));
  }
}
