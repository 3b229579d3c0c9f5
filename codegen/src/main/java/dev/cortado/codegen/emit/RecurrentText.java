package dev.cortado.codegen.emit;

/**
 * The Java text of the recurrent kernels, with {@code {NAME}} holes that {@link RecurrentKernels}
 * fills only with literal sizes, the model's element type and array names from the {@link Namer}.
 * Locals: {@code a0} the input projection (or its gradient), {@code a1} the recurrent one,
 * {@code a2} a row's h, {@code a3} the kept activations of one row and step, {@code a4} a row's
 * h gradient (and {@code a5} its cell gradient), {@code w0} a weight row, {@code s0..s6} scalars.
 */
final class RecurrentText {
  private RecurrentText() {}

  static final String PROLOGUE = """
      for (int i0 = 0; i0 < {F}; i0++) System.arraycopy({W}, i0 * {G}, {WR}[i0], 0, {G});
      for (int i0 = 0; i0 < {U}; i0++) System.arraycopy({RW}, i0 * {G}, {UR}[i0], 0, {G});
      for (int b0 = 0; b0 < {B}; b0++) {
        java.util.Arrays.fill({H}[b0], 0);
        java.util.Arrays.fill({CELL}[b0], 0);
      }
      for (int t0 = 0; t0 < {T}; t0++) {
        for (int b0 = 0; b0 < {B}; b0++) {
          {TY}[] a0 = {A}[b0];
          {TY}[] a1 = {C}[b0];
          {TY}[] a2 = {H}[b0];
          int p0 = (b0 * {T} + t0) * {F};
      """;

  /**
   * {@code ACC[j] += Σ_q SCALAR(q)·ROW(q)[j]} for q in {@code [0, count)}, j in {@code [0, len)},
   * four q at a time (one load and store of ACC per four products), then the rest one by one;
   * {@code #} in {@code row} and {@code scalar} stands for q, {@code v} is q's loop variable.
   * Sizes are holes: {@code count} names one of {F}, {U}, {G}, {B}, whose multiple of four
   * below is the hole with {@code _4} appended.
   */
  static String sum4(String v, String acc, String len, String count, String row, String scalar) {
    String count4 = count.replace("}", "_4}");
    StringBuilder s = new StringBuilder();
    s.append("for (int V = 0; V < C4; V += 4) {\n");
    for (int q = 0; q < 4; q++) {
      String at = q == 0 ? "V" : "V + " + q;
      s.append("  {TY} s").append(q).append(" = ").append(scalar.replace("#", at)).append(";\n");
      s.append("  {TY}[] w").append(q).append(" = ").append(row.replace("#", at)).append(";\n");
    }
    s.append("  for (int j0 = 0; j0 < LEN; j0++) ACC[j0] += s0 * w0[j0] + s1 * w1[j0] + s2 * w2[j0] + s3 * w3[j0];\n}\n");
    s.append("for (int V = C4; V < C; V++) {\n");
    s.append("  {TY} s0 = ").append(scalar.replace("#", "V")).append(";\n");
    s.append("  {TY}[] w0 = ").append(row.replace("#", "V")).append(";\n");
    s.append("  for (int j0 = 0; j0 < LEN; j0++) ACC[j0] += s0 * w0[j0];\n}\n");
    return s.toString().replace("C4", count4).replace("V", v).replace("LEN", len).replace("ACC", acc)
        .replace(" C;", " " + count + ";");
  }

  private static final String X_PROJECTION = sum4("i0", "a0", "{G}", "{F}", "{WR}[#]", "{X}[p0 + #]");

  private static String hProjection(String into) {
    return sum4("i0", into, "{G}", "{U}", "{UR}[#]", "a2[#]");
  }

  private static String gru(boolean keep) {
    return """
          System.arraycopy({BIAS}, 0, a0, 0, {G});
          System.arraycopy({BIAS}, {G}, a1, 0, {G});
      """ + X_PROJECTION + hProjection("a1") + (keep ? "      {TY}[] a3 = {KEEP}[t0 * {B} + b0];\n" : "") + """
          for (int j0 = 0; j0 < {U}; j0++) {
            {TY} s1 = {L}(1.0 / (1.0 + Math.exp(-(a0[j0] + a1[j0]))));
            {TY} s2 = {L}(1.0 / (1.0 + Math.exp(-(a0[{U} + j0] + a1[{U} + j0]))));
            {TY} s3 = {L}(1.0 - 2.0 / (Math.exp(2.0 * (a0[{U2} + j0] + s2 * a1[{U2} + j0])) + 1.0));
      """ + (keep ? """
            a3[j0] = s1;
            a3[{U} + j0] = s2;
            a3[{U2} + j0] = s3;
            a3[{U3} + j0] = a1[{U2} + j0];
            a3[{U4} + j0] = a2[j0];
      """ : "") + """
            a2[j0] = s1 * a2[j0] + (1 - s1) * s3;
          }
      """;
  }

