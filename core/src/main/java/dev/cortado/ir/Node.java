package dev.cortado.ir;

import dev.cortado.op.Op;
import java.util.List;

/**
 * One immutable value in the dataflow graph: an op applied to earlier nodes. Nodes compare by
 * identity; {@link #id} is the node's index in its graph, so inputs always have smaller ids.
 * Leaves ({@code INPUT}, {@code VARIABLE}, {@code HYPER}) carry their public name in {@link #name}.
 */
public final class Node {
  private final int id;
  private final Op op;
  private final List<Node> inputs;
  private final Shape shape;
  private final DType dtype;
  private final Attrs attrs;
  private final String name;

  Node(int id, Op op, List<Node> inputs, Shape shape, DType dtype, Attrs attrs, String name) {
    this.id = id;
    this.op = op;
    this.inputs = List.copyOf(inputs);
    this.shape = shape;
    this.dtype = dtype;
    this.attrs = attrs;
    this.name = name;
  }

  /**
   * The node's position in its graph's {@link Graph#nodes()}.
   *
   * @return the id
   */
  public int id() {
    return id;
  }

  /**
   * The operation.
   *
   * @return the op
   */
  public Op op() {
    return op;
  }

  /**
   * The operands, in order.
   *
   * @return an unmodifiable list
   */
  public List<Node> inputs() {
    return inputs;
  }

  /**
   * One operand.
   *
   * @param i its position
   * @return the operand
   */
  public Node input(int i) {
    return inputs.get(i);
  }

  /**
   * The shape its op's rule gave.
   *
   * @return the shape
   */
  public Shape shape() {
    return shape;
  }

  /**
   * The element type, the graph's.
   *
   * @return the dtype
   */
  public DType dtype() {
    return dtype;
  }

  /**
   * The attributes besides the operands.
   *
   * @return the attributes
   */
  public Attrs attrs() {
    return attrs;
  }

  /**
   * The node's name: the public name of a leaf, or a readable label such as {@code fc1/matmul}.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /** Prints as {@code %12 fc1/matmul = MATMUL(%3, %7) [BATCH, 16]}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("%").append(id).append(' ').append(name).append(" = ");
    sb.append(op).append('(');
    for (int i = 0; i < inputs.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append('%').append(inputs.get(i).id);
    }
    return sb.append(')').append(attrs.describe()).append(' ').append(shape).toString();
  }
}
