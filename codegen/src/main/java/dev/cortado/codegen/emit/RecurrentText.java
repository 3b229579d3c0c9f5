package dev.cortado.codegen.emit;

/**
 * The Java text of the recurrent kernels' gate loops, with {@code {NAME}} holes that {@link
 * RecurrentKernels} fills only with literal sizes, the model's element type and array names from
 * the {@link Namer}, and marker statements ({@code XPROJ();}, {@code RPROD();}, ...) that it
 * replaces by matrix products from the model's matmul kernel. Every matrix is a flat row-major
 * array; rows of the per-sequence matrices are {@code b·T + t}. Locals: {@code t0} the time step,
 * {@code b0} the batch row, {@code j0} the unit, {@code p0..p4} row offsets, {@code s0..s6}
 * scalars; no marker sits inside a loop that declares any but {@code t0}, so the products' own
 * locals never clash with them.
 */
final class RecurrentText {
  private RecurrentText() {}

  /** Row offsets of one batch row at step t0: projection rows, the step's rows, state, kept values, sequence. */
  private static final String OFFSETS = """
          int p0 = (b0 * {T} + t0) * {G};
          int p1 = b0 * {G};
          int p2 = b0 * {U};
          int p3 = (b0 * {T} + t0) * {KW};
          int p4 = (b0 * {T} + t0) * {U};
      """;

  /**
   * The forward pass: {@code XP = x·kernel} for every step in one product, then per step
   * {@code CF = h·recurrent} for the whole batch in one product and the gates; with {@code keep}
   * the gate activations go to {@code KEEP} and the previous state to {@code HS}.
   */
  static String forward(boolean gru, boolean keep, boolean seq) {
    StringBuilder s = new StringBuilder("XPROJ();\njava.util.Arrays.fill({HF}, 0);\n");
    if (!gru) {
      s.append("java.util.Arrays.fill({CELL}, 0);\n");
    }
    s.append("for (int t0 = 0; t0 < {T}; t0++) {\n  RPROD();\n  for (int b0 = 0; b0 < {B}; b0++) {\n");
    s.append(OFFSETS);
    s.append("    for (int j0 = 0; j0 < {U}; j0++) {\n      {TY} s0 = {HF}[p2 + j0];\n");
    s.append(gru ? """
              {TY} s1 = {SIG}(({BIAS}[j0] + {XP}[p0 + j0]) + ({BIAS}[{G} + j0] + {CF}[p1 + j0]));
              {TY} s2 = {SIG}(({BIAS}[{U} + j0] + {XP}[p0 + {U} + j0]) + ({BIAS}[{G} + {U} + j0] + {CF}[p1 + {U} + j0]));
              {TY} s3 = {BIAS}[{G} + {U2} + j0] + {CF}[p1 + {U2} + j0];
              {TY} s4 = {TANH}(({BIAS}[{U2} + j0] + {XP}[p0 + {U2} + j0]) + s2 * s3);
              {TY} s5 = s1 * s0 + (1 - s1) * s4;
        """ : """
              {TY} s1 = {SIG}(({BIAS}[j0] + {XP}[p0 + j0]) + {CF}[p1 + j0]);
              {TY} s2 = {SIG}(({BIAS}[{U} + j0] + {XP}[p0 + {U} + j0]) + {CF}[p1 + {U} + j0]);
              {TY} s3 = {TANH}(({BIAS}[{U2} + j0] + {XP}[p0 + {U2} + j0]) + {CF}[p1 + {U2} + j0]);
              {TY} s4 = {SIG}(({BIAS}[{U3} + j0] + {XP}[p0 + {U3} + j0]) + {CF}[p1 + {U3} + j0]);
              {TY} s6 = s2 * {CELL}[p2 + j0] + s1 * s3;
              {TY} s7 = {TANH}(s6);
              {TY} s5 = s4 * s7;
        """);
    if (keep) {
      s.append(gru ? """
                {KEEP}[p3 + j0] = s1;
                {KEEP}[p3 + {U} + j0] = s2;
                {KEEP}[p3 + {U2} + j0] = s4;
                {KEEP}[p3 + {U3} + j0] = s3;
                {HS}[p4 + j0] = s0;
          """ : """
                {KEEP}[p3 + j0] = s1;
                {KEEP}[p3 + {U} + j0] = s2;
                {KEEP}[p3 + {U2} + j0] = s3;
                {KEEP}[p3 + {U3} + j0] = s4;
                {KEEP}[p3 + {U4} + j0] = {CELL}[p2 + j0];
                {KEEP}[p3 + {U5} + j0] = s7;
                {HS}[p4 + j0] = s0;
          """);
    }
    if (!gru) {
      s.append("      {CELL}[p2 + j0] = s6;\n");
    }
    s.append("      {HF}[p2 + j0] = s5;\n");
    if (seq) {
      s.append("      {OUT}[p4 + j0] = s5;\n");
    }
    s.append("    }\n  }\n}\n");
    return s.toString();
  }

  /** The last state as the output, when the layer does not return sequences. */
  static final String OUT_LAST = "System.arraycopy({HF}, 0, {OUT}, 0, {B} * {U});\n";