  private static String lstm(boolean keep) {
    return """
          System.arraycopy({BIAS}, 0, a0, 0, {G});
      """ + X_PROJECTION + hProjection("a0") + (keep ? "      {TY}[] a3 = {KEEP}[t0 * {B} + b0];\n" : "") + """
          {TY}[] a4 = {CELL}[b0];
          for (int j0 = 0; j0 < {U}; j0++) {
            {TY} s1 = {L}(1.0 / (1.0 + Math.exp(-a0[j0])));
            {TY} s2 = {L}(1.0 / (1.0 + Math.exp(-a0[{U} + j0])));
            {TY} s3 = {L}(1.0 - 2.0 / (Math.exp(2.0 * a0[{U2} + j0]) + 1.0));
            {TY} s4 = {L}(1.0 / (1.0 + Math.exp(-a0[{U3} + j0])));
            {TY} s5 = s2 * a4[j0] + s1 * s3;
      """ + (keep ? """
            a3[j0] = s1;
            a3[{U} + j0] = s2;
            a3[{U2} + j0] = s3;
            a3[{U3} + j0] = s4;
            a3[{U4} + j0] = a4[j0];
            a3[{U5} + j0] = s5;
            a3[{U6} + j0] = a2[j0];
      """ : "") + """
            a4[j0] = s5;
            a2[j0] = s4 * {L}(1.0 - 2.0 / (Math.exp(2.0 * s5) + 1.0));
          }
      """;
  }

  static final String GRU_STEP = gru(false);
  static final String GRU_STEP_KEEP = gru(true);
  static final String LSTM_STEP = lstm(false);
  static final String LSTM_STEP_KEEP = lstm(true);

  /** Closes the loops over batch rows and time that {@link #PROLOGUE} opens. */
  static final String CLOSE_FORWARD = "    }\n  }\n";

  static final String OUT_SEQ = "      System.arraycopy(a2, 0, {OUT}, (b0 * {T} + t0) * {U}, {U});\n";
  static final String OUT_LAST = "      if (t0 == {T1}) System.arraycopy(a2, 0, {OUT}, b0 * {U}, {U});\n";

  private static final String GRU_GATES_BACK = """
            {TY} s1 = a3[j0];
            {TY} s2 = a3[{U} + j0];
            {TY} s3 = a3[{U2} + j0];
            {TY} s4 = s0 * (1 - s1) * (1 - s3 * s3);
            {TY} s5 = s0 * (a3[{U4} + j0] - s3) * s1 * (1 - s1);
            {TY} s6 = s4 * a3[{U3} + j0] * s2 * (1 - s2);
            a0[j0] = s5;
            a0[{U} + j0] = s6;
            a0[{U2} + j0] = s4;
            a1[j0] = s5;
            a1[{U} + j0] = s6;
            a1[{U2} + j0] = s4 * s2;
            a4[j0] = s0 * s1;
      """;

  private static final String LSTM_GATES_BACK = """
            {TY} s1 = a3[j0];
            {TY} s2 = a3[{U} + j0];
            {TY} s3 = a3[{U2} + j0];
            {TY} s4 = a3[{U3} + j0];
            {TY} s5 = {L}(1.0 - 2.0 / (Math.exp(2.0 * a3[{U5} + j0]) + 1.0));
            {TY} s6 = a5[j0] + s0 * s4 * (1 - s5 * s5);
            a0[j0] = s6 * s3 * s1 * (1 - s1);
            a0[{U} + j0] = s6 * a3[{U4} + j0] * s2 * (1 - s2);
            a0[{U2} + j0] = s6 * s1 * (1 - s3 * s3);
            a0[{U3} + j0] = s0 * s5 * s4 * (1 - s4);
            a5[j0] = s6 * s2;
            a4[j0] = 0;
      """;

