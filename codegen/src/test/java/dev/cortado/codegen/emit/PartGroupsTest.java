package dev.cortado.codegen.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.javaparser.ast.stmt.BlockStmt;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link PartGroups}: which pieces of a step share a part, checked on hand-made cases and on 2,000
 * random steps against the rule that makes results unchanged: every two pieces that conflict
 * still run in their original order, one finished before the other starts.
 */
class PartGroupsTest {
  private static PartGroups.Piece phase(String name, Set<String> reads, Set<String> writes) {
    return piece(name, true, reads, writes);
  }

  private static PartGroups.Piece serial(String name, Set<String> reads, Set<String> writes) {
    return piece(name, false, reads, writes);
  }

  private static PartGroups.Piece piece(String name, boolean parallel, Set<String> reads, Set<String> writes) {
    Set<String> r = new HashSet<>(reads);
    r.addAll(writes);
    Access a = new Access(Set.copyOf(r), Set.copyOf(writes));
    return parallel
        ? new PartGroups.Piece(null, new KernelEmitter.Phase(8, 1, true, (from, to, own, into) -> {}), name, a)
        : new PartGroups.Piece(new BlockStmt(), null, name, a);
  }

  /** The schedule as text: serial pieces by name, a part as [phases | beside]. */
  private static String show(List<Object> items) {
    List<String> out = new ArrayList<>();
    for (Object o : items) {
      if (o instanceof PartGroups.Piece p) {
        out.add(p.comment());
      } else {
        PartGroups.Group g = (PartGroups.Group) o;
        out.add("[" + String.join(" ", g.phases().stream().map(PartGroups.Piece::comment).toList()) + " | "
            + String.join(" ", g.beside().stream().map(PartGroups.Piece::comment).toList()) + "]");
      }
    }
    return String.join(", ", out);
  }

  @Test
  void independentPhasesShareAPartAndDependentOnesDoNot() {
    var copyW = phase("copyW", Set.of("w"), Set.of("rowsW"));
    var forward = phase("forward", Set.of("x", "rowsW"), Set.of("h"));
    var copyV = phase("copyV", Set.of("v"), Set.of("rowsV"));
    var second = phase("second", Set.of("h", "rowsV"), Set.of("h2"));
    assertEquals("[copyW | ], [forward copyV | ], [second | ]",
        show(PartGroups.group(List.of(copyW, forward, copyV, second))));
  }

  @Test
  void serialPiecesMoveBesideAPhaseOnlyWhenNothingTheyCrossDependsOnThem() {
    var counter = serial("counter", Set.of(), Set.of("step"));
    var loss = serial("loss", Set.of("h"), Set.of("dh"));
    var biasSum = serial("biasSum", Set.of("dh"), Set.of("gb"));
    var copyRows = serial("copyRows", Set.of("dh"), Set.of("rowsDh"));
    var weightGrad = phase("weightGrad", Set.of("x", "rowsDh"), Set.of("gw", "w"));
    var biasUpdate = serial("biasUpdate", Set.of("gb", "step"), Set.of("b"));
    var readsW = serial("readsW", Set.of("w"), Set.of("out"));
    var afterReadsW = serial("afterReadsW", Set.of("out"), Set.of("out2"));
    var other = serial("other", Set.of("v"), Set.of("v2"));
    List<Object> items = PartGroups.group(List.of(counter, loss, biasSum, copyRows, weightGrad, biasUpdate, readsW,
        afterReadsW, other));
    // counter and biasSum run beside the weight gradient (loss and copyRows produce what it reads);
    // readsW must wait for the phase, afterReadsW for readsW, other depends on neither
    assertEquals("loss, copyRows, [weightGrad | counter biasSum biasUpdate other], readsW, afterReadsW", show(items));
  }

