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
 * a method {@code <entry>_part<k>(int chunk, int t)} computing chunk {@code chunk} of the phase's loop with thread
 * t's private working arrays, and the entry point calls {@code parallel(k, chunks, threads)} (in
 * {@code runtime.CompiledModel}): the threads claim chunks until none is left, and it returns when
 * all are done. {@link #finish} adds the {@code runPart(part, chunk, t)} switch the runtime calls.
 *
 * <p>A loop of E iterations is cut into about {@link #CHUNKS_PER_THREAD} chunks per thread of
 * {@code s = ⌈⌈E/(4n)⌉/align⌉·align} iterations, chunk c covering {@code [min(E, c·s), min(E,
 * c·s + s))}: literal sizes, each chunk starting at a multiple of the phase's alignment. More
 * chunks than threads let a thread that starts late (on a loaded machine) take fewer.
 */
final class Parts {
  /** Chunks per thread a phase's loop is cut into. */
  static final int CHUNKS_PER_THREAD = 4;

  private final ClassOrInterfaceDeclaration cls;
  private final Namer namer;
  private final ScratchFields scratch;
  private final int threads;
  private final NodeList<SwitchEntry> cases = new NodeList<>();
  /** Each part's method body, by part number. */
  private final java.util.List<BlockStmt> bodies = new java.util.ArrayList<>();

  Parts(ClassOrInterfaceDeclaration cls, Namer namer, ScratchFields scratch, int threads) {
    this.cls = cls;
    this.namer = namer;
    this.scratch = scratch;
    this.threads = threads;
  }

  /**
   * Adds the method of {@code phase} and returns the entry point's statement that runs it on every
   * thread. A phase whose code equals an earlier one's (evaluate's forward pass is predict's)
   * reuses that part.
   */
  Statement add(String prefix, String comment, KernelEmitter.Phase phase) {
    BlockStmt body = new BlockStmt();
    int e = phase.extent();
    int a = phase.align();
    int target = CHUNKS_PER_THREAD * threads;
    int chunk = ((e + target - 1) / target + a - 1) / a * a;
    int chunks = (e + chunk - 1) / chunk;
    body.addStatement(J.declare(PrimitiveType.intType(), "lo",
        J.call("Math", "min", J.intLit(e), J.bin(BinaryExpr.Operator.MULTIPLY, J.name("chunk"), J.intLit(chunk)))));
    body.addStatement(J.declare(PrimitiveType.intType(), "hi",
        J.call("Math", "min", J.intLit(e), J.bin(BinaryExpr.Operator.PLUS, J.name("lo"), J.intLit(chunk)))));
    BlockStmt work = new BlockStmt();
    phase.body().emit(J.name("lo"), J.name("hi"), scratch.perThread(threads, body), work);
    work.setLineComment(comment + ": [lo, hi) of " + e);
    body.addStatement(work);
    int id = bodies.indexOf(body);
    if (id < 0) {
      id = bodies.size();
      bodies.add(body);
      String name = namer.name(prefix + "_part" + id);
      MethodDeclaration m = cls.addMethod(name, Modifier.Keyword.PRIVATE);
      m.addParameter(PrimitiveType.intType(), "chunk");
      m.addParameter(PrimitiveType.intType(), "t");
      m.setBody(body);
      cases.add(new SwitchEntry(new NodeList<>(J.intLit(id)), SwitchEntry.Type.STATEMENT_GROUP,
          new NodeList<>(J.call(J.call(null, name, J.name("chunk"), J.name("t"))), new ReturnStmt())));
    }
    return J.call(J.call(null, "parallel", J.intLit(id), J.intLit(chunks), J.intLit(threads)));
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
