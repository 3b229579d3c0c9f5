package dev.cortado.codegen.emit;

import com.github.javaparser.ast.stmt.BlockStmt;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;

/**
 * Groups the pieces of a step split over threads into as few parts (hand-overs) as the data
 * allow. The input is the step in plan order: serial blocks (kernels run whole by one thread)
 * and parallel phases (loops shared out in chunks). The output is the same pieces as serial blocks
 * run by the caller and {@link Group}s, each one part of the step: phases whose chunks the
 * threads claim together (one barrier at the end instead of one per phase), and beside them a
 * list of serial blocks run in order as one more chunk, by whichever thread claims it.
 *
 * <p>A piece joins a group only when nothing it does can interact with what it then runs beside
 * or is moved across ({@link Access#conflicts}): a phase joins when it is independent of the
 * group's phases and serial blocks; a serial block after the group's first phase joins when it is
 * independent of the group's phases and of the serial blocks left behind to run after the part;
 * a serial block before the first phase joins when it is independent of the group's first phase
 * and of the serial blocks kept before the part. A piece that cannot join keeps its place; a
 * phase that cannot join starts the next group. Serial blocks that must run before a group get a
 * part of their own when a later phase can run beside them ({@link #window}: the copy of fc2's
 * transposed weights beside fc3, the loss and fc3's gradients in the MNIST-sized step), so that
 * the second thread is not idle while they run. Every value is computed by the same code as
 * before, so results stay bit-identical; only which pieces overlap changes.
 */
final class PartGroups {
  private PartGroups() {}

  /** A piece of the step: a serial block, or a parallel phase (with its access, found on a probe). */
  record Piece(BlockStmt serial, KernelEmitter.Phase phase, String comment, Access access) {
    boolean parallel() {
      return phase != null;
    }
  }

  /** One part of the step: phases claimed together, and serial blocks run as one chunk beside them. */
  record Group(List<Piece> phases, List<Piece> beside) {}

  /** The step's pieces as serial blocks (a {@link Piece}) and groups (a {@link Group}), in the order to run them. */
  static List<Object> group(List<Piece> pieces) {
    List<Object> out = new ArrayList<>();
    List<Piece> pending = new ArrayList<>();
    pieces = new ArrayList<>(pieces);
    int i = 0;
    while (i < pieces.size()) {
      Piece first = pieces.get(i++);
      if (!first.parallel()) {
        pending.add(first);
        continue;
      }
      Open open = new Open(first);
      List<Piece> kept = open.takeBefore(pending);
      Group window = kept.isEmpty() ? null : window(kept, open.together.plus(open.besideAccess), pieces, i);
      if (window != null) {
        out.add(window);
      } else {
        out.addAll(kept);
      }
      i = open.takeAfter(pieces, i);
      out.add(new Group(List.copyOf(open.phases), List.copyOf(open.beside)));
      pending = open.left;
    }
    out.addAll(pending);
    return out;
  }

  /** A group being formed from its first phase: what it runs, what it touches, what it leaves to run after it. */
  private static final class Open {
    final List<Piece> phases = new ArrayList<>();
    final LinkedList<Piece> beside = new LinkedList<>();
    final List<Piece> left = new ArrayList<>();
    Access together;
    Access besideAccess = none();
    Access leftAccess = none();

    Open(Piece first) {
      phases.add(first);
      together = first.access();
    }

    /**
     * Moves the serial blocks waiting before the first phase ({@code pending}, in order) beside
     * it where they are independent of it and of the blocks kept before the part; returns the
     * kept ones, in order.
     */
    List<Piece> takeBefore(List<Piece> pending) {
      LinkedList<Piece> kept = new LinkedList<>();
      Access keptAfter = none();
      for (int j = pending.size() - 1; j >= 0; j--) {
        Piece s = pending.get(j);
        if (!s.access().conflicts(together) && !s.access().conflicts(keptAfter)) {
          beside.addFirst(s);
          besideAccess = besideAccess.plus(s.access());
        } else {
          kept.addFirst(s);
          keptAfter = keptAfter.plus(s.access());
        }
      }
      return kept;
    }

    /**
     * Takes the pieces from {@code i} on into the group (phases among its phases, serial blocks
     * beside them, or left to run after it) until a phase that conflicts; returns where it stopped.
     */
    int takeAfter(List<Piece> pieces, int i) {
      for (; i < pieces.size(); i++) {
        Piece p = pieces.get(i);
        if (p.parallel()) {
          if (p.access().conflicts(together) || p.access().conflicts(besideAccess) || p.access().conflicts(leftAccess)) {
            break;
          }
          phases.add(p);
          together = together.plus(p.access());
        } else if (!p.access().conflicts(together) && !p.access().conflicts(leftAccess)) {
          beside.add(p);
          besideAccess = besideAccess.plus(p.access());
        } else {
          left.add(p);
          leftAccess = leftAccess.plus(p.access());
        }
      }
      return i;
    }
  }

  /** How far past a group's first phase {@link #window} looks for phases to run beside serial blocks. */
  static final int LOOK_AHEAD = 64;

  /**
   * A part for serial blocks that must run before a group ({@code kept}): later phases that can
   * run beside them, taken out of {@code pieces} (from {@code from} on), or null if there are none.
   * A phase qualifies when it is independent of the serial blocks, of the phases already taken,
   * and of everything it is moved before ({@code crossed}: the next group's first phase and what
   * runs beside it, and the pieces up to the phase).
   */
  private static Group window(List<Piece> kept, Access crossed, List<Piece> pieces, int from) {
    Access taken = kept.stream().map(Piece::access).reduce(none(), Access::plus);
    List<Piece> phases = new ArrayList<>();
    int end = Math.min(pieces.size(), from + LOOK_AHEAD);
    for (int k = from; k < end; k++) {
      Piece p = pieces.get(k);
      if (p.parallel() && !p.access().conflicts(crossed) && !p.access().conflicts(taken)) {
        phases.add(p);
        taken = taken.plus(p.access());
        pieces.remove(k--);
        end--;
      } else {
        crossed = crossed.plus(p.access());
      }
    }
    return phases.isEmpty() ? null : new Group(List.copyOf(phases), List.copyOf(kept));
  }

  private static Access none() {
    return new Access(java.util.Set.of(), java.util.Set.of());
  }
}
