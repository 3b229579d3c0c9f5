package dev.cortado.codegen.emit;

import com.github.javaparser.StaticJavaParser;
import com.github.javaparser.ast.stmt.BlockStmt;
import dev.cortado.ir.Node;
import dev.cortado.op.Op;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GRU and LSTM kernels: a loop over time around fixed-size loops over one batch row, with every
 * size a literal. Weights are copied once per step into row arrays (and transposed for the
 * backward products), so each inner loop indexes all its arrays at the bare loop index and C2
 * vectorises it; the step's gate rows and states are reused at every time step, and a step
 * allocates nothing. The gradient kernels recompute the forward pass, keeping per time step only
 * the gate activations and the previous state, then run backpropagation through time. Locals use
 * the names the {@link Namer} never gives a field ({@code a0}, {@code s0}, {@code t0}, ...).
 */
final class RecurrentKernels {
  private final Exprs x;
  private final MatmulKernel.Scratch scratch;

  RecurrentKernels(Exprs x, MatmulKernel.Scratch scratch) {
    this.x = x;
    this.scratch = scratch;
  }

  /**
   * For a gradient node ({@code later} false): the forward node of the same layer computed by an
   * earlier kernel, whose kept activations it reads instead of recomputing them. For a forward
   * node ({@code later} true): a gradient node of the same layer computed by a later kernel,
   * which will read them. Null when there is none.
   */
  private Node partner(Node r, boolean later) {
    java.util.List<dev.cortado.codegen.lower.Plan.Kernel> ks = x.plan().kernels;
    int at = -1;
    for (int k = 0; k < ks.size() && at < 0; k++) {
      at = ks.get(k).root() == r ? k : -1;
    }
    Op want = later ? (r.op() == Op.GRU ? Op.GRU_GRAD : Op.LSTM_GRAD) : (r.op() == Op.GRU_GRAD ? Op.GRU : Op.LSTM);
    for (int k = later ? at + 1 : 0; k < (later ? ks.size() : at); k++) {
      Node n = ks.get(k).root();
      boolean same = n.op() == want && n.attrs().value() == r.attrs().value();
      for (int i = 0; i < 4 && same; i++) {
        same = n.input(i) == r.input(i);
      }
      if (same) {
        return n;
      }
    }
    return null;
  }

  void emit(Node r, Exprs.Body body) {
    if (r.op() == Op.RNN_ROWS) {
      int cols = x.dims(r.input(0))[1];
      int n = Iter.size(x.dims(r));
      body.block.addStatement(StaticJavaParser.parseStatement("System.arraycopy(" + x.array(r.input(0)) + ", "
          + (long) r.attrs().axis() * cols + ", " + x.array(r) + ", 0, " + n + ");"));
      return;
    }
    boolean gru = r.op() == Op.GRU || r.op() == Op.GRU_GRAD;
    boolean grad = r.op() == Op.GRU_GRAD || r.op() == Op.LSTM_GRAD;
    int[] xs = x.dims(r.input(0));
    int u = x.dims(r.input(2))[0];
    int g = (gru ? 3 : 4) * u;
    int keepWidth = (gru ? 5 : 7) * u;
    Map<String, String> v = new LinkedHashMap<>();
    v.put("{TY}", x.f32() ? "float" : "double");
    v.put("{L}", x.f32() ? "(float) " : "");
    v.put("{B}", "" + xs[0]);
    v.put("{T}", "" + xs[1]);
    v.put("{T1}", "" + (xs[1] - 1));
    v.put("{F}", "" + xs[2]);
    v.put("{U}", "" + u);
    for (int k = 2; k <= 6; k++) {
      v.put("{U" + k + "}", "" + k * u);
    }
    v.put("{G}", "" + g);
    int[] counts = {xs[2], u, g, xs[0]};
    String[] holes = {"{F_4}", "{U_4}", "{G_4}", "{B_4}"};
    for (int k = 0; k < 4; k++) {
      v.put(holes[k], "" + (counts[k] - counts[k] % 4));
    }
    v.put("{X}", x.array(r.input(0)));
    v.put("{W}", x.array(r.input(1)));
    v.put("{RW}", x.array(r.input(2)));
    v.put("{BIAS}", x.array(r.input(3)));
    v.put("{OUT}", x.array(r));
    v.put("{WR}", scratch.rows("rnn_kernel", xs[2], g));
    v.put("{UR}", scratch.rows("rnn_recurrent", u, g));
    v.put("{A}", scratch.rows("rnn_a", xs[0], g));
    v.put("{C}", scratch.rows("rnn_c", xs[0], g));
    v.put("{H}", scratch.rows("rnn_h", xs[0], u));
    v.put("{CELL}", scratch.rows("rnn_cell", xs[0], u));
    boolean seq = r.attrs().value() != 0;
    Node forward = grad ? partner(r, false) : r;
    boolean shared = forward != null && (grad || partner(r, true) != null);
    String keep = shared ? scratch.rows("rnn_keep_" + forward.id(), xs[0] * xs[1], keepWidth)
        : scratch.rows("rnn_keep", xs[0] * xs[1], keepWidth);
    v.put("{KEEP}", keep);
    StringBuilder src = new StringBuilder("{\n");
    if (!grad || !shared) {
      src.append(RecurrentText.PROLOGUE);
      src.append(gru ? (grad || shared ? RecurrentText.GRU_STEP_KEEP : RecurrentText.GRU_STEP)
          : (grad || shared ? RecurrentText.LSTM_STEP_KEEP : RecurrentText.LSTM_STEP));
    }
    if (grad) {
      v.put("{GY}", x.array(r.input(4)));
      v.put("{DH}", scratch.rows("rnn_dh", xs[0], u));
      v.put("{DC}", scratch.rows("rnn_dcell", xs[0], u));
      v.put("{UT}", scratch.rows("rnn_recurrent_t", g, u));
      v.put("{UP}", seq ? "{GY}[(b0 * {T} + t0) * {U} + j0]" : "(t0 == {T1} ? {GY}[b0 * {U} + j0] : 0)");
      boolean dx = r.attrs().axis() == 0;
      if (dx) {
        v.put("{WT}", scratch.rows("rnn_kernel_t", g, xs[2]));
        v.put("{DXR}", scratch.row(xs[2]));
      } else {
        v.put("{DW}", scratch.rows("rnn_dkernel", xs[2], g));
        v.put("{DU}", scratch.rows("rnn_drecurrent", u, g));
        v.put("{DB}", scratch.rows("rnn_dbias", 2, g));
      }
      String back = RecurrentText.backward(gru, dx);
      src.append(shared ? back.substring(RecurrentText.CLOSE_FORWARD.length()) : back);
    } else {
      src.append(seq ? RecurrentText.OUT_SEQ : RecurrentText.OUT_LAST);
      src.append(RecurrentText.CLOSE_FORWARD);
    }
    src.append("}\n");
    String text = src.toString();
    for (int pass = 0; pass < 2; pass++) {
      for (Map.Entry<String, String> e : v.entrySet()) {
        text = text.replace(e.getKey(), e.getValue());
      }
    }
    BlockStmt blk = StaticJavaParser.parseBlock(text);
    blk.getStatements().forEach(s -> body.block.addStatement(s.clone()));
  }
}
