package dev.cortado.codegen.emit;

import com.github.javaparser.StaticJavaParser;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import dev.cortado.ir.Node;
import dev.cortado.op.Op;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GRU and LSTM kernels: a loop over time (never unrolled, so a method's size does not grow with
 * the sequence) whose every size is a literal, with the matrix products done by the model's
 * matmul kernel on whole matrices: the input projection of every step in one product {@code [B·T,
 * F]·[F, G]} before the loop, the recurrent projection of the whole batch per step {@code [B,
 * u]·[u, G]}, and in the gradient {@code [B, G]·[G, u]} per step, then the weight gradients
 * {@code xᵀ·dA} and {@code hᵀ·dC} and the input gradient {@code dA·kernelᵀ} as single products over
 * every step. The gates are one pass per step over the batch, with {@code Gates}'s sigmoid and
 * tanh; the step's buffers are reused at every time step and a step allocates nothing. A gradient
 * kernel reads the activations its forward kernel kept when one is planned before it, and
 * recomputes the forward pass otherwise. Locals use the names the {@link Namer} never gives a field
 * ({@code s0}, {@code t0}, ...).
 */
final class RecurrentKernels {
  private final Exprs x;
  private final MatmulKernel.Scratch scratch;
  private final MatmulKernel matmul;

  RecurrentKernels(Exprs x, MatmulKernel.Scratch scratch, MatmulKernel matmul) {
    this.x = x;
    this.scratch = scratch;
    this.matmul = matmul;
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
    int batch = xs[0];
    int steps = xs[1];
    int f = xs[2];
    int u = x.dims(r.input(2))[0];
    int g = (gru ? 3 : 4) * u;
    int bt = batch * steps;
    Map<String, String> v = new LinkedHashMap<>();
    v.put("{TY}", x.f32() ? "float" : "double");
    v.put("{SIG}", "dev.cortado.runtime.Gates.sigmoid");
    v.put("{TANH}", "dev.cortado.runtime.Gates.tanh");
    v.put("{B}", "" + batch);
    v.put("{T}", "" + steps);
    v.put("{T1}", "" + (steps - 1));
    v.put("{BT}", "" + bt);
    v.put("{F}", "" + f);
    v.put("{U}", "" + u);
    for (int k = 2; k <= 5; k++) {
      v.put("{U" + k + "}", "" + k * u);
    }
    v.put("{G}", "" + g);
    int kw = (gru ? 4 : 6) * u;
    v.put("{KW}", "" + kw);
    String xa = x.array(r.input(0));
    String w = x.array(r.input(1));
    String rw = x.array(r.input(2));
    v.put("{BIAS}", x.array(r.input(3)));
    v.put("{OUT}", x.array(r));
    String hf = scratch.flat("rnn_h", batch * u);
    String cf = scratch.flat("rnn_step", batch * g);
    String xp = scratch.flat("rnn_projection", bt * g);
    v.put("{HF}", hf);
    v.put("{CF}", cf);
    v.put("{XP}", xp);
    v.put("{CELL}", scratch.flat("rnn_cell", batch * u));
    boolean seq = r.attrs().value() != 0;
    Node forward = grad ? partner(r, false) : r;
    boolean shared = forward != null && (grad || partner(r, true) != null);
    String suffix = shared ? "_" + forward.id() : "";
    String hs = scratch.flat("rnn_previous_h" + suffix, bt * u);
    v.put("{KEEP}", scratch.flat("rnn_keep" + suffix, bt * kw));
    v.put("{HS}", hs);
    Map<String, Product> products = new LinkedHashMap<>();
    products.put("XPROJ", new Product(xa, w, xp, bt, g, f, false, false));
    products.put("RPROD", new Product(hf, rw, cf, batch, g, u, false, false));
    StringBuilder src = new StringBuilder("{\n");
    if (!grad || !shared) {
      src.append(RecurrentText.forward(gru, grad || shared, seq && !grad));
      if (!grad && !seq) {
        src.append(RecurrentText.OUT_LAST);
      }
    }
    if (grad) {
      String da = scratch.flat("rnn_dprojection", bt * g);
      String dca = gru ? scratch.flat("rnn_drecurrent_steps", bt * g) : da;
      String dct = scratch.flat("rnn_dstep", batch * g);
      String dhm = scratch.flat("rnn_dh_recurrent", batch * u);
      v.put("{GY}", x.array(r.input(4)));
      v.put("{DA}", da);
      v.put("{DCA}", dca);
      v.put("{DCT}", dct);
      v.put("{DH}", scratch.flat("rnn_dh", batch * u));
      v.put("{DHM}", dhm);
      v.put("{DCELL}", scratch.flat("rnn_dcell", batch * u));
      v.put("{UP}", seq ? "{GY}[p4 + j0]" : "(t0 == {T1} ? {GY}[p2 + j0] : 0)");
      boolean dx = r.attrs().axis() == 0;
      String rwt = scratch.flat("rnn_recurrent_t", g * u);
      v.put("{RWT}", rwt);
      v.put("{RW}", rw);
      products.put("RBACK", new Product(dct, rwt, dhm, batch, u, g, false, false));
      if (dx) {
        products.put("DXPROD", new Product(da, w, x.array(r), bt, f, g, false, true));
      } else {
        String du = scratch.flat("rnn_drecurrent", u * g);
        v.put("{DU}", du);
        v.put("{DB}", scratch.flat("rnn_dbias", 2 * g));
        products.put("DWPROD", new Product(xa, da, x.array(r), f, g, bt, true, false));
        products.put("DUPROD", new Product(hs, dca, du, u, g, bt, true, false));
      }
      src.append(RecurrentText.backward(gru, dx));
    }
    src.append("}\n");
    String text = src.toString();
    for (int pass = 0; pass < 2; pass++) {
      for (Map.Entry<String, String> e : v.entrySet()) {
        text = text.replace(e.getKey(), e.getValue());
      }
    }
    BlockStmt blk = StaticJavaParser.parseBlock(text);
    int lanes = matmul.vectorLanes();
    if (x.f32() && lanes > 0 && u % lanes == 0) {
      new RecurrentVectors(lanes).rewrite(blk, u, scratch);
    }
    for (MethodCallExpr marker : blk.findAll(MethodCallExpr.class)) {
      Product p = products.get(marker.getNameAsString());
      if (p != null && marker.getScope().isEmpty()) {
        BlockStmt into = new BlockStmt();
        matmul.emit(p.call(x.f32(), body, scratch), into);
        marker.getParentNode().orElseThrow().replace(into);
      }
    }
    blk.getStatements().forEach(s -> body.block.addStatement(s.clone()));
  }

  /** One matrix product of a recurrent kernel: {@code out [m, n] = op(a)·op(b)}, op(a) of [m, k]. */
  private record Product(String a, String b, String out, int m, int n, int k, boolean transA, boolean transB) {
    MatmulKernel.Call call(boolean f32, Exprs.Body body, MatmulKernel.Scratch scratch) {
      return new MatmulKernel.Call(a, b, out, m, n, k, transA, transB, f32, IDENTITY, body::fresh, scratch);
    }
  }

  /** The epilogue of a product stored as it is. */
  private static final MatmulKernel.Epilogue IDENTITY = new MatmulKernel.Epilogue() {
    @Override
    public com.github.javaparser.ast.expr.Expression apply(com.github.javaparser.ast.expr.Expression acc, Lin i,
        Lin j, BlockStmt where) {
      return acc;
    }

    @Override
    public boolean isIdentity() {
      return true;
    }

    @Override
    public void after(Lin i, Lin j, BlockStmt where) {}
  };
}
