package dev.cortado.dsl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model definition's variables by full name, its named collections (TensorFlow's graph
 * collections) and its regularization terms by loss name, in the order they were added.
 */
final class VariableCollections {
  private final Map<String, Variable> variables = new LinkedHashMap<>();
  private final Map<String, List<Tensor>> collections = new LinkedHashMap<>();
  private final Map<String, Tensor> regTerms = new LinkedHashMap<>();

  /** The declared variables by full name (live view). */
  Map<String, Variable> variables() {
    return variables;
  }

  /** The regularization terms by loss name (live view). */
  Map<String, Tensor> regTerms() {
    return regTerms;
  }

  /** Files a created variable and its term: global, trainable, the user's collections, the term last. */
  void created(Variable v, String termName, Tensor term) {
    add(Cortado.GLOBAL_VARIABLES, v);
    if (v.isTrainable()) {
      add(Cortado.TRAINABLE_VARIABLES, v);
    }
    for (String c : v.userCollections()) {
      add(c, v);
    }
    if (term != null) {
      regTerms.put(termName, term);
      add(Cortado.REGULARIZATION_LOSSES, term);
    }
  }

  /** Adds a scalar term of the user's to REGULARIZATION_LOSSES, named so it never replaces another. */
  void userTerm(Tensor t) {
    int n = regTerms.size();
    while (regTerms.containsKey(Losses.termName("term_" + n))) {
      n++; // a variable named term_<n> already has this name: never replace its term
    }
    regTerms.put(Losses.termName("term_" + n), t);
  }

  /** Appends {@code t} to {@code collection}. */
  void add(String collection, Tensor t) {
    collections.computeIfAbsent(collection, k -> new ArrayList<>()).add(t);
  }

  /** A copy of {@code collection}, empty when nothing was added to it. */
  List<Tensor> get(String collection) {
    return List.copyOf(collections.getOrDefault(collection, List.of()));
  }
}
