package dev.cortado.codegen;

import dev.cortado.codegen.emit.JavaText;
import dev.cortado.codegen.pass.Passes.Entry;
import dev.cortado.ir.Graph;
import dev.cortado.runtime.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes what each step produced when {@code -Dcortado.dump=DIR} is set: the IR after every pass
 * ({@code DIR/<model>/b32-train-03-fold.ir}), the plan and the generated source, each written
 * atomically. Does nothing without a directory. Every file is directly in {@code DIR/<model>}: the
 * model's directory is named by the identifier mangler and each file name is checked after
 * normalizing, so no name leads outside.
 */
public final class Dump {
  private final Path dir;
  private int counter;

  /**
   * Dumps of {@code model} into {@code root}'s subdirectory named {@link JavaText#identifier} of
   * the model's name (letters, digits and {@code _} only, so never {@code ..} or a path).
   *
   * @param root the dump directory, or null for a dump that writes nothing
   * @param model the model's name
   */
  public Dump(Path root, String model) {
    this.dir = root == null ? null : inside(root.toAbsolutePath().normalize(), JavaText.identifier(model));
  }

  /**
   * {@code dir/name} if that is a file directly in {@code dir}.
   *
   * @throws IllegalArgumentException naming the name and the directory otherwise
   */
  static Path inside(Path dir, String name) {
    Path p = dir.resolve(name).normalize();
    if (name.isEmpty() || !dir.equals(p.getParent())) {
      throw new IllegalArgumentException("dump file " + JavaText.quoted(name) + " would not be directly in " + dir);
    }
    return p;
  }

  /**
   * A dump that writes nothing.
   *
   * @return the dump
   */
  public static Dump none() {
    return new Dump(null, "");
  }

  void ir(int batch, Entry entry, String pass, Graph g) {
    text(batch, entry, pass, g);
  }

  /** Writes {@code what.toString()}, computed only when dumping (a graph's or a plan's text is not cheap). */
  void text(int batch, Entry entry, String step, Object what) {
    if (dir != null) {
      String ext = step.equals("plan") ? ".txt" : ".ir";
      write(String.format("b%d-%s-%02d-%s%s", batch, entry.name().toLowerCase(), counter++, step, ext), what.toString());
    }
  }

  void source(String cls, String src) {
    if (dir != null) {
      write(cls + ".java", src);
    }
  }

  private void write(String name, String text) {
    try {
      Path file = inside(dir, name);
      Files.createDirectories(dir);
      AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write dump " + dir.resolve(name), e);
    }
  }
}
