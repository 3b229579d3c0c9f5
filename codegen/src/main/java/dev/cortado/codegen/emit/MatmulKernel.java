package dev.cortado.codegen.emit;

import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.stmt.BlockStmt;

/**
 * How a matmul becomes Java: the one kernel expected to be replaced by faster ones (blocked,
 * register-tiled, vectorised). Given row-major arrays {@code a} and {@code b} holding op(A) of
 * [m,k] and op(B) of [k,n] (transposed in storage where the flags say) it writes
 * {@code out[i*n+j] = epilogue(Σ_p op(A)[i,p]·op(B)[p,j])} for every (i, j). The reference
 * summation order is p ascending from 0, which {@link LoopMatmul} keeps so F64 results match the
 * interpreter bit for bit.
 */
public interface MatmulKernel {
  /** What the carried elementwise root does with each accumulated value (bias, activation). */
  interface Epilogue {
    /** The value to store at (i, j) given the accumulated sum; may add statements to {@code where}. */
    Expression apply(Expression acc, Lin i, Lin j, BlockStmt where);

    /**
     * Statements to run once per result row i, before any loop over that row's j calls {@link
     * #apply} or {@link #fused}: copies of row i of every [m,n] operand the epilogue reads, so that
     * those loops index every array by j alone (C2 vectorises a loop only when it does). The copies
     * go into working rows from {@code scratch}, the calling kernel's (a thread's own when the call
     * is split over threads).
     */
    default void beforeRow(Lin i, Scratch scratch, BlockStmt where) {}

    /** True when the value is stored as it is and nothing else is computed per element. */
    boolean isIdentity();

    /**
     * Statements to run at (i, j) once {@code out[i*n+j]} holds its final value: the values fused
     * into this matmul that read it (an activation kept beside its pre-activation).
     */
    void after(Lin i, Lin j, BlockStmt where);

    /**
     * The arrays the values fused after this matmul are stored in, in the order {@link #fused}
     * computes them: the alternative to {@link #after} for a kernel that finishes a whole row at
     * once.
     */
    default java.util.List<String> fusedArrays() {
      return java.util.List.of();
    }

    /**
     * Value {@code k} fused after this matmul at (i, j), given the finished value there as
     * {@code stored} (which the kernel may hold in a working row rather than in {@code out}); may
     * add statements to {@code where}. Values fused earlier are read from their arrays.
     */
    default Expression fused(int k, Expression stored, Lin i, Lin j, BlockStmt where) {
      throw new UnsupportedOperationException("no value fused after this matmul");
    }
  }

  /**
   * Working arrays a kernel may ask for: fields of the class, allocated once with it and shared
   * by every kernel (kernels never run at the same time), so a step allocates nothing.
   */
  interface Scratch {
    /** A field holding {@code rows} arrays of {@code cols} elements of the model's type. */
    default String rows(int rows, int cols) {
      return rows("rows", rows, cols);
    }

    /**
     * As {@link #rows(int, int)}, one field per {@code role} and shape, so that one kernel can
     * hold two working arrays of the same shape (copied operand rows and accumulator rows).
     */
    String rows(String role, int rows, int cols);

    /** Imports {@code qualifiedName} into the generated class, so code can name it simply. */
    default void importType(String qualifiedName) {
      throw new UnsupportedOperationException("cannot import " + qualifiedName);
    }

    /**
     * A private static method of the generated class with these parameters and body, named after
     * {@code role}; an identical method (same parameters and body) is added once and shared. A hot
     * loop nest in a method of its own, called many times, is compiled by C2 as a whole method
     * rather than only by on-stack replacement, whose entry sees the loop's locals untyped.
     */
    default String method(String role, NodeList<Parameter> params, BlockStmt body) {
      throw new UnsupportedOperationException("cannot add method " + role);
    }

    /** A field holding one array of {@code n} elements of the model's type. */
    String row(int n);

