package dev.cortado.spark;

import dev.cortado.interp.Interpreter;
import dev.cortado.runtime.CompiledModel;
import dev.cortado.runtime.Executable;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Which columns of a {@code Dataset<Row>} feed which input of the model: for each input, either
 * one array column ({@code array<double>}, {@code array<float>}, any numeric element type) holding
 * the input's row (row-major, its batch-free shape flattened), or several numeric columns, one per
 * element, in order. Immutable and serializable.
 */
public final class Features implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The columns of each input, in the order the inputs were given. */
  private final LinkedHashMap<String, List<String>> columns;

  private Features(LinkedHashMap<String, List<String>> columns) {
    this.columns = columns;
  }

  /**
   * No inputs yet.
   *
   * @return an empty mapping, to extend with {@link #input}
   */
  public static Features of() {
    return new Features(new LinkedHashMap<>());
  }

  /**
   * These features and input {@code input} read from {@code columnNames}: one array column, or
   * one numeric column per element.
   *
   * @param input the model's input
   * @param columnNames one array column, or one numeric column per element of the input's row
   * @return a new mapping with this input added (this one is unchanged)
   * @throws IllegalArgumentException if no column is given or the input is mapped already
   */
  public Features input(String input, String... columnNames) {
    Objects.requireNonNull(input, "input");
    if (columnNames.length == 0) {
      throw new IllegalArgumentException("input '" + input + "' needs at least one column");
    }
    if (columns.containsKey(input)) {
      throw new IllegalArgumentException("input '" + input + "' is mapped twice");
    }
    LinkedHashMap<String, List<String>> c = new LinkedHashMap<>(columns);
    c.put(input, List.of(columnNames));
    return new Features(c);
  }

  /**
   * The inputs, in the order they were given.
   *
   * @return a copy of the inputs' names
   */
  public List<String> inputs() {
    return new ArrayList<>(columns.keySet());
  }

  /**
   * The columns of {@code input}.
   *
   * @param input an input of this mapping
   * @return its columns, or null if it is not mapped
   */
  public List<String> columns(String input) {
    return columns.get(input);
  }

  /** The number of values one row of {@code input} holds in {@code exe}. */
  static int rowSize(Executable exe, String input) {
    int[] shape;
    if (exe instanceof CompiledModel c) {
      shape = c.spec().inputShapes().get(input);
    } else if (exe instanceof Interpreter i) {
      shape = i.graph().inputs().containsKey(input) ? i.graph().inputs().get(input).shape().dims() : null;
    } else {
      throw new IllegalArgumentException("cannot read the input shapes of " + exe.getClass().getName());
    }
    if (shape == null) {
      throw new IllegalArgumentException("the model has no input '" + input + "'");
    }
    int n = 1;
    for (int d : shape) {
      n *= d < 0 ? 1 : d;
    }
    return n;
  }

  /** Checks that every column exists with a type that can feed a model. */
  void check(StructType schema) {
    for (Map.Entry<String, List<String>> e : columns.entrySet()) {
      for (String c : e.getValue()) {
        StructField f = field(schema, c, e.getKey());
        DataType t = f.dataType();
        boolean ok = t instanceof NumericType
            || (e.getValue().size() == 1 && t instanceof ArrayType a && a.elementType() instanceof NumericType);
        if (!ok) {
          throw new IllegalArgumentException("column '" + c + "' (for input '" + e.getKey() + "') has type "
              + t.simpleString() + "; expected " + (e.getValue().size() == 1 ? "a numeric or array<numeric> column"
              : "a numeric column"));
        }
      }
    }
  }

  private static StructField field(StructType schema, String c, String input) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(c)) {
        return f;
      }
    }
    throw new IllegalArgumentException("no column '" + c + "' (for input '" + input + "'); columns: "
        + List.of(schema.fieldNames()));
  }

  /** Reads one row's values for each input, in {@link #inputs()} order; throws a {@link BadRow}. */
  double[][] read(Row row, StructType schema, int[] sizes, String where) {
    double[][] out = new double[columns.size()][];
    int k = 0;
    for (Map.Entry<String, List<String>> e : columns.entrySet()) {
      double[] v = new double[sizes[k]];
      List<String> cols = e.getValue();
      if (cols.size() == 1 && schema.apply(cols.get(0)).dataType() instanceof ArrayType) {
        String c = cols.get(0);
        int i = schema.fieldIndex(c);
        if (row.isNullAt(i)) {
          throw new BadRow("column '" + c + "' is null in " + where);
        }
        List<Object> l = row.getList(i);
        if (l.size() != v.length) {
          throw new BadRow("column '" + c + "' has " + l.size() + " values in " + where + "; input '" + e.getKey()
              + "' takes " + v.length);
        }
        for (int j = 0; j < v.length; j++) {
          Object x = l.get(j);
          if (x == null) {
            throw new BadRow("column '" + c + "' has a null at index " + j + " in " + where);
          }
          v[j] = ((Number) x).doubleValue();
        }
      } else {
        if (cols.size() != v.length) {
          throw new IllegalArgumentException("input '" + e.getKey() + "' takes " + v.length + " values a row; "
              + cols.size() + " columns given: " + cols);
        }
        for (int j = 0; j < v.length; j++) {
          int i = schema.fieldIndex(cols.get(j));
          if (row.isNullAt(i)) {
            throw new BadRow("column '" + cols.get(j) + "' is null in " + where);
          }
          v[j] = ((Number) row.get(i)).doubleValue();
        }
      }
      for (int j = 0; j < v.length; j++) {
        if (!Double.isFinite(v[j])) {
          throw new BadRow("input '" + e.getKey() + "' from " + cols + " has " + v[j] + " at index " + j + " in " + where);
        }
      }
      out[k++] = v;
    }
    return out;
  }

  /** A row that cannot feed the model: the message names the column and the row. */
  public static final class BadRow extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    BadRow(String message) {
      super(message);
    }
  }
}
