package dev.cortado.dsl;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The stack of open variable scopes of one model definition: the name prefix they give
 * ({@code fc1/}), whether variables are reused, and the custom getters that compose inside them.
 */
final class Scopes {
  private record Scope(String name, boolean reuse, UnaryOperator<Tensor> getter) {}

  private final List<Scope> open = new ArrayList<>();

  /** Opens a scope; the name must be non-empty and contain no {@code '/'}. */
  void push(String scopeName, boolean reuse, UnaryOperator<Tensor> getter) {
    if (scopeName == null || scopeName.isEmpty() || scopeName.contains("/")) {
      throw new IllegalArgumentException("a scope name must be non-empty and contain no '/': got '" + scopeName + "'");
    }
    open.add(new Scope(scopeName, reuse, getter));
  }

  /** Closes the innermost scope. */
  void pop() {
    open.remove(open.size() - 1);
  }

  /** Whether the innermost scope returns existing variables instead of creating them. */
  boolean reuse() {
    return !open.isEmpty() && open.get(open.size() - 1).reuse();
  }

  /** The open scopes' names, each followed by {@code '/'}: {@code ""} outside every scope. */
  String prefix() {
    StringBuilder sb = new StringBuilder();
    for (Scope s : open) {
      sb.append(s.name()).append('/');
    }
    return sb.toString();
  }

  /** The open scopes' names joined by {@code '/'}, as a user writes the scope. */
  String path() {
    String p = prefix();
    return p.isEmpty() ? "" : p.substring(0, p.length() - 1);
  }

  /** The open scopes' getters composed, the innermost applied last; null when none is open. */
  UnaryOperator<Tensor> getter() {
    UnaryOperator<Tensor> g = null;
    for (Scope s : open) {
      if (s.getter() != null) {
        UnaryOperator<Tensor> outer = g;
        UnaryOperator<Tensor> inner = s.getter();
        g = outer == null ? inner : t -> inner.apply(outer.apply(t));
      }
    }
    return g;
  }
}
