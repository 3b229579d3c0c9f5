package dev.cortado.codegen.lower;

import dev.cortado.codegen.lower.Plan.Kernel;
import dev.cortado.ir.Node;
import dev.cortado.op.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loop-level scheduling after fusion into kernels: scalar elementwise kernels (learning rates,
 * bias corrections, step counts) move up to just after what they read, and then adjacent
 * elementwise kernels of the same size whose every operand is read at the loop index (or is a
 * scalar) share one loop. Together they put each parameter's whole update (decay, moments, step)
 * in one loop.
 */
final class LoopFusion {
  /** At most this many roots share a loop, so one kernel stays a modest method. */
  static final int MAX_ROOTS = 8;

  private LoopFusion() {}

  /** The stored values (variables, inputs, materialised nodes; aliases resolved) that computing {@code root} reads. */
  static Set<Node> reads(Plan p, Node root) {
    Set<Node> out = new LinkedHashSet<>();
    collect(p, root, true, out);
    return out;
  }

  private static void collect(Plan p, Node x, boolean top, Set<Node> out) {
    if (!top && x.op() == Op.RESHAPE) {
      collect(p, x.input(0), false, out);
      return;
    }
    if (!top && !p.inline[x.id()] && !p.absorbed[x.id()]) {
      if (x.op() != Op.CONSTANT && x.op() != Op.HYPER) {
        out.add(x);
      }
      return;
    }
    for (Node in : x.inputs()) {
      collect(p, in, false, out);
    }
    if (top && p.carriedBy[x.id()] != null) {
      collect(p, p.carriedBy[x.id()], true, out);
    }
  }

  private static Set<Node> reads(Plan p, Kernel k) {
    Set<Node> out = new LinkedHashSet<>();
    for (Node r : k.roots()) {
      out.addAll(reads(p, r));
    }
    return out;
  }

  private static int size(Plan p, Node n) {
    return n.shape().size(p.batch);
  }

  private static boolean isPlainMap(Kernel k) {
    return k.kind() == Plan.Kind.MAP && k.carried() == null;
  }

  /** Moves each scalar elementwise kernel to just after the last kernel producing a value it reads. */
  static List<Kernel> scalarsEarly(Plan p, List<Kernel> kernels) {
    List<Kernel> out = new ArrayList<>();
    for (Kernel k : kernels) {
      int at = out.size();
      if (isPlainMap(k) && size(p, k.root()) == 1) {
        Map<Node, Integer> producer = producers(out);
        at = 0;
        for (Node r : reads(p, k)) {
          Integer q = producer.get(r);
          if (q != null) {
            at = Math.max(at, q + 1);
          }
        }
      }
      out.add(at, k);
    }
    return out;
  }

  private static Map<Node, Integer> producers(List<Kernel> ks) {
    Map<Node, Integer> m = new HashMap<>();
    for (int i = 0; i < ks.size(); i++) {
      for (Node r : ks.get(i).roots()) {
        m.put(r, i);
      }
    }
    return m;
  }

  /**
   * Merges runs of adjacent elementwise kernels of one size that can share a flat loop, and an
   * elementwise kernel that follows a matmul's kernel into that matmul's epilogue (the
   * activation riding on the matmul even when the pre-activation is kept for the backward pass)
   * when it reads everything at the matmul's own index.
   */
  static List<Kernel> fuse(Plan p, List<Kernel> kernels) {
    List<Kernel> out = new ArrayList<>();
    for (Kernel k : kernels) {
      Kernel last = out.isEmpty() ? null : out.get(out.size() - 1);
      boolean join = last != null && isPlainMap(k) && k.fused().isEmpty() && last.roots().size() < MAX_ROOTS
          && size(p, last.root()) == size(p, k.root())
          && (isPlainMap(last) ? flat(p, last) && flat(p, k) : intoEpilogue(p, last, k));
      if (join) {
        out.set(out.size() - 1, last.with(k.root()));
      } else {
        out.add(k);
      }
    }
    return out;
  }

  /** True when {@code k} can be computed in the epilogue of {@code last}, a kernel carrying a matmul. */
  private static boolean intoEpilogue(Plan p, Kernel last, Kernel k) {
    if (last.kind() != Plan.Kind.MAP || last.carried() == null || !k.root().shape().equals(last.root().shape())) {
      return false;
    }
    for (Node r : reads(p, k)) {
      if (!r.shape().equals(last.root().shape()) && size(p, r) != 1) {
        return false;
      }
    }
    return true;
  }

  /** True when every value the kernel reads is of the kernel's size or a scalar. */
  private static boolean flat(Plan p, Kernel k) {
    int n = size(p, k.root());
    for (Node r : reads(p, k)) {
      int s = size(p, r);
      if (s != n && s != 1) {
        return false;
      }
    }
    return true;
  }
}
