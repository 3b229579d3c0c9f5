package dev.cortado.codegen.emit;

import com.github.javaparser.ast.stmt.BlockStmt;

/**
 * The default matmul kernel (its loops are written by {@code BlockedPasses}), in the loop shape
 * that C2 vectorises: each result row accumulates {@code acc[j] = fma(a3, w3[j], fma(a2, w2[j], fma(a1, w1[j], fma(a0, w0[j],
 * acc[j]))))}, four rows {@code w0..w3} of op(B) scaled by four elements of op(A) per pass (the
 * summed dimension unrolled by {@value #GROUP}), every array of the inner loop indexed by the
 * loop variable plus a literal (the R result rows of a pass are one array, row q from {@code q·len}). op(B) is first copied into such rows (transposed if stored
 * transposed); a result narrower than {@link LoopMatmul#NARROW} and taller than wide is computed
 * as its transpose, a column at a time, so the vector loop runs over the long dimension.
 *
 * <p>When op(B) is larger than L1 ({@value #BLOCK_BYTES} bytes) the sum is blocked: a block of
 * rows of op(B) that fits is applied to every result row before the next block, into an
 * accumulator row per result row (when those fit in {@value #ACC_LIMIT_BYTES} bytes).
 *
 * <p>Each element still sums p ascending from zero. F64 adds each product as the interpreter does
 * ({@code acc + a0*w0[j] + a1*w1[j] + …}, left to right), so F64 results equal it bit for bit;
 * F32 uses {@code Math.fma} in float, which rounds once per product instead of the interpreter's
 * double sum rounded at the end. Products of at most {@link LoopMatmul#UNROLL} multiply-adds are
 * left to {@link LoopMatmul}'s unrolled form.
 *
 * <p>With {@code rowsPerPass} R of 2 or 4 each pass computes R result rows from the same rows of
 * op(B) ({@code termsPerPass} of them), read once into locals ({@code b0…}) and used by every
 * row's chain: 1/R of the loads of op(B) per multiply-add. C2 vectorises such a loop only when it
 * unrolls it, which it does only for a small body: JDK 17's leaves four rows of four terms scalar
 * and vectorises four rows of two; Temurin 25's vectorises four rows of four, faster there than
 * four of two ({@link #termsPerPassForThisJvm}). So the kernel takes 4 rows on every JVM, of four
 * terms on Java 25 and later and of two before, unless {@code -Dcortado.rowsPerPass} and {@code
 * -Dcortado.termsPerPass} say otherwise. A count of result rows that R does not
 * divide takes the largest of 4, 2, 1 that does. The choice made for this JVM leaves products under
 * {@link #SEVERAL_ROWS_FROM} multiply-adds at one row (their time is small, and the longer source
 * costs javac time on a cold start); a count asked for (the property or the constructor) applies to
 * every product. Each element is the same chain in the same order either way: results are
 * bit-identical.
 */
public final class BlockedMatmul implements MatmulKernel {
  /** Rows of op(B) applied per pass of the vector loop (4 was fastest for one result row; 8 fell to a third). */
  static final int GROUP = 4;
  /** Bytes of op(B) per block of the sum: L1. */
  static final int BLOCK_BYTES = 32 * 1024;
  /** Blocking needs an accumulator row per result row; it is skipped when those exceed this. */
  static final int ACC_LIMIT_BYTES = 256 * 1024;

  /** The system property that overrides the result rows per pass the kernel picks for this JVM. */
  public static final String ROWS_PER_PASS_PROPERTY = "cortado.rowsPerPass";

  /** The system property that overrides the terms per pass of several rows the kernel picks for this JVM. */
  public static final String TERMS_PER_PASS_PROPERTY = "cortado.termsPerPass";

  /**
   * Multiply-adds from which the choice made for this JVM takes several rows per pass: the
   * MNIST-sized model's 128×10 layer (82K) stays at one row, its 784×256 and 256×128 ones (2–13M)
   * and the small model's 64×128 one (262K at batch 32) do not.
   */
  public static final long SEVERAL_ROWS_FROM = 1 << 17;

  private final LoopMatmul reference = new LoopMatmul();
  private final int rowsPerPass;
  private final int termsPerPass;
  private final long severalRowsFrom;

