package dev.cortado.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Attrs' hand-written equals and hashCode keep a record's meaning: every component counts, the
 * value compares as {@code Double.compare} does (NaN equals NaN, 0.0 differs from -0.0), and
 * equal attributes hash alike.
 */
class AttrsEqualityTest {
  @Test
  void equalityIsComponentWiseAsForARecord() {
    Attrs a = new Attrs(1, 0.5, Shape.of(2, 3), true, false, 7);
    assertEquals(a, new Attrs(1, 0.5, Shape.of(2, 3), true, false, 7));
    assertEquals(a.hashCode(), new Attrs(1, 0.5, Shape.of(2, 3), true, false, 7).hashCode());
    List<Attrs> others = List.of(new Attrs(2, 0.5, Shape.of(2, 3), true, false, 7),
        new Attrs(1, 0.25, Shape.of(2, 3), true, false, 7), new Attrs(1, 0.5, Shape.of(3, 2), true, false, 7),
        new Attrs(1, 0.5, null, true, false, 7), new Attrs(1, 0.5, Shape.of(2, 3), false, false, 7),
        new Attrs(1, 0.5, Shape.of(2, 3), true, true, 7), new Attrs(1, 0.5, Shape.of(2, 3), true, false, 8));
    for (Attrs o : others) {
      assertNotEquals(a, o, o.describe());
      assertNotEquals(o, a, o.describe());
    }
    assertNotEquals(a, null);
    assertNotEquals(a, "attrs");
  }

  @Test
  void theValueComparesAsDoubleCompareDoes() {
    assertEquals(Attrs.value(Double.NaN), Attrs.value(Double.longBitsToDouble(0x7ff8000000000001L)));
    assertEquals(Attrs.value(Double.NaN).hashCode(), Attrs.value(Double.longBitsToDouble(0x7ff8000000000001L)).hashCode());
    assertNotEquals(Attrs.value(0.0), Attrs.value(-0.0));
    assertEquals(Attrs.NONE, new Attrs(Attrs.ALL, 0, null, false, false, 0));
  }
}
