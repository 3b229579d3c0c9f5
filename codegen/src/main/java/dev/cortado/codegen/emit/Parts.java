package dev.cortado.codegen.emit;

import com.github.javaparser.ast.Modifier;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.StringLiteralExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.ReturnStmt;
import com.github.javaparser.ast.stmt.Statement;
import com.github.javaparser.ast.stmt.SwitchEntry;
import com.github.javaparser.ast.stmt.SwitchStmt;
import com.github.javaparser.ast.stmt.ThrowStmt;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import com.github.javaparser.ast.type.PrimitiveType;

/**
 * The parts of a class whose step is split over threads: each parallel phase of a kernel becomes
 * a method {@code <entry>_part<k>(int chunk, int t)} computing chunk {@code chunk} of the phase's
 * loop with thread t's private working arrays. A part ({@link PartGroups.Group}) is one or more
 * such phases whose chunks are numbered one after the other, and optionally, as chunk 0, serial
 * kernels run beside them; the entry point calls {@code parallel(k, chunks, threads)} (in {@code
 * runtime.CompiledModel}): the threads claim chunks until none is left, and it returns when all
 * are done. {@link #finish} adds the {@code runPart(part, chunk, t)} switch the runtime calls,
 * which maps a part's chunk number to its phase method (or the serial kernels).
 *
 * <p>A loop of E iterations is cut into chunks that shrink as the loop goes ({@link #cuts}: each
 * about the remaining iterations over 2n, none under {@code E/(32n)}), each starting at a multiple
 * of the phase's alignment (the last one at least one alignment before the end, so that the
 * chunk holding the rows past the last full block also holds a full block ending at the last row);
 * a static table per class holds where they start. More chunks than
 * threads let a thread that starts late (on a loaded machine) take fewer, and small last chunks let
 * the threads finish together.
 */
final class Parts {
  /** No chunk is smaller than a loop's iterations over this many times the threads. */
  static final int CHUNKS_PER_THREAD = 32;

  private final ClassOrInterfaceDeclaration cls;
  private final Namer namer;
  private final ScratchFields scratch;
  private final int threads;
  private final NodeList<SwitchEntry> cases = new NodeList<>();
  /** Each part's method body, by part number. */
  private final java.util.List<BlockStmt> bodies = new java.util.ArrayList<>();
  /** Each part method's name, by the same number. */
  private final java.util.List<String> names = new java.util.ArrayList<>();
  /** The static field of each list of chunk starts. */
  private final java.util.Map<String, String> cutFields = new java.util.HashMap<>();

  Parts(ClassOrInterfaceDeclaration cls, Namer namer, ScratchFields scratch, int threads) {
    this.cls = cls;
    this.namer = namer;
    this.scratch = scratch;
    this.threads = threads;
  }

  /**
   * Adds the method of {@code phase} (or finds an earlier one with the same code: evaluate's
   * forward pass is predict's) and returns its name and chunk count.
   */
  private Method method(String prefix, String comment, KernelEmitter.Phase phase) {
    BlockStmt body = new BlockStmt();
    int e = phase.extent();
    int[] cuts = cuts(e, phase.align(), threads);
    String table = cutFields.computeIfAbsent(java.util.Arrays.toString(cuts), k -> cutField(e, cuts));
    KernelEmitter.Strips strips = phase.strips();
    int per = strips == null ? 1 : phase.rowLength() / strips.width();
    Expression range = per == 1 ? J.name("chunk") : J.bin(BinaryExpr.Operator.DIVIDE, J.name("chunk"), J.intLit(per));
    body.addStatement(J.declare(PrimitiveType.intType(), "lo", J.at(table, range)));
    body.addStatement(J.declare(PrimitiveType.intType(), "hi", J.at(table,
        J.bin(BinaryExpr.Operator.PLUS, range.clone(), J.intLit(1)))));
    BlockStmt work = new BlockStmt();
    if (strips == null) {
      phase.body().emit(J.name("lo"), J.name("hi"), scratch.perThread(threads, body), work);
      work.setLineComment(" " + comment + ": [lo, hi) of " + e);
    } else {
      Statement first = J.declare(PrimitiveType.intType(), "jlo", J.bin(BinaryExpr.Operator.MULTIPLY,
          J.bin(BinaryExpr.Operator.REMAINDER, J.name("chunk"), J.intLit(per)), J.intLit(strips.width())));
      first.setLineComment(" the chunks take the " + per + " strips of " + strips.width()
          + " columns of each range of rows in turn, so that the threads share out even amounts");
      body.addStatement(first);
      body.addStatement(J.declare(PrimitiveType.intType(), "jhi", J.bin(BinaryExpr.Operator.PLUS, J.name("jlo"),
          J.intLit(strips.width()))));
      strips.body().emit(J.name("lo"), J.name("hi"), J.name("jlo"), J.name("jhi"), scratch.perThread(threads, body), work);
      work.setLineComment(" " + comment + ": [lo, hi) of " + e + ", columns [jlo, jhi)");
    }
    body.addStatement(work);
    int id = bodies.indexOf(body);
    if (id < 0) {
      id = bodies.size();
      bodies.add(body);
      MethodDeclaration m = cls.addMethod(namer.name(prefix + "_part" + id), Modifier.Keyword.PRIVATE);
      m.addParameter(PrimitiveType.intType(), "chunk");
      m.addParameter(PrimitiveType.intType(), "t");
      m.setBody(body);
      names.add(m.getNameAsString());
    }
    return new Method(names.get(id), (cuts.length - 1) * per);
  }