  /**
   * The kernel with the result rows per pass that suit this JVM ({@link #rowsPerPassForThisJvm()}),
   * for products of at least {@link #SEVERAL_ROWS_FROM} multiply-adds; with {@code
   * -Dcortado.rowsPerPass} set, that count for every product.
   */
  public BlockedMatmul() {
    this(System.getProperty(ROWS_PER_PASS_PROPERTY));
  }

  /** The kernel for a {@code -Dcortado.rowsPerPass} value ({@code asked}), null or blank when unset. */
  private BlockedMatmul(String asked) {
    this(rowsPerPass(asked), asked == null || asked.isBlank() ? SEVERAL_ROWS_FROM : 0);
  }

  /**
   * The kernel computing up to {@code rowsPerPass} result rows per pass in every product, with the
   * terms per pass that suit this JVM ({@link #termsPerPassForThisJvm()}).
   *
   * @param rowsPerPass 1, 2 or 4
   * @throws IllegalArgumentException naming the value otherwise
   */
  public BlockedMatmul(int rowsPerPass) {
    this(rowsPerPass, 0);
  }

  /**
   * As {@link #BlockedMatmul(int, int, long)} with the terms per pass that suit this JVM
   * ({@link #termsPerPassForThisJvm()}).
   *
   * @param rowsPerPass 1, 2 or 4
   * @param severalRowsFrom the least multiply-adds of a product computed several rows a pass
   * @throws IllegalArgumentException naming the value unless rowsPerPass is 1, 2 or 4 and
   *     severalRowsFrom is not negative
   */
  public BlockedMatmul(int rowsPerPass, long severalRowsFrom) {
    this(rowsPerPass, termsPerPassForThisJvm(), severalRowsFrom);
  }

  /**
   * The kernel computing up to {@code rowsPerPass} result rows per pass over op(B)'s rows (1, or
   * 2 or 4 for a JIT that vectorises a loop storing to several arrays) in products of at least
   * {@code severalRowsFrom} multiply-adds, one row in smaller ones; a pass of several rows sums
   * {@code termsPerPass} terms (2 or 4; a pass of one row sums {@value #GROUP}).
   *
   * @param rowsPerPass 1, 2 or 4
   * @param termsPerPass 2 or 4
   * @param severalRowsFrom the least multiply-adds of a product computed several rows a pass
   * @throws IllegalArgumentException naming the value unless rowsPerPass is 1, 2 or 4,
   *     termsPerPass 2 or 4 and severalRowsFrom not negative
   */
  public BlockedMatmul(int rowsPerPass, int termsPerPass, long severalRowsFrom) {
    if (rowsPerPass != 1 && rowsPerPass != 2 && rowsPerPass != 4) {
      throw new IllegalArgumentException("rowsPerPass must be 1, 2 or 4, got " + rowsPerPass);
    }
    if (termsPerPass != 2 && termsPerPass != 4) {
      throw new IllegalArgumentException("termsPerPass must be 2 or 4, got " + termsPerPass);
    }
    if (severalRowsFrom < 0) {
      throw new IllegalArgumentException("severalRowsFrom must not be negative, got " + severalRowsFrom);
    }
    this.rowsPerPass = rowsPerPass;
    this.termsPerPass = termsPerPass;
    this.severalRowsFrom = severalRowsFrom;
  }

  /**
   * {@code -Dcortado.rowsPerPass} (1, 2 or 4) if set, else 4: on Java 25 and later with four
   * terms per pass, before with two ({@link #termsPerPassForThisJvm()}).
   *
   * @return 1, 2 or 4
   * @throws IllegalArgumentException naming the property and its value when it is not 1, 2 or 4
   */
  public static int rowsPerPassForThisJvm() {
    return rowsPerPass(System.getProperty(ROWS_PER_PASS_PROPERTY));
  }

  private static int rowsPerPass(String v) {
    if (v == null || v.isBlank()) {
      return 4;
    }
    return switch (v.trim()) {
      case "1" -> 1;
      case "2" -> 2;
      case "4" -> 4;
      default -> throw new IllegalArgumentException("-D" + ROWS_PER_PASS_PROPERTY + "=" + v + ": expected 1, 2 or 4");
    };
  }

