package dev.cortado.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.op.Op;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The key of a graph ({@link Canonical#graph}) is complete: one node of every op kind, and for
 * every node each change of its op, inputs, shape, dtype, name and of every attribute (found by
 * reflection over {@link Attrs}' components, so an attribute added later is covered too, with
 * the values that print alike: {@code 0.0} and {@code -0.0}, NaNs with different payloads) gives
 * a different key, as does each change of a role. The encoding is not checked for validity, so
 * the graphs here are built node by node without the verifier.
 */
class CanonicalTest {
  private static final double[] VALUES = {0.0, -0.0, 1.0, -1.0, 0.1, 0.1 + 1e-17 * 2, Double.NaN,
      Double.longBitsToDouble(0x7ff8000000000001L), Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
      Double.MIN_VALUE, -Double.MIN_VALUE};
  private static final Shape[] SHAPES = {null, Shape.SCALAR, Shape.of(2), Shape.of(3), Shape.of(2, 3),
      Shape.of(3, 2), Shape.of(Shape.BATCH, 3), Shape.of(Shape.BATCH, 2)};

  /** A node's fields, to rebuild it with one changed. */
  private record Spec(Op op, List<Integer> inputs, Shape shape, DType dtype, Attrs attrs, String name) {}

  /** One node of each op kind, each reading the two before it; the leaves carry roles. */
  private static List<Spec> specs() {
    List<Spec> s = new ArrayList<>();
    int k = 0;
    for (Op op : Op.values()) {
      List<Integer> in = k < 2 ? List.of() : List.of(k - 1, k - 2);
      s.add(new Spec(op, in, Shape.of(2, 3), DType.F32, new Attrs(k % 3, 0.5 * k, k % 2 == 0 ? null : Shape.of(6),
          k % 2 == 0, k % 3 == 0, k, k % 2 == 0 ? null : new int[] {k, 1}), op.name().toLowerCase() + "_" + k));
      k++;
    }
    return s;
  }

  private static Graph graph(List<Spec> specs, Consumer<GraphBuilder> roles) {
    GraphBuilder b = new GraphBuilder("g", DType.F32);
    for (Spec s : specs) {
      List<Node> in = s.inputs().stream().map(b.nodes::get).toList();
      b.nodes.add(new Node(b.nodes.size(), s.op(), in, s.shape(), s.dtype(), s.attrs(), s.name()));
    }
    roles.accept(b);
    return new Graph(b);
  }

  private static void standardRoles(GraphBuilder b) {
    b.inputs.put("x", b.nodes.get(0));
    b.variables.put("w", new VariableInfo("w", b.nodes.get(1), VariableInfo.Role.PARAMETER, true,
        new double[b.nodes.get(1).shape().size(1)]));
    b.hypers.put("h", b.nodes.get(2));
    b.outputs.put("out", b.nodes.get(3));
    b.losses.put(Graph.LOSS, b.nodes.get(4));
    b.gradients.put("w", b.nodes.get(5));
    b.updates.put("w", b.nodes.get(6));
  }

  private static String key(Graph g) {
    return new Canonical("test").graph(g).hex();
  }

  @Test
  void theSameGraphBuiltTwiceHasOneKey() {
    assertEquals(key(graph(specs(), CanonicalTest::standardRoles)), key(graph(specs(), CanonicalTest::standardRoles)));
  }

  @Test
  void everyChangeOfAnyNodeOfAnyOpChangesTheKey() throws Exception {
    List<Spec> base = specs();
    String original = key(graph(base, CanonicalTest::standardRoles));
    Set<String> seen = new HashSet<>(Set.of(original));
    int changes = 0;
    for (int k = 0; k < base.size(); k++) {
      for (Spec changed : variants(base.get(k), k)) {
        List<Spec> g = new ArrayList<>(base);
        g.set(k, changed);
        String key = key(graph(g, CanonicalTest::standardRoles));
        assertNotEquals(original, key, "node " + k + " changed to " + changed);
        assertTrue(seen.add(key), "two different changes gave one key: " + changed);
        changes++;
      }
    }
    // every op kind reached every node, and every attribute component had at least one change
    assertTrue(changes > Op.values().length * (Op.values().length - 1), "changes tried: " + changes);
  }

  /** Every way {@code s} can differ in one field, each value different from the original. */
  private static List<Spec> variants(Spec s, int k) throws Exception {
    List<Spec> v = new ArrayList<>();
    for (Op op : Op.values()) {
      if (op != s.op()) {
        v.add(new Spec(op, s.inputs(), s.shape(), s.dtype(), s.attrs(), s.name()));
      }
    }
    if (k >= 2) {
      v.add(new Spec(s.op(), List.of(s.inputs().get(1), s.inputs().get(0)), s.shape(), s.dtype(), s.attrs(), s.name()));
      v.add(new Spec(s.op(), List.of(s.inputs().get(0)), s.shape(), s.dtype(), s.attrs(), s.name()));
      v.add(new Spec(s.op(), List.of(s.inputs().get(0), s.inputs().get(1), 0), s.shape(), s.dtype(), s.attrs(), s.name()));
    }
    for (Shape sh : SHAPES) {
      if (sh != null && !sh.equals(s.shape())) {
        v.add(new Spec(s.op(), s.inputs(), sh, s.dtype(), s.attrs(), s.name()));
      }
    }
    for (DType d : DType.values()) {
      if (d != s.dtype()) {
        v.add(new Spec(s.op(), s.inputs(), s.shape(), d, s.attrs(), s.name()));
      }
    }
    v.add(new Spec(s.op(), s.inputs(), s.shape(), s.dtype(), s.attrs(), s.name() + "x"));
    v.add(new Spec(s.op(), s.inputs(), s.shape(), s.dtype(), s.attrs(), s.name().substring(1)));
    RecordComponent[] parts = Attrs.class.getRecordComponents();
    Constructor<Attrs> make = Attrs.class.getDeclaredConstructor(
        java.util.Arrays.stream(parts).map(RecordComponent::getType).toArray(Class<?>[]::new));
    for (int c = 0; c < parts.length; c++) {
      Object old = parts[c].getAccessor().invoke(s.attrs());
      List<Object> others = otherValues(parts[c].getType(), old);
      assertTrue(!others.isEmpty(), "no changes tried for attribute " + parts[c].getName());
      for (Object value : others) {
        Object[] args = new Object[parts.length];
        for (int i = 0; i < parts.length; i++) {
          args[i] = i == c ? value : parts[i].getAccessor().invoke(s.attrs());
        }
        v.add(new Spec(s.op(), s.inputs(), s.shape(), s.dtype(), make.newInstance(args), s.name()));
      }
    }
    return v;
  }

  /** Values of {@code type} other than {@code old}; doubles compared by their bits. */
  private static List<Object> otherValues(Class<?> type, Object old) {
    List<Object> out = new ArrayList<>();
    if (type == int.class) {
      for (int i : new int[] {(Integer) old + 1, (Integer) old - 1, Attrs.ALL, Integer.MAX_VALUE}) {
        if (i != (Integer) old) {
          out.add(i);
        }
      }
    } else if (type == long.class) {
      out.add((Long) old + 1);
      out.add(-(Long) old - 1);
    } else if (type == double.class) {
      for (double d : VALUES) {
        if (Double.doubleToRawLongBits(d) != Double.doubleToRawLongBits((Double) old)) {
          out.add(d);
        }
      }
    } else if (type == boolean.class) {
      out.add(!(Boolean) old);
    } else if (type == int[].class) {
      int[] o = (int[]) old;
      for (int[] a : new int[][] {null, {}, {0}, {1, 0}, {0, 1, 2}}) {
        if (!java.util.Arrays.equals(a, o)) {
          out.add(a);
        }
      }
      if (o != null && o.length > 0) {
        int[] changed = o.clone();
        changed[o.length - 1]++;
        out.add(changed);
      }
    } else if (type == Shape.class) {
      for (Shape sh : SHAPES) {
        if (!java.util.Objects.equals(sh, old)) {
          out.add(sh);
        }
      }
    }
    return out;
  }

  @Test
  void zeroAndNegativeZeroPrintAlikeButKeyApart() {
    Graph plus = graph(List.of(new Spec(Op.values()[0], List.of(), Shape.SCALAR, DType.F64, Attrs.value(0.0), "c")), b -> {});
    Graph minus = graph(List.of(new Spec(Op.values()[0], List.of(), Shape.SCALAR, DType.F64, Attrs.value(-0.0), "c")), b -> {});
    assertEquals(plus.toString(), minus.toString(), "the printed text, the old key, cannot tell them apart");
    assertNotEquals(key(plus), key(minus));
  }

  @Test
  void everyChangeOfARoleChangesTheKey() {
    String original = key(graph(specs(), CanonicalTest::standardRoles));
    Map<String, Consumer<GraphBuilder>> changes = new java.util.LinkedHashMap<>();
    changes.put("input renamed", b -> b.inputs.put("y", b.inputs.remove("x")));
    changes.put("input moved", b -> b.inputs.put("x", b.nodes.get(7)));
    changes.put("variable frozen", b -> b.variables.put("w",
        new VariableInfo("w", b.nodes.get(1), VariableInfo.Role.PARAMETER, false, new double[6])));
    changes.put("variable is state", b -> b.variables.put("w",
        new VariableInfo("w", b.nodes.get(1), VariableInfo.Role.STATE, true, new double[6])));
    changes.put("variable's node", b -> b.variables.put("w",
        new VariableInfo("w", b.nodes.get(8), VariableInfo.Role.PARAMETER, true, new double[6])));
    changes.put("hyper renamed", b -> b.hypers.put("h2", b.hypers.remove("h")));
    changes.put("output added", b -> b.outputs.put("out2", b.nodes.get(9)));
    changes.put("output renamed", b -> b.outputs.put("o", b.outputs.remove("out")));
    changes.put("loss moved", b -> b.losses.put(Graph.LOSS, b.nodes.get(10)));
    changes.put("data loss added", b -> b.losses.put(Graph.DATA_LOSS, b.nodes.get(10)));
    changes.put("gradient removed", b -> b.gradients.clear());
    changes.put("update moved", b -> b.updates.put("w", b.nodes.get(11)));
    Set<String> seen = new HashSet<>(Set.of(original));
    changes.forEach((what, change) -> {
      String key = key(graph(specs(), b -> {
        standardRoles(b);
        change.accept(b);
      }));
      assertNotEquals(original, key, what);
      assertTrue(seen.add(key), what + " keys like another change");
    });
    GraphBuilder renamed = new GraphBuilder("h", DType.F32);
    assertNotEquals(key(new Graph(new GraphBuilder("g", DType.F32))), key(new Graph(renamed)));
    assertNotEquals(key(new Graph(new GraphBuilder("g", DType.F32))), key(new Graph(new GraphBuilder("g", DType.F64))));
  }
}