  /** Closes the forward loops, then backpropagation through time writing dx or the packed parameter gradients. */
  static String backward(boolean gru, boolean dx) {
    String dc = gru ? "a1" : "a0";
    StringBuilder s = new StringBuilder(CLOSE_FORWARD);
    s.append("""
        for (int b0 = 0; b0 < {B}; b0++) {
          java.util.Arrays.fill({DH}[b0], 0);
          java.util.Arrays.fill({DC}[b0], 0);
        }
        for (int j0 = 0; j0 < {G}; j0++) {
          for (int i0 = 0; i0 < {U}; i0++) {UT}[j0][i0] = {RW}[i0 * {G} + j0];
        }
        """);
    if (dx) {
      s.append("""
          for (int j0 = 0; j0 < {G}; j0++) {
            for (int i0 = 0; i0 < {F}; i0++) {WT}[j0][i0] = {W}[i0 * {G} + j0];
          }
          """);
    } else {
      s.append("""
          for (int i0 = 0; i0 < {F}; i0++) java.util.Arrays.fill({DW}[i0], 0);
          for (int i0 = 0; i0 < {U}; i0++) java.util.Arrays.fill({DU}[i0], 0);
          java.util.Arrays.fill({DB}[0], 0);
          java.util.Arrays.fill({DB}[1], 0);
          """);
    }
    s.append("""
        for (int t0 = {T1}; t0 >= 0; t0--) {
          for (int b0 = 0; b0 < {B}; b0++) {
            {TY}[] a0 = {A}[b0];
            {TY}[] a1 = {C}[b0];
            {TY}[] a3 = {KEEP}[t0 * {B} + b0];
            {TY}[] a4 = {DH}[b0];
            {TY}[] a5 = {DC}[b0];
            int p0 = (b0 * {T} + t0) * {F};
            for (int j0 = 0; j0 < {U}; j0++) {
              {TY} s0 = a4[j0] + {UP};
        """);
    s.append(gru ? GRU_GATES_BACK : LSTM_GATES_BACK);
    s.append("""
            }
        """);
    s.append(sum4("i0", "a4", "{U}", "{G}", "{UT}[#]", "DCV[#]".replace("DCV", dc)));
    if (dx) {
      s.append("java.util.Arrays.fill({DXR}, 0);\n");
      s.append(sum4("i0", "{DXR}", "{F}", "{G}", "{WT}[#]", "a0[#]"));
      s.append("System.arraycopy({DXR}, 0, {OUT}, p0, {F});\n  }\n}\n");
    } else {
      String rows = gru ? "{C}" : "{A}";
      s.append("  }\n");
      s.append("for (int i0 = 0; i0 < {F}; i0++) {\n  {TY}[] a6 = {DW}[i0];\n");
      s.append(sum4("b0", "a6", "{G}", "{B}", "{A}[#]", "{X}[(# * {T} + t0) * {F} + i0]"));
      s.append("}\nfor (int i0 = 0; i0 < {U}; i0++) {\n  {TY}[] a6 = {DU}[i0];\n");
      s.append(sum4("b0", "a6", "{G}", "{B}", rows + "[#]", "{KEEP}[t0 * {B} + #][" + (gru ? "{U4}" : "{U6}") + " + i0]"));
      s.append("}\n");
      s.append("""
          for (int b0 = 0; b0 < {B}; b0++) {
            {TY}[] a6 = {A}[b0];
            {TY}[] a7 = ROWS[b0];
            {TY}[] w0 = {DB}[0];
            {TY}[] w1 = {DB}[1];
            for (int j0 = 0; j0 < {G}; j0++) {
              w0[j0] += a6[j0];
              w1[j0] += a7[j0];
            }
          }
        }
        for (int i0 = 0; i0 < {F}; i0++) System.arraycopy({DW}[i0], 0, {OUT}, i0 * {G}, {G});
        for (int i0 = 0; i0 < {U}; i0++) System.arraycopy({DU}[i0], 0, {OUT}, ({F} + i0) * {G}, {G});
        System.arraycopy({DB}[0], 0, {OUT}, ({F} + {U}) * {G}, {G});
        """.replace("ROWS", rows));
      if (gru) {
        s.append("System.arraycopy({DB}[1], 0, {OUT}, ({F} + {U} + 1) * {G}, {G});\n");
      }
    }
    return s.toString();
  }
}