    /**
     * A field holding one array of {@code n} elements of the model's type, one per {@code role}
     * and size: a matrix that kernels pass to a matmul whole, never shared with {@link #row}.
     */
    default String flat(String role, int n) {
      throw new UnsupportedOperationException("no flat working array for " + role);
    }

    /** A field holding one {@code double[n]}, whatever the model's type. */
    String doubles(int n);
  }

  /** One matmul to emit. {@code fresh} makes unique local names. */
  record Call(String a, String b, String out, int m, int n, int k, boolean transA, boolean transB, boolean f32,
      Epilogue epilogue, java.util.function.Function<String, String> fresh, Scratch scratch) {
    /** The same call taking its working arrays from {@code s}. */
    public Call withScratch(Scratch s) {
      return new Call(a, b, out, m, n, k, transA, transB, f32, epilogue, fresh, s);
    }
  }

  void emit(Call call, BlockStmt into);

  /**
   * The call cut for several threads, or null when this kernel does not split it (the default):
   * then it runs whole on one thread. A split computes every result element on exactly one
   * thread, in exactly the order {@link #emit} does, so results do not depend on the thread count.
   */
  default Split split(Call call) {
    return null;
  }

  /**
   * A matmul in two loops that threads share out: first the copy of an operand into working rows
   * (if the kernel copies one), cut over the copied rows, then, after every thread has finished
   * copying, the result rows, cut into ranges that start at multiples of {@link #align()}.
   */
  interface Split {
    /** The rows {@link #copy} writes, 0 when the kernel reads its operands where they are. */
    int copyRows();

    /** Elements in one copied row (what a copy of a row costs). */
    int copyLength();

    /** Copies rows {@code [from, to)} of the operand into the shared working rows. */
    void copy(Expression from, Expression to, BlockStmt into);

    /** The number of result rows {@link #rows} is cut over. */
    int rows();

    /** Each thread's range of result rows starts at a multiple of this. */
    int align();

    /**
     * Computes result rows {@code [from, to)} (with epilogue) into {@code out}; {@code own} gives
     * working arrays private to the thread, so threads never write the same scratch.
     */
    void rows(Expression from, Expression to, Scratch own, BlockStmt into);

    /** A split from its sizes and two emitters (the copy is never called when {@code copyRows} is 0). */
    static Split of(int copyRows, int copyLength, Range copy, int rows, int align, Rows body) {
      return new Split() {
        @Override
        public int copyRows() {
          return copyRows;
        }

        @Override
        public int copyLength() {
          return copyLength;
        }

        @Override
        public void copy(Expression from, Expression to, BlockStmt into) {
          copy.emit(from, to, into);
        }

        @Override
        public int rows() {
          return rows;
        }

        @Override
        public int align() {
          return align;
        }

        @Override
        public void rows(Expression from, Expression to, Scratch own, BlockStmt into) {
          body.emit(from, to, own, into);
        }
      };
    }

    /** Emits a loop over {@code [from, to)}. */
    interface Range {
      void emit(Expression from, Expression to, BlockStmt into);
    }

    /** Emits result rows {@code [from, to)} with the thread's own working arrays. */
    interface Rows {
      void emit(Expression from, Expression to, Scratch own, BlockStmt into);
    }
  }

  /**
   * A kernel whose classes compile and reach full speed sooner, for a model's first steps while
   * this kernel's class is compiled and warmed up in the background (then swapped in between two
   * steps: {@code ModelState.upgradeLater}); null when this kernel starts quickly itself. It must
   * sum every element in this kernel's order, so that the swap changes no result.
   */
  default MatmulKernel quickStart() {
    return null;
  }

  /**
   * Floats per Vector API vector that the kernels emitted beside this one may use for their
   * elementwise work (the recurrent gates), 0 when they must stay scalar: a kernel that needs
   * {@code jdk.incubator.vector} answers its lanes, and so does its {@link #quickStart}, so that
   * the swap between them changes no result.
   */
  default int vectorLanes() {
    return 0;
  }

  /** What decides the code this kernel writes, for the source cache: its class, and its settings if any. */
  default String key() {
    return getClass().getName();
  }
}
