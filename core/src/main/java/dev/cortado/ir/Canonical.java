package dev.cortado.ir;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * A SHA-256 over a complete, unambiguous encoding of values, used as the key of anything derived
 * from a graph (its generated source, its cached classes). Every value is written with its length
 * or width, so two different sequences never encode alike; doubles are written as their exact bit
 * patterns ({@code 0.0} and {@code -0.0} differ, as do NaN payloads); a graph is written whole:
 * its name and dtype, every node's op, inputs, shape, dtype, every attribute and name, and every
 * role (inputs, variables with role and trainability, hyperparameters, outputs, losses,
 * gradients, updates) in order. A graph's printed text is not a key: it leaves out what reads
 * alike ({@code -0.0} prints as no value at all).
 */
public final class Canonical {
  private final MessageDigest sha;
  private final byte[] word = new byte[8];

  /**
   * An encoding that starts with {@code kind}, naming what is keyed and the encoding's version.
   *
   * @param kind what is keyed, with a version, e.g. {@code "cortado-source-key-1"}
   */
  public Canonical(String kind) {
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
    text(kind);
  }

  /**
   * Adds {@code s} (null allowed, distinct from every string).
   *
   * @param s the string, or null
   * @return this encoding
   */
  public Canonical text(String s) {
    if (s == null) {
      return integer(-1);
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    integer(b.length);
    sha.update(b);
    return this;
  }

  /**
   * Adds {@code v} as 8 bytes.
   *
   * @param v the value
   * @return this encoding
   */
  public Canonical integer(long v) {
    for (int i = 0; i < 8; i++) {
      word[i] = (byte) (v >>> (56 - 8 * i));
    }
    sha.update(word);
    return this;
  }

  /**
   * Adds the exact bits of {@code v}.
   *
   * @param v the value
   * @return this encoding
   */
  public Canonical real(double v) {
    return integer(Double.doubleToRawLongBits(v));
  }

  /**
   * Adds {@code b} as one byte.
   *
   * @param b the flag
   * @return this encoding
   */
  public Canonical flag(boolean b) {
    return integer(b ? 1 : 0);
  }

  /**
   * Adds {@code s}'s rank and dimensions ({@link Shape#BATCH} included); null allowed.
   *
   * @param s the shape, or null
   * @return this encoding
   */
  public Canonical shape(Shape s) {
    if (s == null) {
      return integer(-1);
    }
    integer(s.rank());
    for (int d : s.dims()) {
      integer(d);
    }
    return this;
  }

  /**
   * Adds the length and every element of {@code v}; null (length -1) differs from empty.
   *
   * @param v the array, or null
   * @return this encoding
   */
  public Canonical ints(int[] v) {
    if (v == null) {
      return integer(-1);
    }
    integer(v.length);
    for (int x : v) {
      integer(x);
    }
    return this;
  }

  /**
   * Adds all of {@code g} (see the class).
   *
   * @param g the graph
   * @return this encoding
   */
  public Canonical graph(Graph g) {
    text("graph").text(g.name()).text(g.dtype().name()).integer(g.nodes().size());
    for (Node n : g.nodes()) {
      text(n.op().name()).integer(n.id()).integer(n.inputs().size());
      for (Node in : n.inputs()) {
        integer(in.id());
      }
      shape(n.shape()).text(n.dtype() == null ? null : n.dtype().name()).text(n.name());
      Attrs a = n.attrs();
      integer(a.axis()).real(a.value()).shape(a.shape()).flag(a.transA()).flag(a.transB()).integer(a.seed());
      ints(a.ints());
    }
    role("inputs", g.inputs());
    text("variables").integer(g.variables().size());
    for (VariableInfo v : g.variables().values()) {
      text(v.name()).integer(v.node().id()).text(v.role().name()).flag(v.trainable());
    }
    role("hypers", g.hypers());
    role("outputs", g.outputs());
    role("losses", g.losses());
    role("gradients", g.gradients());
    return role("updates", g.updates());
  }

  private Canonical role(String title, Map<String, Node> role) {
    text(title).integer(role.size());
    role.forEach((k, n) -> text(k).integer(n.id()));
    return this;
  }

  /**
   * The SHA-256 of everything added, in hex; the encoding cannot be added to afterwards.
   *
   * @return 64 hex digits
   */
  public String hex() {
    return HexFormat.of().formatHex(sha.digest());
  }
}
