package dev.cortado.dsl;

import dev.cortado.ir.Attrs;
import dev.cortado.ir.Role;
import dev.cortado.op.Op;
import java.util.Objects;

/**
 * The options of an embedding, as Keras's {@code Embedding(vocab, dim)} and PyTorch's
 * {@code nn.Embedding(vocab, dim)} with {@code sparse=False}:
 *
 * <pre>  out[..., :] = embeddings[ids[...], :]      shape ids.shape + [dim]</pre>
 *
 * {@code embeddings: [vocab, dim]} (uniform(-0.05, 0.05), as Keras) lives in a scope of the
 * layer's name with role {@link Role#EMBEDDING}. {@code ids} is a model input fed in the ordinary
 * {@code double[]}/{@code float[]} arrays; every value must be a whole number in {@code [0, vocab)},
 * checked before a step runs (an {@link IllegalArgumentException} naming the input, the position
 * and the value; the model is unchanged). The gradient is dense: the rows of the output's gradient
 * are added into a zero table at their ids (rows never picked get exactly 0, and still decay).
 */
public final class Embedding {
  Initializer initializer = Initializers.uniform(-0.05, 0.05);
  Regularizer embeddingsRegularizer;
  boolean trainable = true;

  Embedding() {}

  /**
   * The table's initializer; uniform(-0.05, 0.05) by default.
   *
   * @param i the initializer of {@code [vocab, dim]}
   * @return these options
   */
  public Embedding embeddingsInitializer(Initializer i) {
    this.initializer = Objects.requireNonNull(i, "embeddingsInitializer");
    return this;
  }

  /**
   * A penalty on the table, added to {@code REGULARIZATION_LOSSES} (none by default).
   *
   * @param r the regularizer
   * @return these options
   */
  public Embedding embeddingsRegularizer(Regularizer r) {
    this.embeddingsRegularizer = Objects.requireNonNull(r, "embeddingsRegularizer");
    return this;
  }

  /**
   * False freezes the table (pretrained embeddings).
   *
   * @param t whether the table is trained (default true)
   * @return these options
   */
  public Embedding trainable(boolean t) {
    this.trainable = t;
    return this;
  }

  Tensor build(ModelBuilder m, String name, Tensor ids, int vocab, int dim) {
    Objects.requireNonNull(ids, "embedding '" + name + "': ids");
    if (ids.node().op() != Op.INPUT) {
      throw new IllegalArgumentException("embedding '" + name + "' reads its ids straight from a model input (so they"
          + " are checked before a step runs); " + ids + " is computed");
    }
    if (vocab < 1 || dim < 1) {
      throw new IllegalArgumentException("embedding '" + name + "' needs vocab and dim of at least 1, got " + vocab
          + " and " + dim);
    }
    return m.scoped(name, () -> {
      Variable table = m.variable("embeddings").shape(vocab, dim).initializer(initializer).trainable(trainable)
          .role(Role.EMBEDDING);
      if (embeddingsRegularizer != null) {
        table.regularizer(embeddingsRegularizer);
      }
      return ids.op(Op.GATHER, Attrs.NONE, ids, table);
    });
  }
}