  private static final String GRU_GATES_BACK = """
            {TY} s0 = ({DH}[p2 + j0] + {DHM}[p2 + j0]) + {UP};
            {TY} s1 = {KEEP}[p3 + j0];
            {TY} s2 = {KEEP}[p3 + {U} + j0];
            {TY} s3 = {KEEP}[p3 + {U2} + j0];
            {TY} s4 = s0 * (1 - s1) * (1 - s3 * s3);
            {TY} s5 = s0 * ({HS}[p4 + j0] - s3) * s1 * (1 - s1);
            {TY} s6 = s4 * {KEEP}[p3 + {U3} + j0] * s2 * (1 - s2);
            {DA}[p0 + j0] = s5;
            {DA}[p0 + {U} + j0] = s6;
            {DA}[p0 + {U2} + j0] = s4;
            {DCA}[p0 + j0] = s5;
            {DCA}[p0 + {U} + j0] = s6;
            {DCA}[p0 + {U2} + j0] = s4 * s2;
            {DCT}[p1 + j0] = s5;
            {DCT}[p1 + {U} + j0] = s6;
            {DCT}[p1 + {U2} + j0] = s4 * s2;
            {DH}[p2 + j0] = s0 * s1;
      """;

  private static final String LSTM_GATES_BACK = """
            {TY} s0 = {DHM}[p2 + j0] + {UP};
            {TY} s1 = {KEEP}[p3 + j0];
            {TY} s2 = {KEEP}[p3 + {U} + j0];
            {TY} s3 = {KEEP}[p3 + {U2} + j0];
            {TY} s4 = {KEEP}[p3 + {U3} + j0];
            {TY} s5 = {KEEP}[p3 + {U5} + j0];
            {TY} s6 = {DCELL}[p2 + j0] + s0 * s4 * (1 - s5 * s5);
            {TY} s7 = s6 * s3 * s1 * (1 - s1);
            {TY} s8 = s6 * {KEEP}[p3 + {U4} + j0] * s2 * (1 - s2);
            {TY} s9 = s6 * s1 * (1 - s3 * s3);
            {TY} s10 = s0 * s5 * s4 * (1 - s4);
            {DA}[p0 + j0] = s7;
            {DA}[p0 + {U} + j0] = s8;
            {DA}[p0 + {U2} + j0] = s9;
            {DA}[p0 + {U3} + j0] = s10;
            {DCT}[p1 + j0] = s7;
            {DCT}[p1 + {U} + j0] = s8;
            {DCT}[p1 + {U2} + j0] = s9;
            {DCT}[p1 + {U3} + j0] = s10;
            {DCELL}[p2 + j0] = s6 * s2;
      """;

  /**
   * Backpropagation through time over the kept activations: per step (last first) the gate
   * gradients of the whole batch into {@code DA} (input projection) and {@code DCT} (this step's
   * recurrent projection, kept for every step in {@code DCA} for a GRU), then {@code DHM =
   * DCT·recurrentᵀ} in one product (on {@code RWT}, the recurrent kernel transposed once before
   * the loop); after the loop, whole products over every step: {@code dx =
   * DA·kernelᵀ}, or {@code dKernel = xᵀ·DA} and {@code dRecurrent = HSᵀ·DC} and the bias sums.
   */
  static String backward(boolean gru, boolean dx) {
    StringBuilder s = new StringBuilder();
    s.append(gru ? "java.util.Arrays.fill({DH}, 0);\n" : "java.util.Arrays.fill({DCELL}, 0);\n");
    s.append("java.util.Arrays.fill({DHM}, 0);\n");
    s.append("for (int i0 = 0; i0 < {U}; i0++) {\n  for (int j0 = 0; j0 < {G}; j0++) {RWT}[j0 * {U} + i0] = {RW}[i0 * {G} + j0];\n}\n");
    s.append("for (int t0 = {T1}; t0 >= 0; t0--) {\n  for (int b0 = 0; b0 < {B}; b0++) {\n");
    s.append(OFFSETS);
    s.append("    for (int j0 = 0; j0 < {U}; j0++) {\n");
    s.append(gru ? GRU_GATES_BACK : LSTM_GATES_BACK);
    s.append("    }\n  }\n  if (t0 > 0) {\n    RBACK();\n  }\n}\n");
    if (dx) {
      s.append("DXPROD();\n");
      return s.toString();
    }
    s.append("DWPROD();\nDUPROD();\nSystem.arraycopy({DU}, 0, {OUT}, {F} * {G}, {U} * {G});\n");
    s.append("java.util.Arrays.fill({DB}, 0);\n");
    s.append("for (int b0 = 0; b0 < {BT}; b0++) {\n  int p0 = b0 * {G};\n  for (int j0 = 0; j0 < {G}; j0++) {\n");
    s.append("    {DB}[j0] += {DA}[p0 + j0];\n");
    if (gru) {
      s.append("    {DB}[{G} + j0] += {DCA}[p0 + j0];\n");
    }
    s.append("  }\n}\n");
    s.append("System.arraycopy({DB}, 0, {OUT}, ({F} + {U}) * {G}, " + (gru ? "2 * " : "") + "{G});\n");
    return s.toString();
  }
}
