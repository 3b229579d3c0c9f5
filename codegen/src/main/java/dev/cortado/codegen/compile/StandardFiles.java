package dev.cortado.codegen.compile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;

/**
 * javac's standard file manager, one kept for every compile of the JVM that finds it free, as
 * {@link JavaCompiler} allows: it keeps what it learned of the JDK's modules (opening the runtime
 * image and reading which module holds which package), so that a compile after the background
 * warm-up ({@link WarmUp}) does not do that again. A compile that finds it in use by another
 * thread (several models compiled at once) makes one of its own, as every compile did before.
 */
final class StandardFiles {
  private static final ReentrantLock LOCK = new ReentrantLock();
  private static StandardJavaFileManager shared;

  private final StandardJavaFileManager files;
  private final boolean own;

  private StandardFiles(StandardJavaFileManager files, boolean own) {
    this.files = files;
    this.own = own;
  }

  /** The shared file manager if no other compile holds it, else a new one; {@link #release} it after the compile. */
  static StandardFiles take(JavaCompiler javac) {
    if (LOCK.tryLock()) {
      try {
        if (shared == null) {
          shared = create(javac);
        }
        return new StandardFiles(shared, false);
      } catch (RuntimeException | Error e) {
        LOCK.unlock();
        throw e;
      }
    }
    return new StandardFiles(create(javac), true);
  }

  /** The file manager to compile with. */
  StandardJavaFileManager files() {
    return files;
  }

  /** Ends the compile's use: frees the shared file manager for the next compile, or closes one made for this one. */
  void release() {
    if (!own) {
      LOCK.unlock();
      return;
    }
    try {
      files.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static StandardJavaFileManager create(JavaCompiler javac) {
    StandardJavaFileManager std = javac.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
    try {
      // no class path at all: generated code needs only java.base and dev.cortado.runtime, which the compiler's
      // file manager serves from the class loader; a fat jar or a long test class path would otherwise be opened
      // and indexed
      std.setLocation(StandardLocation.CLASS_PATH, List.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return std;
  }
}
