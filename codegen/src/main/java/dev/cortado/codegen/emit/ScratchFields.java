package dev.cortado.codegen.emit;

import com.github.javaparser.ast.ArrayCreationLevel;
import com.github.javaparser.ast.Modifier;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.expr.ArrayCreationExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.Statement;
import com.github.javaparser.ast.type.ArrayType;
import com.github.javaparser.ast.type.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernels' working arrays as fields of the generated class: one field per role and shape,
 * allocated once in the constructor and shared by every kernel (kernels on one thread never run at
 * the same time). {@link #perThread} gives a thread of a split kernel arrays of its own: field
 * {@code F} gets a holder {@code F_threads} of one array per thread ({@code F_threads[0]} is
 * {@code F} itself), and the part method reads its thread's array into a local.
 */
final class ScratchFields implements MatmulKernel.Scratch {
  private final ClassOrInterfaceDeclaration cls;
  private final Namer namer;
  private final boolean f32;
  private final Map<String, Expression> allocations = new LinkedHashMap<>();
  private final Map<String, Type> types = new HashMap<>();
  private final Map<String, String> byShape = new HashMap<>();
  private final Map<String, String> holders = new LinkedHashMap<>();
  /** Helper methods by their parameters and body. */
  private final Map<String, String> methods = new HashMap<>();
  /** The local a part method reads its thread's array of a field into: one name per field, so equal parts print equally. */
  private final Map<String, String> localNames = new HashMap<>();
  private int threads = 1;

  ScratchFields(ClassOrInterfaceDeclaration cls, Namer namer, boolean f32) {
    this.cls = cls;
    this.namer = namer;
    this.f32 = f32;
  }

  @Override
  public String rows(String role, int rows, int cols) {
    return field(role + "_" + rows + "x" + cols, new ArrayType(new ArrayType(J.type(f32))),
        new ArrayCreationExpr(J.type(f32), new NodeList<>(new ArrayCreationLevel(J.intLit(rows)),
            new ArrayCreationLevel(J.intLit(cols))), null));
  }

  @Override
  public String row(int n) {
    return field("row_" + n, new ArrayType(J.type(f32)),
        new ArrayCreationExpr(J.type(f32), new NodeList<>(new ArrayCreationLevel(J.intLit(n))), null));
  }

  @Override
  public String flat(String role, int n) {
    return field(role + "_" + n, new ArrayType(J.type(f32)),
        new ArrayCreationExpr(J.type(f32), new NodeList<>(new ArrayCreationLevel(J.intLit(n))), null));
  }

  @Override
  public String doubles(int n) {
    return field("doubles_" + n, new ArrayType(J.doubleType()),
        new ArrayCreationExpr(J.doubleType(), new NodeList<>(new ArrayCreationLevel(J.intLit(n))), null));
  }

  @Override
  public void importType(String qualifiedName) {
    ClassEmitter.addImport(cls.findCompilationUnit().orElseThrow(), qualifiedName);
  }

  @Override
  public String method(String role, NodeList<Parameter> params, BlockStmt body) {
    return methods.computeIfAbsent(params + "\n" + body, k -> {
      String name = namer.name(role);
      MethodDeclaration m = cls.addMethod(name, Modifier.Keyword.PRIVATE, Modifier.Keyword.STATIC);
      m.setParameters(params);
      m.setBody(body);
      return name;
    });
  }

  private String field(String key, Type type, Expression alloc) {
    return byShape.computeIfAbsent(key, k -> {
      String name = namer.name("scratch_" + k);
      cls.addField(type, name, Modifier.Keyword.PRIVATE);
      allocations.put(name, alloc);
      types.put(name, type);
      return name;
    });
  }

  /**
   * Working arrays private to thread {@code t} of {@code threads} in one part method: each array
   * asked for is read from its holder into a local declared in {@code locals} (the start of the
   * method, where {@code t} is the thread's index), and the local's name is returned.
   */
  MatmulKernel.Scratch perThread(int threads, BlockStmt locals) {
    this.threads = threads;
    ScratchFields shared = this;
    Map<String, String> mine = new HashMap<>();
    return new MatmulKernel.Scratch() {
      @Override
      public String rows(String role, int rows, int cols) {
        return own(shared.rows(role, rows, cols));
      }

      @Override
      public String row(int n) {
        return own(shared.row(n));
      }

      @Override
      public String doubles(int n) {
        return own(shared.doubles(n));
      }

      @Override
      public String flat(String role, int n) {
        return own(shared.flat(role, n));
      }

      @Override
      public void importType(String qualifiedName) {
        shared.importType(qualifiedName);
      }

      @Override
      public String method(String role, NodeList<Parameter> params, BlockStmt body) {
        return shared.method(role, params, body);
      }

      private String own(String field) {
        return mine.computeIfAbsent(field, f -> {
          String holder = holders.computeIfAbsent(f, h -> {
            String name = namer.name(h + "_threads");
            cls.addField(new ArrayType(types.get(h)), name, Modifier.Keyword.PRIVATE);
            return name;
          });
          String local = locals(f);
          locals.addStatement(J.declare(types.get(f).clone(), local, J.at(holder, J.name("t"))));
          return local;
        });
      }
    };
  }

  private String locals(String field) {
    return localNames.computeIfAbsent(field, f -> namer.name("own_" + f.replaceFirst("^scratch_", "")));
  }

  /**
   * The constructor's statements: every field allocated, then each holder filled, its first
   * array the shared field and one more allocation per further thread.
   */
  List<Statement> allocations() {
    List<Statement> init = new ArrayList<>();
    allocations.forEach((name, alloc) -> init.add(J.assign(J.field("this", name), alloc)));
    holders.forEach((field, holder) -> {
      Type t = types.get(field);
      int dims = t.getArrayLevel();
      NodeList<ArrayCreationLevel> levels = new NodeList<>(new ArrayCreationLevel(J.intLit(threads)));
      for (int d = 0; d < dims; d++) {
        levels.add(new ArrayCreationLevel());
      }
      init.add(J.assign(J.field("this", holder), new ArrayCreationExpr(t.getElementType().clone(), levels, null)));
      init.add(J.assign(J.at(holder, J.intLit(0)), J.name(field)));
      for (int k = 1; k < threads; k++) {
        init.add(J.assign(J.at(holder, J.intLit(k)), allocations.get(field).clone()));
      }
    });
    return init;
  }
}
