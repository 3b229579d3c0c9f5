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
    /**
     * The value to store at (i, j) given the accumulated sum; may add statements to {@code where}.
     *
     * @param acc the accumulated sum at (i, j)
     * @param i the result row
     * @param j the result column
     * @param where the block the kernel is writing at that point
     * @return the expression whose value is stored
     */
    Expression apply(Expression acc, Lin i, Lin j, BlockStmt where);

    /**
     * Statements to run once per result row i, before any loop over that row's j calls {@link
     * #apply} or {@link #fused}: copies of row i of every [m,n] operand the epilogue reads, so that
     * those loops index every array by j alone (C2 vectorises a loop only when it does). The copies
     * go into working rows from {@code scratch}, the calling kernel's (a thread's own when the call
     * is split over threads).
     *
     * @param i the result row
     * @param scratch the working arrays of the calling kernel
     * @param where the block before the row's loops
     */
    default void beforeRow(Lin i, Scratch scratch, BlockStmt where) {}

    /**
     * True when the value is stored as it is and nothing else is computed per element.
     *
     * @return whether the epilogue does nothing
     */
    boolean isIdentity();

    /**
     * Statements to run at (i, j) once {@code out[i*n+j]} holds its final value: the values fused
     * into this matmul that read it (an activation kept beside its pre-activation).
     *
     * @param i the result row
     * @param j the result column
     * @param where the block after the store
     */
    void after(Lin i, Lin j, BlockStmt where);

    /**
     * The arrays the values fused after this matmul are stored in, in the order {@link #fused}
     * computes them: the alternative to {@link #after} for a kernel that finishes a whole row at
     * once.
     *
     * @return the arrays' field names, empty when nothing is fused after
     */
    default java.util.List<String> fusedArrays() {
      return java.util.List.of();
    }

    /**
     * Value {@code k} fused after this matmul at (i, j), given the finished value there as
     * {@code stored} (which the kernel may hold in a working row rather than in {@code out}); may
     * add statements to {@code where}. Values fused earlier are read from their arrays.
     *
     * @param k the index of the fused value in {@link #fusedArrays}
     * @param stored the finished matmul value at (i, j)
     * @param i the result row
     * @param j the result column
     * @param where the block the kernel is writing at that point
     * @return the expression whose value is stored in array {@code k}
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
    /**
     * A field holding {@code rows} arrays of {@code cols} elements of the model's type.
     *
     * @param rows the number of arrays
     * @param cols the elements of each
     * @return the field's name
     */
    default String rows(int rows, int cols) {
      return rows("rows", rows, cols);
    }

    /**
     * As {@link #rows(int, int)}, one field per {@code role} and shape, so that one kernel can
     * hold two working arrays of the same shape (copied operand rows and accumulator rows).
     *
     * @param role what the arrays hold, part of the field's name
     * @param rows the number of arrays
     * @param cols the elements of each
     * @return the field's name
     */
    String rows(String role, int rows, int cols);

    /**
     * Imports {@code qualifiedName} into the generated class, so code can name it simply.
     *
     * @param qualifiedName the type's qualified name
     */
    default void importType(String qualifiedName) {
      throw new UnsupportedOperationException("cannot import " + qualifiedName);
    }

    /**
     * A private static method of the generated class with these parameters and body, named after
     * {@code role}; an identical method (same parameters and body) is added once and shared. A hot
     * loop nest in a method of its own, called many times, is compiled by C2 as a whole method
     * rather than only by on-stack replacement, whose entry sees the loop's locals untyped.
     *
     * @param role what the method does, part of its name
     * @param params its parameters
     * @param body its body
     * @return the method's name
     */
    default String method(String role, NodeList<Parameter> params, BlockStmt body) {
      throw new UnsupportedOperationException("cannot add method " + role);
    }

    /**
     * A field holding one array of {@code n} elements of the model's type.
     *
     * @param n the elements
     * @return the field's name
     */
    String row(int n);

    /**
     * A field holding one array of {@code n} elements of the model's type, one per {@code role}
     * and size: a matrix that kernels pass to a matmul whole, never shared with {@link #row}.
     *
     * @param role what the array holds, part of the field's name
     * @param n the elements
     * @return the field's name
     */
    default String flat(String role, int n) {
      throw new UnsupportedOperationException("no flat working array for " + role);
    }

    /**
     * A field holding one {@code double[n]}, whatever the model's type.
     *
     * @param n the elements
     * @return the field's name
     */
    String doubles(int n);
  }

  /**
   * One matmul to emit: {@code out = epilogue(op(a)·op(b))}.
   *
   * @param a the field or local of the left operand, row-major
   * @param b the field or local of the right operand, row-major
   * @param out the field or local the result is stored in, [m,n] row-major
   * @param m the result rows
   * @param n the result columns
   * @param k the length of each sum
   * @param transA whether {@code a} holds A as [k,m] (op(A) = Aᵀ)
   * @param transB whether {@code b} holds B as [n,k] (op(B) = Bᵀ)
   * @param f32 whether the arrays are {@code float[]} (else {@code double[]})
   * @param epilogue what is done with each sum
   * @param fresh makes a unique local name from a base name
   * @param scratch the working arrays the kernel may ask for
   */
  record Call(String a, String b, String out, int m, int n, int k, boolean transA, boolean transB, boolean f32,
      Epilogue epilogue, java.util.function.Function<String, String> fresh, Scratch scratch) {
    /**
     * The same call taking its working arrays from {@code s}.
     *
     * @param s the working arrays
     * @return the new call
     */
    public Call withScratch(Scratch s) {
      return new Call(a, b, out, m, n, k, transA, transB, f32, epilogue, fresh, s);
    }
  }

  /**
   * Appends the statements computing {@code call} to {@code into}, on one thread.
   *
   * @param call the matmul
   * @param into the block the statements go to
   */
  void emit(Call call, BlockStmt into);

  /**
   * The call cut for several threads, or null when this kernel does not split it (the default):
   * then it runs whole on one thread. A split computes every result element on exactly one
   * thread, in exactly the order {@link #emit} does, so results do not depend on the thread count.
   *
   * @param call the matmul
   * @return its split, or null
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
    /**
     * The rows {@link #copy} writes, 0 when the kernel reads its operands where they are.
     *
     * @return the copied rows
     */
    int copyRows();

    /**
     * Elements in one copied row (what a copy of a row costs).
     *
     * @return the elements of a copied row
     */
    int copyLength();

    /**
     * Copies rows {@code [from, to)} of the operand into the shared working rows.
     *
     * @param from the first row, an int expression
     * @param to the row after the last, an int expression
     * @param into the block the copy goes to
     */
    void copy(Expression from, Expression to, BlockStmt into);

    /**
     * The number of result rows {@link #rows(Expression, Expression, Scratch, BlockStmt)} is cut over.
     *
     * @return the result rows
     */
    int rows();

    /**
     * Each thread's range of result rows starts at a multiple of this.
     *
     * @return the alignment of the ranges, at least 1
     */
    int align();

    /**
     * Computes result rows {@code [from, to)} (with epilogue) into {@code out}; {@code own} gives
     * working arrays private to the thread, so threads never write the same scratch. {@code from}
     * is a multiple of {@link #align}, and so is {@code to} unless it is {@link #rows()}; the
     * range that ends at {@link #rows()} starts at or before {@code rows() - align()} (when the
     * split has more than one range), so that it holds a whole block ending at the last row.
     *
     * @param from the first result row, an int expression
     * @param to the row after the last, an int expression
     * @param own the thread's working arrays
     * @param into the block the rows' code goes to
     */
    void rows(Expression from, Expression to, Scratch own, BlockStmt into);

    /**
     * The width of the column strips each range of rows is also cut into, 0 when it is not: a
     * product with few blocks of rows (a batch of 64 is 11 blocks of six) shares out ranges of
     * rows in strips of whole register blocks of columns, so that the threads get even shares.
     *
     * @return the strip width, a divisor of the row length, or 0
     */
    default int stripWidth() {
      return 0;
    }

    /**
     * As {@link #rows(Expression, Expression, Scratch, BlockStmt)}, columns {@code [colFrom,
     * colTo)} of those rows only (a strip of {@link #stripWidth} columns); each element is
     * computed as by the whole rows.
     *
     * @param from the first result row, an int expression
     * @param to the row after the last, an int expression
     * @param colFrom the first column, an int expression
     * @param colTo the column after the last, an int expression
     * @param own the thread's working arrays
     * @param into the block the code goes to
     */
    default void rows(Expression from, Expression to, Expression colFrom, Expression colTo, Scratch own,
        BlockStmt into) {
      throw new UnsupportedOperationException("this split has no column strips");
    }

    /**
     * A split from its sizes and two emitters (the copy is never called when {@code copyRows} is 0).
     *
     * @param copyRows the rows the copy writes
     * @param copyLength the elements of a copied row
     * @param copy emits the copy of a range of rows
     * @param rows the result rows
     * @param align the alignment of each thread's first result row
     * @param body emits a range of result rows
     * @return the split
     */
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
      /**
       * Appends the loop.
       *
       * @param from the first index, an int expression
       * @param to the index after the last, an int expression
       * @param into the block the loop goes to
       */
      void emit(Expression from, Expression to, BlockStmt into);
    }

    /** Emits result rows {@code [from, to)} with the thread's own working arrays. */
    interface Rows {
      /**
       * Appends the code of the rows.
       *
       * @param from the first result row, an int expression
       * @param to the row after the last, an int expression
       * @param own the thread's working arrays
       * @param into the block the code goes to
       */
      void emit(Expression from, Expression to, Scratch own, BlockStmt into);
    }
  }

  /**
   * A kernel whose classes compile and reach full speed sooner, for a model's first steps while
   * this kernel's class is compiled and warmed up in the background (then swapped in between two
   * steps: {@code ModelState.upgradeLater}); null when this kernel starts quickly itself. It must
   * sum every element in this kernel's order, so that the swap changes no result.
   *
   * @return the quick-start kernel, or null
   */
  default MatmulKernel quickStart() {
    return null;
  }

  /**
   * Floats per Vector API vector that the kernels emitted beside this one may use for their
   * elementwise work (the recurrent gates), 0 when they must stay scalar: a kernel that needs
   * {@code jdk.incubator.vector} answers its lanes, and so does its {@link #quickStart}, so that
   * the swap between them changes no result.
   *
   * @return the lanes, or 0
   */
  default int vectorLanes() {
    return 0;
  }

  /**
   * What decides the code this kernel writes, for the source cache: its class, and its settings if any.
   *
   * @return the key, equal for two kernels exactly when they write the same code
   */
  default String key() {
    return getClass().getName();
  }
}
