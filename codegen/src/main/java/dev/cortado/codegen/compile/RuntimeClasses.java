package dev.cortado.codegen.compile;

import dev.cortado.runtime.CompiledModel;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;

/**
 * The classes of {@code dev.cortado.runtime} that generated code refers to (with every type
 * their signatures name), read through the class loader rather than from a file on a class
 * path: javac finds them wherever the package lives (a directory, a fat jar's nested jar, a
 * custom loader) without opening anything else.
 */
final class RuntimeClasses {
  static final String PACKAGE = "dev.cortado.runtime";
  private static final List<String> NAMES = List.of("Executable", "CompiledModel", "ModelSpec", "ModelSpec$Builder",
      "ModelState", "ModelState$Specializer", "Rng", "Gates");

  private RuntimeClasses() {}

  /** A class file served from the class loader. */
  static final class Loaded extends SimpleJavaFileObject {
    final String binaryName;

    Loaded(String simple) {
      super(URI.create("loader:///" + PACKAGE.replace('.', '/') + "/" + simple + Kind.CLASS.extension), Kind.CLASS);
      this.binaryName = PACKAGE + "." + simple;
    }

    @Override
    public InputStream openInputStream() throws IOException {
      InputStream in = CompiledModel.class.getResourceAsStream(binaryName.substring(PACKAGE.length() + 1) + ".class");
      if (in == null) {
        throw new IOException("class loader has no " + binaryName);
      }
      return in;
    }
  }

  /** Every runtime class generated code may name, as class files. */
  static List<JavaFileObject> all() {
    List<JavaFileObject> out = new ArrayList<>();
    for (String n : NAMES) {
      out.add(new Loaded(n));
    }
    return out;
  }
}
