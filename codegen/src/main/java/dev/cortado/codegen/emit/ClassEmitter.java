package dev.cortado.codegen.emit;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.ImportDeclaration;
import com.github.javaparser.ast.PackageDeclaration;
import com.github.javaparser.ast.expr.MarkerAnnotationExpr;
import com.github.javaparser.ast.expr.Name;
import com.github.javaparser.ast.Modifier;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.ConstructorDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.expr.ArrayCreationExpr;
import com.github.javaparser.ast.ArrayCreationLevel;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.StringLiteralExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.ExplicitConstructorInvocationStmt;
import com.github.javaparser.ast.stmt.Statement;
import com.github.javaparser.ast.type.ArrayType;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import com.github.javaparser.ast.type.PrimitiveType;
import com.github.javaparser.ast.type.Type;
import dev.cortado.codegen.lower.Plan;
import dev.cortado.ir.DType;
import dev.cortado.ir.Graph;
import dev.cortado.ir.Node;
import dev.cortado.runtime.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the generated class node by node: a subclass of {@code runtime.CompiledModel} for one
 * batch size, with the model's {@code ModelSpec} as literals, one field per input, variable,
 * run-time scalar and buffer, and each entry point (train, predict, evaluate) a flat sequence of
 * calls to kernel methods. Kernels are packed into methods of at most {@link #METHOD_BUDGET} AST
 * nodes (well under HotSpot's 8,000-byte limit on what it compiles), and an entry point with more
 * than {@link #CALLS_PER_METHOD} calls is split the same way.
 */
public final class ClassEmitter {
  static final int METHOD_BUDGET = 900;
  static final int CALLS_PER_METHOD = 200;

  /**
   * What one class is generated from; with {@code threads} above 1, kernels with at least {@code
   * splitFrom} units of work are split over that many threads ({@link KernelEmitter#split}).
   *
   * @param model the model graph
   * @param spec its interface, written into the class
   * @param batch the batch size
   * @param train the plan of the training step (null: none)
   * @param predict the plan of prediction
   * @param evaluate the plan of evaluation (null: none)
   * @param gradient the plan of the split step's first half (null: none)
   * @param apply the plan of the split step's second half (null: none)
   * @param packageName the package of the class (null or empty: none)
   * @param className its simple name
   * @param matmul the matrix-product kernel
   * @param threads the threads a step is split over, at least 1
   * @param splitFrom the least units of work of a split kernel
   */
  public record Input(Graph model, ModelSpec spec, int batch, Plan train, Plan predict, Plan evaluate,
      Plan gradient, Plan apply, String packageName, String className, MatmulKernel matmul, int threads,
      long splitFrom) {
    /**
     * Checks the thread count.
     *
     * @param model the model graph
     * @param spec its interface
     * @param batch the batch size
     * @param train the plan of the training step (null: none)
     * @param predict the plan of prediction
     * @param evaluate the plan of evaluation (null: none)
     * @param gradient the plan of the split step's first half (null: none)
     * @param apply the plan of the split step's second half (null: none)
     * @param packageName the package of the class
     * @param className its simple name
     * @param matmul the matrix-product kernel
     * @param threads the threads a step is split over
     * @param splitFrom the least units of work of a split kernel
     * @throws IllegalArgumentException if {@code threads} is below 1
     */
    public Input {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1, got " + threads);
      }
    }

    /**
     * Without the split step's halves.
     *
     * @param model the model graph
     * @param spec its interface
     * @param batch the batch size
     * @param train the plan of the training step (null: none)
     * @param predict the plan of prediction
     * @param evaluate the plan of evaluation (null: none)
     * @param packageName the package of the class
     * @param className its simple name
     * @param matmul the matrix-product kernel
     * @param threads the threads a step is split over
     * @param splitFrom the least units of work of a split kernel
     */
    public Input(Graph model, ModelSpec spec, int batch, Plan train, Plan predict, Plan evaluate,
        String packageName, String className, MatmulKernel matmul, int threads, long splitFrom) {
      this(model, spec, batch, train, predict, evaluate, null, null, packageName, className, matmul, threads, splitFrom);
    }

    /**
     * Without the split step's halves, on one thread.
     *
     * @param model the model graph
     * @param spec its interface
     * @param batch the batch size
     * @param train the plan of the training step (null: none)
     * @param predict the plan of prediction
     * @param evaluate the plan of evaluation (null: none)
     * @param packageName the package of the class
     * @param className its simple name
     * @param matmul the matrix-product kernel
     */
    public Input(Graph model, ModelSpec spec, int batch, Plan train, Plan predict, Plan evaluate,
        String packageName, String className, MatmulKernel matmul) {
      this(model, spec, batch, train, predict, evaluate, packageName, className, matmul, 1, Long.MAX_VALUE);
    }
  }

  private final Input in;
  private final boolean f32;
  private final Storage storage;
  private final ClassOrInterfaceDeclaration cls;
  private final ScratchFields scratch;
  /** The parts split over threads, null for one thread. */
  private final Parts parts;

  private ClassEmitter(Input in, ClassOrInterfaceDeclaration cls) {
    this.in = in;
    this.f32 = in.model().dtype() == DType.F32;
    this.storage = new Storage(in.model());
    this.cls = cls;
    this.scratch = new ScratchFields(cls, storage.namer, f32);
    this.parts = in.threads() > 1 ? new Parts(cls, storage.namer, scratch, in.threads()) : null;
  }

  /**
   * The compilation unit of the class, ready to print.
   *
   * @param in what the class is generated from
   * @return the class's syntax tree
   * @throws IllegalArgumentException if the class or package name is not a Java name
   */
  public static CompilationUnit emit(Input in) {
    // names are built as nodes, never from strings: JavaParser parses those, and starting its parser costs a cold JVM ~0.1 s
    CompilationUnit cu = new CompilationUnit();
    JavaText.requireSimpleName("class name", in.className());
    if (in.packageName() != null && !in.packageName().isEmpty()) {
      JavaText.requireQualifiedName("package name", in.packageName());
      cu.setPackageDeclaration(new PackageDeclaration(J.qualified(in.packageName())));
    }
    for (String runtime : List.of("CompiledModel", "ModelSpec", "ModelState", "Rng")) {
      addImport(cu, "dev.cortado.runtime." + runtime);
    }
    ClassOrInterfaceDeclaration cls = cu.addClass(in.className(), Modifier.Keyword.PUBLIC, Modifier.Keyword.FINAL);
    cls.addExtendedType(new ClassOrInterfaceType(null, "CompiledModel"));
    new ClassEmitter(in, cls).build();
    return cu;
  }

  static void addImport(CompilationUnit cu, String qualifiedName) {
    if (cu.getImports().stream().noneMatch(i -> i.getNameAsString().equals(qualifiedName))) {
      cu.getImports().add(new ImportDeclaration(J.qualified(qualifiedName), false, false));
    }
  }

  private void build() {
    Graph g = in.model();
    String header = "Generated by Cortado from model " + JavaText.quoted(g.name()) + ": "
        + JavaText.literal(in.spec().description()) + ", batch " + in.batch() + ", " + g.dtype()
        + ".\n\n<p>Do not edit: regenerate with {@code model.generateSource(...)}.";
    cls.setJavadocComment(header);
    cls.addFieldWithInitializer(new ClassOrInterfaceType(null, "ModelSpec"), "SPEC", J.call(null, "modelSpec"),
        Modifier.Keyword.PUBLIC, Modifier.Keyword.STATIC, Modifier.Keyword.FINAL)
        .setJavadocComment("The model's inputs, variables and entry points.");
    spec();
    for (Plan p : plans()) {
      storage.plan(p);
    }
    storage.inputFields.values().forEach(n -> cls.addField(arrayType(), n, Modifier.Keyword.PRIVATE));
    storage.hyperFields.values().forEach(n -> cls.addField(J.type(f32), n, Modifier.Keyword.PRIVATE));
    storage.variableFields.forEach((v, n) -> {
      if (held(v)) {
        cls.addField(arrayType(storage.counters.contains(v)), n, Modifier.Keyword.PRIVATE);
      }
    });
    storage.nameBuffers();
    for (Storage.Buffer b : storage.buffers) {
      com.github.javaparser.ast.body.FieldDeclaration f = cls.addField(arrayType(b.count()), b.name(), Modifier.Keyword.PRIVATE);
      if (b.holds().size() > 1) {
        f.setLineComment(" reused: " + String.join(", then ", b.holds().stream().map(JavaText::literal).toList()));
      }
    }
    List<BlockStmt> train = kernels(in.train(), "train");
    List<BlockStmt> predict = kernels(in.predict(), "predict");
    List<BlockStmt> evaluate = kernels(in.evaluate(), "evaluate");
    List<BlockStmt> gradient = kernels(in.gradient(), "gradient");
    List<BlockStmt> apply = kernels(in.apply(), "apply");
    int shared = sharedForward(predict, evaluate);
    entry("runTrain", "losses", in.train(), "train", train, 0);
    entry("runPredict", "out", in.predict(), "predict", predict, shared);
    entry("runEvaluate", "losses", in.evaluate(), "evaluate", evaluate, shared);
    if (in.gradient() != null && in.apply() != null) {
      entry("runGradient", "losses", in.gradient(), "gradient", gradient, 0);
      entry("runApply", "losses", in.apply(), "apply", apply, 0);
    }
    if (parts != null) {
      parts.finish();
    }
    for (Storage.Constant c : storage.constants.values()) {
      com.github.javaparser.ast.body.FieldDeclaration f = cls.addFieldWithInitializer(c.type(), c.name(), c.value(),
          Modifier.Keyword.PRIVATE, Modifier.Keyword.STATIC, Modifier.Keyword.FINAL);
      if (c.comment() != null) {
        f.setLineComment(c.comment());
      }
    }
    constructors();
    ConstantNotes.annotate(cls, in.model().notes(), f32);
    fieldsFirst();
    if (storage.constants.keySet().stream().noneMatch(k -> k.startsWith("seed "))) {
      // only dropout draws from Rng: no unused import
      cls.findCompilationUnit().ifPresent(cu -> cu.getImports().removeIf(i -> i.getNameAsString().endsWith(".Rng")));
    }
  }

  /**
   * Whether the class keeps a field for variable {@code name}: every one but the split step's
   * gradient buffers in a class without the split step, where nothing reads or writes them.
   */
  private boolean held(String name) {
    return in.gradient() != null || in.model().variables().get(name).role() != dev.cortado.ir.VariableInfo.Role.GRADIENT;
  }

  /** Orders the members as a reader expects them: fields, constructors, methods. */
  private void fieldsFirst() {
    List<com.github.javaparser.ast.body.BodyDeclaration<?>> fields = new ArrayList<>();
    List<com.github.javaparser.ast.body.BodyDeclaration<?>> ctors = new ArrayList<>();
    List<com.github.javaparser.ast.body.BodyDeclaration<?>> rest = new ArrayList<>();
    for (com.github.javaparser.ast.body.BodyDeclaration<?> m : cls.getMembers()) {
      (m.isFieldDeclaration() ? fields : m.isConstructorDeclaration() ? ctors : rest).add(m);
    }
    NodeList<com.github.javaparser.ast.body.BodyDeclaration<?>> ordered = new NodeList<>();
    ordered.addAll(fields);
    ordered.addAll(ctors);
    ordered.addAll(rest);
    cls.setMembers(ordered);
  }

  private List<Plan> plans() {
    List<Plan> ps = new ArrayList<>();
    for (Plan p : new Plan[] {in.train(), in.predict(), in.evaluate(), in.gradient(), in.apply()}) {
      if (p != null) {
        ps.add(p);
      }
    }
    return ps;
  }

  private Type arrayType() {
    return arrayType(false);
  }

  /** The array type of a field; a count is kept in double whatever the model's dtype. */
  private Type arrayType(boolean count) {
    return new ArrayType(J.type(f32 && !count));
  }

  /** {@code private static ModelSpec modelSpec()}: one builder call a line, split like any long method. */
  private void spec() {
    ModelSpec sp = in.spec();
    List<Statement> calls = new ArrayList<>();
    for (Map.Entry<String, int[]> i : sp.inputShapes().entrySet()) {
      calls.add(J.call(withShape("input", i.getKey(), i.getValue())));
    }
    for (Map.Entry<String, Integer> i : sp.idInputs().entrySet()) {
      calls.add(J.call(J.call("b", "ids", new StringLiteralExpr(escape(i.getKey())), J.intLit(i.getValue()))));
    }
    for (Map.Entry<String, int[]> v : sp.variableShapes().entrySet()) {
      if (sp.isCounter(v.getKey())) {
        calls.add(J.call(J.call("b", "counter", new StringLiteralExpr(escape(v.getKey())))));
      } else {
        calls.add(J.call(withShape(sp.stateNames().contains(v.getKey()) ? "state"
            : v.getKey().startsWith(ModelSpec.GRADIENT_PREFIX) && !sp.parameterNames().contains(v.getKey()) ? "gradient"
            : "parameter", v.getKey(), v.getValue())));
      }
    }
    for (Map.Entry<String, Double> h : sp.hyperDefaults().entrySet()) {
      calls.add(J.call(J.call("b", "hyper", new StringLiteralExpr(escape(h.getKey())), J.dlit(h.getValue()))));
    }
    for (Map.Entry<String, int[]> o : sp.outputShapes().entrySet()) {
      calls.add(J.call(withShape("output", o.getKey(), o.getValue())));
    }
    calls.add(J.call(new MethodCallExpr(J.name("b"), "losses", strings(sp.lossNames()))));
    if (sp.trains()) {
      calls.add(J.call(new MethodCallExpr(J.name("b"), "train", strings(sp.trainInputs()))));
    }
    calls.add(J.call(new MethodCallExpr(J.name("b"), "predict", strings(sp.predictInputs()))));
    calls.add(J.call(new MethodCallExpr(J.name("b"), "evaluate", strings(sp.evaluateInputs()))));
    MethodDeclaration m = cls.addMethod("modelSpec", Modifier.Keyword.PRIVATE, Modifier.Keyword.STATIC);
    m.setType(new ClassOrInterfaceType(null, "ModelSpec"));
    BlockStmt body = m.getBody().orElseThrow();
    body.addStatement(J.declare(new ClassOrInterfaceType(new ClassOrInterfaceType(null, "ModelSpec"), "Builder"), "b",
        new MethodCallExpr(new NameExpr("ModelSpec"), "builder", new NodeList<>(
            new StringLiteralExpr(escape(sp.name())), new StringLiteralExpr(escape(sp.description())), J.bool(f32)))));
    chunked(body, calls, "modelSpec", new com.github.javaparser.ast.body.Parameter(
        new ClassOrInterfaceType(new ClassOrInterfaceType(null, "ModelSpec"), "Builder"), "b"));
    body.addStatement(new com.github.javaparser.ast.stmt.ReturnStmt(new MethodCallExpr(J.name("b"), "build")));
  }

  /**
   * Adds {@code statements} to {@code body}, or, past {@link #CALLS_PER_METHOD}, to helper
   * methods {@code <prefix>Part<k>} that {@code body} calls; with {@code param}, the helpers are
   * static when it is the spec builder, and each takes and passes on that parameter.
   */
  private void chunked(BlockStmt body, List<Statement> statements, String prefix,
      com.github.javaparser.ast.body.Parameter param) {
    if (statements.size() <= CALLS_PER_METHOD) {
      statements.forEach(body::addStatement);
      return;
    }
    boolean isStatic = param != null && param.getNameAsString().equals("b");
    for (int i = 0; i < statements.size(); i += CALLS_PER_METHOD) {
      String name = storage.namer.name(prefix + "Part" + (i / CALLS_PER_METHOD));
      MethodDeclaration m = isStatic ? cls.addMethod(name, Modifier.Keyword.PRIVATE, Modifier.Keyword.STATIC)
          : cls.addMethod(name, Modifier.Keyword.PRIVATE);
      if (param != null) {
        m.addParameter(param.clone());
      }
      statements.subList(i, Math.min(statements.size(), i + CALLS_PER_METHOD)).forEach(m.getBody().orElseThrow()::addStatement);
      body.addStatement(J.call(param != null ? J.call(null, name, J.name(param.getNameAsString())) : J.call(null, name)));
    }
  }

  private static Expression withShape(String method, String name, int[] dims) {
    NodeList<Expression> args = new NodeList<>(new StringLiteralExpr(escape(name)));
    for (int d : dims) {
      args.add(J.intLit(d));
    }
    return new MethodCallExpr(J.name("b"), method, args);
  }

  private static NodeList<Expression> strings(Iterable<String> names) {
    NodeList<Expression> l = new NodeList<>();
    names.forEach(n -> l.add(new StringLiteralExpr(escape(n))));
    return l;
  }

  private static String escape(String s) {
    return JavaText.literal(s);
  }

  private void constructors() {
    ConstructorDeclaration fresh = cls.addConstructor(Modifier.Keyword.PUBLIC);
    fresh.setJavadocComment("A model with every variable at zero and no compiler behind other batch sizes.");
    fresh.getBody().addStatement(new ExplicitConstructorInvocationStmt(true, null,
        new NodeList<>(new com.github.javaparser.ast.expr.ObjectCreationExpr(null, new ClassOrInterfaceType(null, "ModelState"),
            new NodeList<>(J.name("SPEC"), new com.github.javaparser.ast.expr.NullLiteralExpr())))));
    ConstructorDeclaration shared = cls.addConstructor(Modifier.Keyword.PUBLIC);
    shared.setJavadocComment("A model for batch " + in.batch() + " sharing {@code state} with the other batch sizes.");
    shared.addParameter(new ClassOrInterfaceType(null, "ModelState"), "state");
    BlockStmt body = shared.getBody();
    body.addStatement(new ExplicitConstructorInvocationStmt(false, null, new NodeList<>(J.name("state"), J.intLit(in.batch()))));
    List<Statement> init = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, String> v : storage.variableFields.entrySet()) {
      boolean f = f32 && !storage.counters.contains(v.getKey());
      if (held(v.getKey())) {
        init.add(J.assign(J.field("this", v.getValue()), J.call(null, f ? "f32" : "f64", J.intLit(i))));
      }
      i++;
    }
    for (Storage.Buffer b : storage.buffers) {
      init.add(J.assign(J.field("this", b.name()),
          new ArrayCreationExpr(J.type(f32 && !b.count()), new NodeList<>(new ArrayCreationLevel(J.intLit(b.length()))), null)));
    }
    init.addAll(scratch.allocations());
    chunked(body, init, "allocate", null);
  }

  /** What each kernel block works on ({@link Topics}), which names the method that holds it. */
  private final Map<BlockStmt, String> topicOf = new java.util.IdentityHashMap<>();

  /** Predict's calls of the kernels that evaluate shares (its first ones). */
  private List<Statement> forwardCalls = List.of();

  /**
   * Each kernel of {@code p} as a commented block, in order (none without a plan). With threads,
   * a kernel that {@link KernelEmitter#split} cuts gives a piece per phase (the phase itself when
   * it stays on the caller), and {@link PartGroups} gathers the parallel phases, with the serial
   * blocks that can run beside them, into parts: a block {@code parallel(k, n)} running part k on
   * every thread.
   */
  private List<BlockStmt> kernels(Plan p, String prefix) {
    List<BlockStmt> blocks = new ArrayList<>();
    if (p == null) {
      return blocks;
    }
    KernelEmitter ke = new KernelEmitter(new Exprs(p, storage, f32), in.matmul(), scratch, in.splitFrom());
    Topics topics = new Topics(p);
    Map<KernelEmitter.Phase, String> phaseTopics = new java.util.IdentityHashMap<>();
    List<List<KernelEmitter.Phase>> split = new ArrayList<>();
    for (Plan.Kernel kernel : p.kernels) {
      split.add(parts == null ? null : ke.split(kernel));
    }
    List<PartGroups.Piece> pieces = new ArrayList<>();
    for (int k = 0; k < p.kernels.size(); k++) {
      Plan.Kernel kernel = p.kernels.get(k);
      String comment = comment(kernel);
      String topic = topics.of(kernel);
      List<KernelEmitter.Phase> phases = split.get(k);
      if (phases == null) {
        BlockStmt block = ke.emit(kernel);
        if (block.isEmpty() && !pieces.isEmpty() && pieces.get(pieces.size() - 1).serial() != null) {
          // nothing left to do (a softmax the cross-entropy before it wrote): say so on that block
          BlockStmt before = pieces.get(pieces.size() - 1).serial();
          before.setLineComment(before.getComment().orElseThrow().getContent() + ", and " + comment);
          continue;
        }
        block.setLineComment(" " + comment);
        topicOf.put(block, topic);
        pieces.add(serial(block, comment));
        continue;
      }
      List<KernelEmitter.Phase> next = k + 1 < split.size() ? split.get(k + 1) : null;
      KernelEmitter.Phase fused = next == null || next.size() != 1 ? null
          : ke.fuse(phases.get(phases.size() - 1), next.get(0));
      if (fused != null) {
        phases = new ArrayList<>(phases.subList(0, phases.size() - 1));
        phases.add(fused);
        comment += ", then " + comment(p.kernels.get(++k));
      }
      for (KernelEmitter.Phase ph : phases) {
        phaseTopics.put(ph, topic);
        if (ph.parallel()) {
          BlockStmt probe = new BlockStmt();
          ph.body().emit(J.name("lo"), J.name("hi"), scratch, probe);
          pieces.add(new PartGroups.Piece(null, ph, comment, Access.of(probe, this::method)));
        } else {
          BlockStmt block = new BlockStmt();
          ph.body().emit(J.intLit(0), J.intLit(ph.extent()), scratch, block);
          block.setLineComment(" " + comment);
          topicOf.put(block, topic);
          pieces.add(serial(block, comment));
        }
      }
    }
    if (parts == null) {
      pieces.forEach(piece -> blocks.add(piece.serial()));
      return blocks;
    }
    for (Object item : PartGroups.group(pieces)) {
      if (item instanceof PartGroups.Piece piece) {
        blocks.add(piece.serial());
        continue;
      }
      PartGroups.Group g = (PartGroups.Group) item;
      List<String> comments = g.phases().stream().map(PartGroups.Piece::comment).toList();
      List<Statement> beside = pack(prefix, g.beside().stream().map(PartGroups.Piece::serial).toList());
      BlockStmt block = new BlockStmt();
      block.addStatement(parts.add(prefix, g.phases().stream().map(PartGroups.Piece::phase).toList(), comments, beside));
      List<String> all = new ArrayList<>(new java.util.LinkedHashSet<>(comments));
      g.beside().forEach(b -> all.add("beside: " + b.comment()));
      block.setLineComment(" " + String.join("; ", all));
      topicOf.put(block, phaseTopics.get(g.phases().get(0).phase()));
      blocks.add(block);
    }
    return blocks;
  }

  /** The class's one method named {@code name} (a matmul kernel's register block), or null. */
  private com.github.javaparser.ast.body.MethodDeclaration method(String name) {
    var found = cls.getMethodsByName(name);
    return found.size() == 1 ? found.get(0) : null;
  }

  private PartGroups.Piece serial(BlockStmt block, String comment) {
    return new PartGroups.Piece(block, null, comment, parts == null ? null : Access.of(block, this::method));
  }

  private static String comment(Plan.Kernel kernel) {
    return kernel.kind().name().toLowerCase() + " "
        + String.join(", ", kernel.roots().stream().map(n -> JavaText.literal(n.name())).toList())
        + (kernel.carried() == null ? "" : " carrying " + JavaText.literal(kernel.carried().name()));
  }

  /**
   * How many leading kernels evaluate has exactly as predict has them (its forward pass, up to
   * where a buffer or a fusion differs). Those are emitted once, as predict's kernel methods, and
   * evaluate calls them: identical code in one class does the same thing, since a kernel keeps
   * its locals to itself and names only fields.
   */
  private static int sharedForward(List<BlockStmt> predict, List<BlockStmt> evaluate) {
    int n = 0;
    while (n < predict.size() && n < evaluate.size() && predict.get(n).equals(evaluate.get(n))) {
      n++;
    }
    return n;
  }

  /**
   * Entry point {@code method}: inputs and hyperparameters into fields, {@code blocks} (the
   * kernels of {@code p}) in kernel methods, copies of updated variables, results. The first
   * {@code shared} blocks are predict's forward pass that evaluate calls rather than repeats.
   */
  private void entry(String method, String resultName, Plan p, String prefix, List<BlockStmt> blocks, int shared) {
    MethodDeclaration m = cls.addMethod(method, Modifier.Keyword.PROTECTED);
    m.addAnnotation(new MarkerAnnotationExpr(new Name("Override")));
    m.addParameter(new ArrayType(new ClassOrInterfaceType(null, "Object")), "in");
    m.addParameter(new ArrayType(resultName.equals("out") ? new ClassOrInterfaceType(null, "Object") : PrimitiveType.doubleType()),
        resultName);
    BlockStmt body = m.getBody().orElseThrow();
    if (p == null) {
      return;
    }
    List<String> needed = p == in.train() || p == in.gradient() ? in.spec().trainInputs()
        : p == in.apply() ? List.of() : p == in.predict() ? in.spec().predictInputs() : in.spec().evaluateInputs();
    int k = 0;
    for (Map.Entry<String, String> e : storage.inputFields.entrySet()) {
      if (needed.contains(e.getKey())) {
        body.addStatement(J.assign(J.field("this", e.getValue()), J.cast(arrayType(), J.at("in", J.intLit(k)))));
      }
      k++;
    }
    int h = 0;
    for (String field : storage.hyperFields.values()) {
      Expression v = new com.github.javaparser.ast.expr.ArrayAccessExpr(J.call(null, "hypers"), J.intLit(h++));
      body.addStatement(J.assign(J.field("this", field), f32 ? J.cast(J.type(true), v) : v));
    }
    List<Statement> calls = new ArrayList<>();
    if (p == in.evaluate()) {
      forwardCalls.forEach(c -> calls.add(c.clone()));
    } else {
      calls.addAll(pack(prefix, blocks.subList(0, shared)));
      forwardCalls = List.copyOf(calls);
    }
    calls.addAll(pack(prefix, blocks.subList(shared, blocks.size())));
    addCalls(body, calls, prefix);
    List<Statement> copies = new ArrayList<>();
    for (Plan.Copy c : p.copies) {
      Node var = p.graph.variables().get(c.variable()).node();
      copies.add(J.call(J.call("System", "arraycopy", J.name(storage.array(p.home(c.from()))), J.intLit(0),
          J.name(storage.array(var)), J.intLit(0), J.intLit(var.shape().size(1)))));
    }
    chunked(body, copies, prefix + "Copies", null);
    Iter scalar = new Iter(new int[0], new Lin[0], false);
    BlockStmt extra = new BlockStmt();
    Exprs.Body none = new Exprs.Body(extra, new int[1]);
    List<Statement> results = new ArrayList<>();
    int r = 0;
    if (resultName.equals("out")) {
      for (Node o : p.graph.outputs().values()) {
        results.add(J.assign(J.at("out", J.intLit(r++)), J.name(storage.array(p.home(o)))));
      }
    } else {
      for (Node l : p.graph.losses().values()) {
        results.add(J.assign(J.at("losses", J.intLit(r++)), new Exprs(p, storage, f32).value(l, scalar, none, Map.of())));
      }
    }
    if (!extra.getStatements().isEmpty()) {
      throw new IllegalStateException("a loss needed statements of its own: " + extra);
    }
    chunked(body, results, prefix + "Results", m.getParameter(1).clone());
  }


  /** The nodes of {@code n}'s subtree, itself included, as {@code n.findAll(Node.class).size()} counts them. */
  private static int size(com.github.javaparser.ast.Node n) {
    int size = 1;
    for (com.github.javaparser.ast.Node child : n.getChildNodes()) {
      size += size(child);
    }
    return size;
  }

  /**
   * Calls that run {@code blocks} in order, packed into kernel methods of at most {@link
   * #METHOD_BUDGET} AST nodes each.
   */
  private List<Statement> pack(String prefix, List<BlockStmt> blocks) {
    List<Statement> calls = new ArrayList<>();
    List<BlockStmt> pending = new ArrayList<>();
    int size = 0;
    for (BlockStmt block : blocks) {
      int n = size(block);
      boolean otherTopic = !pending.isEmpty() && !topicOf.get(pending.get(0)).equals(topicOf.get(block));
      if (!pending.isEmpty() && (size + n > METHOD_BUDGET || otherTopic)) {
        calls.add(kernelMethod(prefix, pending));
        pending = new ArrayList<>();
        size = 0;
      }
      pending.add(block);
      size += n;
    }
    if (!pending.isEmpty()) {
      calls.add(kernelMethod(prefix, pending));
    }
    return calls;
  }

  /**
   * A method running {@code blocks}, named after what they work on ({@link Topics}): {@code
   * fc1_forward}, {@code fc2_backward}, {@code update_fc1_kernel} in training, {@code predict_fc1}
   * and {@code evaluate_loss} in the other entry points.
   */
  private Statement kernelMethod(String prefix, List<BlockStmt> blocks) {
    String topic = topicOf.get(blocks.get(0));
    String name = storage.namer.name(prefix.equals("train") ? (topic.equals("loss") ? "compute_loss" : topic)
        : prefix + "_" + topic.replaceFirst("_forward$", ""));
    MethodDeclaration m = cls.addMethod(name, Modifier.Keyword.PRIVATE);
    BlockStmt body = m.getBody().orElseThrow();
    blocks.forEach(body::addStatement);
    return J.call(J.call(null, name));
  }

  private void addCalls(BlockStmt body, List<Statement> calls, String prefix) {
    if (calls.size() <= CALLS_PER_METHOD) {
      calls.forEach(body::addStatement);
      return;
    }
    List<Statement> grouped = new ArrayList<>();
    for (int i = 0; i < calls.size(); i += CALLS_PER_METHOD) {
      String name = storage.namer.name(prefix + "_part" + (i / CALLS_PER_METHOD));
      MethodDeclaration m = cls.addMethod(name, Modifier.Keyword.PRIVATE);
      calls.subList(i, Math.min(calls.size(), i + CALLS_PER_METHOD)).forEach(m.getBody().orElseThrow()::addStatement);
      grouped.add(J.call(J.call(null, name)));
    }
    addCalls(body, grouped, prefix + "_");
  }

}
