package dev.cortado.dsl;

import dev.cortado.ir.Attrs;
import dev.cortado.ir.DType;
import dev.cortado.ir.Node;
import dev.cortado.ir.Shape;
import dev.cortado.op.Op;
import java.util.Objects;

/**
 * A symbolic tensor of a model under definition: a node of the IR with fluent ops. Every op checks
 * shapes at once and names the op, the shapes and the variables involved. Binary ops broadcast as
 * numpy does and also take a {@code double}.
 */
public class Tensor {
  final ModelBuilder model;
  private final Node node;

  Tensor(ModelBuilder model, Node node) {
    this.model = model;
    this.node = node;
  }

  /**
   * The IR node this tensor reads (for a variable under a custom getter, the getter's result).
   *
   * @return the node, for code that works on the graph
   */
  public Node node() {
    return node;
  }

  /**
   * The batch-symbolic shape.
   *
   * @return the shape, {@code BATCH} where the batch size goes
   */
  public Shape shape() {
    return node().shape();
  }

  /**
   * The element type, the model's.
   *
   * @return {@code F32} or {@code F64}
   */
  public DType dtype() {
    return node().dtype();
  }

  Tensor op(Op op, Attrs a, Tensor... in) {
    Node[] nodes = new Node[in.length];
    for (int i = 0; i < in.length; i++) {
      Objects.requireNonNull(in[i], op.label() + ": operand " + i);
      if (in[i].model != model) {
        throw new IllegalArgumentException(op.label() + ": operand " + in[i] + " belongs to model '"
            + in[i].model.name() + "', not to model '" + model.name() + "' of " + this);
      }
      nodes[i] = in[i].node();
    }
    return model.wrap(model.graph().apply(op, a, nodes));
  }

  private Tensor c(double v) {
    return model.constant(v);
  }

  /**
   * {@code this + y}.
   *
   * @param y the addend, broadcast against this as numpy does
   * @return the sum, of the broadcast shape
   */
  public Tensor add(Tensor y) {
    return op(Op.ADD, Attrs.NONE, this, y);
  }

  /**
   * {@code this + y}.
   *
   * @param y the scalar added to every element
   * @return the sum, of this shape
   */
  public Tensor add(double y) {
    return add(c(y));
  }

  /**
   * {@code this - y}.
   *
   * @param y the subtrahend, broadcast as numpy does
   * @return the difference, of the broadcast shape
   */
  public Tensor sub(Tensor y) {
    return op(Op.SUB, Attrs.NONE, this, y);
  }

  /**
   * {@code this - y}.
   *
   * @param y the scalar subtracted from every element
   * @return the difference, of this shape
   */
  public Tensor sub(double y) {
    return sub(c(y));
  }

  /**
   * {@code this · y}, elementwise.
   *
   * @param y the factor, broadcast as numpy does
   * @return the product, of the broadcast shape
   */
  public Tensor mul(Tensor y) {
    return op(Op.MUL, Attrs.NONE, this, y);
  }

  /**
   * {@code this · y}.
   *
   * @param y the scalar every element is multiplied by
   * @return the product, of this shape
   */
  public Tensor mul(double y) {
    return mul(c(y));
  }

  /**
   * {@code this / y}, elementwise.
   *
   * @param y the divisor, broadcast as numpy does
   * @return the quotient, of the broadcast shape
   */
  public Tensor div(Tensor y) {
    return op(Op.DIV, Attrs.NONE, this, y);
  }

  /**
   * {@code this / y}.
   *
   * @param y the scalar every element is divided by
   * @return the quotient, of this shape
   */
  public Tensor div(double y) {
    return div(c(y));
  }

  /**
   * {@code this ^ y}, elementwise.
   *
   * @param y the exponent, broadcast as numpy does
   * @return the power, of the broadcast shape
   */
  public Tensor pow(Tensor y) {
    return op(Op.POW, Attrs.NONE, this, y);
  }

  /**
   * {@code this ^ y}, elementwise.
   *
   * @param y the exponent of every element
   * @return the power, of this shape
   */
  public Tensor pow(double y) {
    return pow(c(y));
  }

  /**
   * {@code max(this, y)}, elementwise.
   *
   * @param y the other operand, broadcast as numpy does; where equal, the gradient goes to this
   * @return the larger of each pair
   */
  public Tensor maximum(Tensor y) {
    return op(Op.MAXIMUM, Attrs.NONE, this, y);
  }

  /**
   * {@code max(this, y)}, elementwise.
   *
   * @param y the floor
   * @return this, clipped below at {@code y}
   */
  public Tensor maximum(double y) {
    return maximum(c(y));
  }