  @Test
  void aLaterIndependentPhaseRunsBesideSerialPiecesThatMustPrecedeAPart() {
    var forward = phase("forward", Set.of("x"), Set.of("h"));
    var loss = serial("loss", Set.of("h"), Set.of("dh"));
    var copyRows = serial("copyRows", Set.of("dh"), Set.of("rowsDh"));
    var weightGrad = phase("weightGrad", Set.of("x", "rowsDh"), Set.of("gw"));
    var transposeW = phase("transposeW", Set.of("w"), Set.of("rowsWt"));
    var inputGrad = phase("inputGrad", Set.of("rowsDh", "rowsWt"), Set.of("dx"));
    var readsH = phase("readsH", Set.of("h"), Set.of("hh"));
    assertEquals("[forward | ], [transposeW readsH | loss copyRows], [weightGrad inputGrad | ]",
        show(PartGroups.group(List.of(forward, loss, copyRows, weightGrad, transposeW, inputGrad, readsH))));
    // a phase that reads what a serial piece writes cannot run beside it
    var readsDh = phase("readsDh", Set.of("dh"), Set.of("z"));
    assertEquals("[forward | ], loss, copyRows, [weightGrad readsDh | ]",
        show(PartGroups.group(List.of(forward, loss, copyRows, weightGrad, readsDh))));
  }

  @Test
  void aSerialPieceStaysBeforeAKeptPieceThatReadsIt() {
    var a = serial("a", Set.of(), Set.of("s"));
    var b = serial("b", Set.of("s"), Set.of("rows"));
    var p = phase("p", Set.of("rows"), Set.of("out"));
    assertEquals("a, b, [p | ]", show(PartGroups.group(List.of(a, b, p))));
  }

  @Test
  void randomStepsKeepEveryConflictingPairInOrder() {
    SplittableRandom r = new SplittableRandom(42);
    String[] names = {"a", "b", "c", "d", "e", "f", "g", "h"};
    for (int trial = 0; trial < 2000; trial++) {
      int n = 1 + r.nextInt(12);
      List<PartGroups.Piece> pieces = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Set<String> reads = new HashSet<>();
        Set<String> writes = new HashSet<>();
        for (String s : names) {
          int k = r.nextInt(10);
          if (k == 0) {
            writes.add(s);
          } else if (k < 3) {
            reads.add(s);
          }
        }
        pieces.add(r.nextInt(3) == 0 ? phase("p" + i, reads, writes) : serial("s" + i, reads, writes));
      }
      checkSchedule(pieces, PartGroups.group(pieces), "trial " + trial);
    }
  }

  /**
   * Every piece appears once; within a part the phases and the beside chunk may overlap (beside
   * pieces in their order); two conflicting pieces must keep their order with the first finished
   * first: in an earlier slot, or both beside in the same part in order.
   */
  private static void checkSchedule(List<PartGroups.Piece> pieces, List<Object> items, String what) {
    Map<PartGroups.Piece, Integer> slot = new HashMap<>();
    Map<PartGroups.Piece, Integer> besideAt = new HashMap<>();
    for (int s = 0; s < items.size(); s++) {
      if (items.get(s) instanceof PartGroups.Piece p) {
        assertFalse(p.parallel(), what);
        assertEquals(null, slot.put(p, s), what);
      } else {
        PartGroups.Group g = (PartGroups.Group) items.get(s);
        assertFalse(g.phases().isEmpty(), what);
        for (PartGroups.Piece p : g.phases()) {
          assertTrue(p.parallel(), what);
          assertEquals(null, slot.put(p, s), what);
        }
        for (int k = 0; k < g.beside().size(); k++) {
          assertEquals(null, slot.put(g.beside().get(k), s), what);
          besideAt.put(g.beside().get(k), k);
        }
      }
    }
    assertEquals(pieces.size(), slot.size(), what + ": a piece was lost or added");
    for (int i = 0; i < pieces.size(); i++) {
      for (int j = i + 1; j < pieces.size(); j++) {
        PartGroups.Piece a = pieces.get(i);
        PartGroups.Piece b = pieces.get(j);
        if (!a.access().conflicts(b.access())) {
          continue;
        }
        boolean ordered = slot.get(a) < slot.get(b) || (slot.get(a).equals(slot.get(b)) && besideAt.containsKey(a)
            && besideAt.containsKey(b) && besideAt.get(a) < besideAt.get(b));
        assertTrue(ordered, what + ": " + a.comment() + " and " + b.comment() + " conflict but lost their order in "
            + show(items));
      }
    }
  }
}