  /**
   * {@code -Dcortado.termsPerPass} (2 or 4) if set, else 4 on Java 25 and later and 2 before: C2
   * vectorises a loop only when it unrolls it, and it unrolls only a small body. JDK 17's leaves
   * four rows of four terms scalar (the MNIST-sized forward product at 16.5 GFLOP/s here, {@code
   * bench}'s {@code MatmulKernelBench}, against 70 for one row of four terms) and vectorises four
   * rows of two (93); Temurin 25.0.3's vectorises four rows of four (112), faster there than four
   * of two. Set it to 2 when generating source on Java 25 or later for an application run on an
   * older JDK.
   *
   * @return 2 or 4
   * @throws IllegalArgumentException naming the property and its value when it is not 2 or 4
   */
  public static int termsPerPassForThisJvm() {
    String v = System.getProperty(TERMS_PER_PASS_PROPERTY);
    if (v == null || v.isBlank()) {
      return Runtime.version().feature() >= 25 ? 4 : 2;
    }
    return switch (v.trim()) {
      case "2" -> 2;
      case "4" -> 4;
      default -> throw new IllegalArgumentException("-D" + TERMS_PER_PASS_PROPERTY + "=" + v + ": expected 2 or 4");
    };
  }

  /**
   * Result rows computed per pass over op(B)'s rows, at most.
   *
   * @return 1, 2 or 4
   */
  public int rowsPerPass() {
    return rowsPerPass;
  }

  /**
   * One row per pass when this kernel computes several (the same sums in the same order, in a
   * shorter source that javac compiles sooner); null when it computes one.
   *
   * @return the one-row kernel, or null
   */
  @Override
  public MatmulKernel quickStart() {
    return rowsPerPass == 1 ? null : new BlockedMatmul(1);
  }

  @Override
  public String key() {
    return MatmulKernel.super.key() + "/" + rowsPerPass
        + (rowsPerPass == 1 ? "" : "x" + termsPerPass + "/" + severalRowsFrom);
  }

  @Override
  public void emit(Call c, BlockStmt into) {
    if ((long) c.m() * c.n() * c.k() <= LoopMatmul.UNROLL) {
      reference.emit(c, into);
      return;
    }
    RowForm f = new RowForm(c, c.n() < LoopMatmul.NARROW && c.m() > c.n());
    String rs = c.scratch().rows("rows", c.k(), f.len());
    into.addStatement(f.copyRight(rs));
    int r = perPass(f);
    BlockedPasses.rows(f, rs, J.intLit(0), J.intLit(f.outer()), r, terms(r), into);
  }

  /**
   * Cut over result rows when the product is computed by rows (a narrow result, computed by
   * columns, and an unrolled one stay whole): op(B) is copied into the shared rows, then each
   * thread computes its result rows exactly as {@link #emit} does.
   */
  @Override
  public Split split(Call c) {
    if ((long) c.m() * c.n() * c.k() <= LoopMatmul.UNROLL || (c.n() < LoopMatmul.NARROW && c.m() > c.n())) {
      return null;
    }
    RowForm f = new RowForm(c, false);
    String rs = c.scratch().rows("rows", c.k(), f.len());
    int r = perPass(f);
    return Split.of(c.k(), f.len(), (from, to, into) -> into.addStatement(f.copyRight(rs, from, to)), f.outer(),
        r, (from, to, own, into) -> BlockedPasses.rows(new RowForm(c.withScratch(own), false), rs, from, to, r, terms(r),
            into));
  }

  /**
   * Result rows per pass for this form: 1 for a product under {@code severalRowsFrom}
   * multiply-adds, else the largest of {@link #rowsPerPass}, 2, 1 that divides their count (so
   * every thread's range, aligned to it, holds whole passes).
   */
  private int perPass(RowForm f) {
    if ((long) f.c().m() * f.c().n() * f.c().k() < severalRowsFrom) {
      return 1;
    }
    int r = rowsPerPass;
    while (f.outer() % r != 0) {
      r /= 2;
    }
    return r;
  }

  /** Terms of the sum per pass of {@code r} result rows: {@value #GROUP} for one, else {@link #termsPerPass}. */
  private int terms(int r) {
    return r == 1 ? GROUP : termsPerPass;
  }
}