  /**
   * {@code min(this, y)}, elementwise.
   *
   * @param y the other operand, broadcast as numpy does
   * @return the smaller of each pair
   */
  public Tensor minimum(Tensor y) {
    return op(Op.MINIMUM, Attrs.NONE, this, y);
  }

  /**
   * {@code min(this, y)}, elementwise.
   *
   * @param y the ceiling
   * @return this, clipped above at {@code y}
   */
  public Tensor minimum(double y) {
    return minimum(c(y));
  }

  /**
   * {@code -this}.
   *
   * @return {@code -x}, of this shape
   */
  public Tensor neg() {
    return op(Op.NEG, Attrs.NONE, this);
  }

  /**
   * The matrix product {@code this · y}: {@code [m,k]·[k,n] → [m,n]}; a tensor of higher rank is
   * multiplied along its last axis, {@code [..., k]·[k,n] → [..., n]}; two tensors of rank 3 are a
   * batched product, {@code [B, n, k]·[B, k, m] → [B, n, m]} (one product per index of axis 0).
   *
   * @param y the right operand
   * @return the product, shaped as above
   * @throws IllegalArgumentException if the inner dimensions differ or the ranks do not fit
   */
  public Tensor matmul(Tensor y) {
    if (shape().rank() == 3 && y.shape().rank() == 3) {
      return op(Op.BATCH_MATMUL, Attrs.matmul(false, false), this, y);
    }
    return op(Op.MATMUL, Attrs.matmul(false, false), this, y);
  }

  /**
   * The indices {@code [from, to)} of one axis, as numpy's {@code x[..., from:to, ...]}; the axis
   * counts the batch as 0 (and the batch axis itself cannot be cut), -1 is the last.
   *
   * @param axis the axis to cut
   * @param from the first index kept
   * @param to one past the last index kept
   * @return the slice, {@code to - from} long on {@code axis}
   */
  public Tensor slice(int axis, int from, int to) {
    int a = axis < 0 ? axis + shape().rank() : axis;
    if (a < 0 || a >= shape().rank()) {
      throw new IllegalArgumentException("slice of " + this + ": axis " + axis + " is out of range");
    }
    return op(Op.SLICE, Attrs.ints(null, a, from, to), this);
  }

  /**
   * The transpose of a 2-D tensor.
   *
   * @return {@code [n, m]} for {@code [m, n]}
   */
  public Tensor transpose() {
    return op(Op.TRANSPOSE, Attrs.NONE, this);
  }

  /**
   * The axes permuted, as numpy's {@code transpose(perm)}: axis i of the result is axis
   * {@code perm[i]} of this tensor. A batch axis stays first ({@code perm[0] == 0}).
   *
   * @param perm a permutation of the axes
   * @return the permuted tensor
   */
  public Tensor transpose(int... perm) {
    if (perm.length == 2 && perm[0] == 1 && perm[1] == 0 && !shape().hasBatch()) {
      return transpose();
    }
    if (shape().rank() > 0 && shape().dim(0) == Shape.BATCH && (perm.length == 0 || perm[0] != 0)) {
      throw new IllegalArgumentException("transpose" + java.util.Arrays.toString(perm) + " of " + this
          + ": the batch axis stays first (perm[0] must be 0)");
    }
    return op(Op.PERMUTE, Attrs.ints(null, perm), this);
  }

  /**
   * The same values in another shape with as many elements; {@code BATCH} keeps the batch
   * dimension.
   *
   * @param dims the new shape, one {@code BATCH} at most
   * @return the same values, row-major, in the new shape
   */
  public Tensor reshape(int... dims) {
    return op(Op.RESHAPE, Attrs.shape(Shape.of(dims)), this);
  }

  /**
   * {@code max(x, 0)}.
   *
   * @return {@code max(x, 0)}, of this shape
   */
  public Tensor relu() {
    return op(Op.RELU, Attrs.NONE, this);
  }

  /**
   * {@code x} where positive, else {@code alpha·x}.
   *
   * @param alpha the slope below 0 (Keras's {@code LeakyReLU(alpha)}, PyTorch's {@code
   *     negative_slope})
   * @return a tensor of this shape
   */
  public Tensor leakyRelu(double alpha) {
    return op(Op.LEAKY_RELU, Attrs.value(alpha), this);
  }

  /**
   * {@code 1 / (1 + e^-x)}.
   *
   * @return σ(x), of this shape
   */
  public Tensor sigmoid() {
    return op(Op.SIGMOID, Attrs.NONE, this);
  }

  /**
   * {@code tanh(x)}, elementwise.
   *
   * @return a tensor of this shape
   */
  public Tensor tanh() {
    return op(Op.TANH, Attrs.NONE, this);
  }

  /**
   * {@code e^x}, elementwise.
   *
   * @return a tensor of this shape
   */
  public Tensor exp() {
    return op(Op.EXP, Attrs.NONE, this);
  }