  private record Method(String name, int chunks) {}

  /**
   * Adds part {@code phases} (one comment each) with {@code beside} (statements run as one more
   * chunk, the first, beside the phases' chunks; empty for none) and returns the entry point's
   * statement that runs it on every thread. A part equal to an earlier one is reused.
   */
  Statement add(String prefix, java.util.List<KernelEmitter.Phase> phases, java.util.List<String> comments,
      java.util.List<Statement> beside) {
    NodeList<Statement> run = new NodeList<>();
    int chunks = 0;
    if (!beside.isEmpty()) {
      BlockStmt first = new BlockStmt();
      beside.forEach(st -> first.addStatement(st.clone()));
      first.addStatement(new ReturnStmt());
      run.add(new com.github.javaparser.ast.stmt.IfStmt(J.bin(BinaryExpr.Operator.EQUALS, J.name("chunk"), J.intLit(0)),
          first, null));
      chunks = 1;
    }
    for (int k = 0; k < phases.size(); k++) {
      Method m = method(prefix, comments.get(k), phases.get(k));
      Expression local = chunks == 0 ? J.name("chunk") : J.bin(BinaryExpr.Operator.MINUS, J.name("chunk"), J.intLit(chunks));
      Statement call = J.call(J.call(null, m.name(), local, J.name("t")));
      chunks += m.chunks();
      if (k + 1 < phases.size()) {
        BlockStmt then = new BlockStmt();
        then.addStatement(call);
        then.addStatement(new ReturnStmt());
        run.add(new com.github.javaparser.ast.stmt.IfStmt(J.bin(BinaryExpr.Operator.LESS, J.name("chunk"), J.intLit(chunks)),
            then, null));
      } else {
        run.add(call);
        run.add(new ReturnStmt());
      }
    }
    int id = cases.stream().map(SwitchEntry::getStatements).toList().indexOf(run);
    if (id < 0) {
      id = cases.size();
      cases.add(new SwitchEntry(new NodeList<>(J.intLit(id)), SwitchEntry.Type.STATEMENT_GROUP, run));
    }
    return J.call(J.call(null, "parallel", J.intLit(id), J.intLit(chunks), J.intLit(threads)));
  }

  /**
   * Where the chunks of a loop of {@code e} iterations start, and {@code e}: guided
   * self-scheduling, each chunk about the remaining iterations over {@code 2·threads} (at least
   * {@code e / (}{@value #CHUNKS_PER_THREAD}{@code ·threads)}), rounded up to a multiple of {@code
   * align}. Big chunks first keep the hand-overs few; small ones last keep the threads finishing
   * together. When {@code e} is not a multiple of {@code align}, no chunk starts past {@code e -
   * align}: the last chunk holds the leftover rows and the full block before them, so a product
   * can compute the leftover rows as one full block ending at the last row, inside the chunk.
   */
  static int[] cuts(int e, int align, int threads) {
    int least = Math.max(align, ceil(ceil(e, CHUNKS_PER_THREAD * threads), align) * align);
    java.util.List<Integer> cuts = new java.util.ArrayList<>(java.util.List.of(0));
    for (int at = 0; at < e;) {
      int size = Math.max(least, ceil(ceil(e - at, 2 * threads), align) * align);
      at = Math.min(e, at + size);
      cuts.add(at);
    }
    // the rows past the last multiple of align go with the chunk before them (see MatmulKernel.Split#rows)
    int full = e / align * align;
    if (full > 0 && full < e && cuts.size() > 2 && cuts.get(cuts.size() - 2) == full) {
      cuts.remove(cuts.size() - 2);
    }
    return cuts.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int ceil(int a, int b) {
    return (a + b - 1) / b;
  }

  /** A static field holding {@code cuts}. */
  private String cutField(int e, int[] cuts) {
    String name = namer.name("cuts_" + e);
    NodeList<Expression> values = new NodeList<>();
    for (int c : cuts) {
      values.add(J.intLit(c));
    }
    cls.addFieldWithInitializer(new com.github.javaparser.ast.type.ArrayType(PrimitiveType.intType()), name,
        new com.github.javaparser.ast.expr.ArrayCreationExpr(PrimitiveType.intType(),
            new NodeList<>(new com.github.javaparser.ast.ArrayCreationLevel()),
            new com.github.javaparser.ast.expr.ArrayInitializerExpr(values)),
        Modifier.Keyword.PRIVATE, Modifier.Keyword.STATIC, Modifier.Keyword.FINAL);
    return name;
  }

  /** Adds {@code runPart(part, chunk, t)}, dispatching to the part methods, if there are any. */
  void finish() {
    if (cases.isEmpty()) {
      return;
    }
    MethodDeclaration m = cls.addMethod("runPart", Modifier.Keyword.PROTECTED);
    m.addAnnotation(new com.github.javaparser.ast.expr.MarkerAnnotationExpr(new com.github.javaparser.ast.expr.Name("Override")));
    m.addParameter(PrimitiveType.intType(), "part");
    m.addParameter(PrimitiveType.intType(), "chunk");
    m.addParameter(PrimitiveType.intType(), "t");
    BlockStmt body = m.getBody().orElseThrow();
    body.addStatement(new SwitchStmt(J.name("part"), cases));
    Expression msg = J.bin(BinaryExpr.Operator.PLUS,
        new StringLiteralExpr("no part "), J.name("part"));
    body.addStatement(new ThrowStmt(new ObjectCreationExpr(null, new ClassOrInterfaceType(null, "IllegalArgumentException"),
        new NodeList<>(msg))));
  }
}
