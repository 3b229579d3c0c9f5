package dev.cortado.dsl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Formats {@link Model#summary()} as a Keras-style table. */
final class Summary {
  private Summary() {}

  static String of(Model m) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"Variable", "Shape", "Params", "Initializer", "Regularizer", "Trainable", "Role"});
    long total = 0;
    long trainable = 0;
    for (VariableSummary v : m.variables()) {
      rows.add(new String[] {v.name(), Arrays.toString(v.shape()), Long.toString(v.parameters()), v.initializer(),
          v.regularizer() == null ? "-" : v.regularizer(), v.trainable() ? "yes" : "no",
          v.role() == null ? "-" : v.role().toString()});
      total += v.parameters();
      trainable += v.trainable() ? v.parameters() : 0;
    }
    int[] w = new int[7];
    for (String[] r : rows) {
      for (int i = 0; i < w.length; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder("Model: ").append(m.name()).append(" (").append(m.dtype()).append(")\n");
    String rule = "-".repeat(Arrays.stream(w).sum() + 2 * (w.length - 1)) + "\n";
    for (int r = 0; r < rows.size(); r++) {
      for (int i = 0; i < w.length; i++) {
        String cell = rows.get(r)[i];
        boolean right = i == 2;
        sb.append(right ? " ".repeat(w[i] - cell.length()) + cell : cell + " ".repeat(w[i] - cell.length()));
        if (i < w.length - 1) {
          sb.append("  ");
        } else {
          sb.setLength(sb.toString().stripTrailing().length());
          sb.append('\n');
        }
      }
      if (r == 0) {
        sb.append(rule);
      }
    }
    sb.append(rule);
    sb.append("Total params: ").append(total).append('\n');
    sb.append("Trainable params: ").append(trainable).append('\n');
    sb.append("Non-trainable params: ").append(total - trainable).append('\n');
    for (String t : m.addedRegularizationTerms()) {
      sb.append("minimize() added the term ").append(t).append(" (the loss did not contain it)\n");
    }
    return sb.toString();
  }
}