  /**
   * The natural logarithm.
   *
   * @return {@code ln x}, of this shape (NaN below 0)
   */
  public Tensor log() {
    return op(Op.LOG, Attrs.NONE, this);
  }

  /**
   * {@code √x}, elementwise.
   *
   * @return a tensor of this shape
   */
  public Tensor sqrt() {
    return op(Op.SQRT, Attrs.NONE, this);
  }

  /**
   * {@code x²}, elementwise.
   *
   * @return a tensor of this shape
   */
  public Tensor square() {
    return op(Op.SQUARE, Attrs.NONE, this);
  }

  /**
   * {@code |x|}, elementwise; its gradient at 0 is 0.
   *
   * @return a tensor of this shape
   */
  public Tensor abs() {
    return op(Op.ABS, Attrs.NONE, this);
  }

  /**
   * {@code ln(1 + e^x)}, computed stably.
   *
   * @return a tensor of this shape
   */
  public Tensor softplus() {
    return op(Op.SOFTPLUS, Attrs.NONE, this);
  }

  /**
   * The sum of every element: a scalar.
   *
   * @return the scalar sum
   */
  public Tensor sum() {
    return op(Op.SUM, Attrs.axis(Attrs.ALL), this);
  }

  /**
   * The sum over one axis, which is removed; -1 is the last axis.
   *
   * @param axis the axis summed over
   * @return this shape without {@code axis}
   */
  public Tensor sum(int axis) {
    return model.wrap(model.graph().reduce(Op.SUM, node(), axis));
  }

  /**
   * The mean of every element: a scalar.
   *
   * @return the scalar mean
   */
  public Tensor mean() {
    return op(Op.MEAN, Attrs.axis(Attrs.ALL), this);
  }

  /**
   * The mean over one axis, which is removed.
   *
   * @param axis the axis averaged over, -1 the last
   * @return this shape without {@code axis}
   */
  public Tensor mean(int axis) {
    return model.wrap(model.graph().reduce(Op.MEAN, node(), axis));
  }

  /**
   * The largest element: a scalar.
   *
   * @return the scalar maximum
   */
  public Tensor max() {
    return op(Op.MAX, Attrs.axis(Attrs.ALL), this);
  }

  /**
   * The maximum over one axis, which is removed.
   *
   * @param axis the axis, -1 the last
   * @return this shape without {@code axis}
   */
  public Tensor max(int axis) {
    return model.wrap(model.graph().reduce(Op.MAX, node(), axis));
  }

  /**
   * {@code e^x / Σe^x} along the last axis.
   *
   * @return a tensor of this shape whose rows sum to 1
   */
  public Tensor softmax() {
    return op(Op.SOFTMAX, Attrs.NONE, this);
  }

  /**
   * {@code e^x / Σe^x} along {@code axis} (-1 is the last): the last axis directly, another by
   * moving it last, taking the softmax there and moving it back.
   *
   * @param axis the axis the values sum to 1 along
   * @return a tensor of this shape
   */
  public Tensor softmax(int axis) {
    return alongAxis(axis, Op.SOFTMAX, "softmax");
  }

  /**
   * {@code x - ln Σe^x} along the last axis.
   *
   * @return a tensor of this shape
   */
  public Tensor logSoftmax() {
    return op(Op.LOG_SOFTMAX, Attrs.NONE, this);
  }

  /**
   * {@code x - ln Σe^x} along {@code axis} (-1 is the last), as {@link #softmax(int)}.
   *
   * @param axis the axis of the softmax
   * @return a tensor of this shape
   */
  public Tensor logSoftmax(int axis) {
    return alongAxis(axis, Op.LOG_SOFTMAX, "logSoftmax");
  }

  private Tensor alongAxis(int axis, Op op, String what) {
    int r = shape().rank();
    int a = axis < 0 ? axis + r : axis;
    if (a < 0 || a >= r || shape().dim(a) == Shape.BATCH) {
      throw new IllegalArgumentException(what + "(" + axis + ") of " + this + ": the axis must be in range and not"
          + " the batch axis");
    }
    if (a == r - 1) {
      return op(op, Attrs.NONE, this);
    }
    int[] perm = new int[r];
    for (int i = 0; i < r; i++) {
      perm[i] = i;
    }
    perm[a] = r - 1;
    perm[r - 1] = a;   // a swap is its own inverse
    return op(Op.PERMUTE, Attrs.ints(null, perm), this).op(op, Attrs.NONE).op(Op.PERMUTE, Attrs.ints(null, perm));
  }

  private Tensor op(Op o, Attrs a) {
    return op(o, a, this);
  }

  @Override
  public String toString() {
    Node n = node();
    return "'" + n.name() + "' " + n.shape();
  }
}
