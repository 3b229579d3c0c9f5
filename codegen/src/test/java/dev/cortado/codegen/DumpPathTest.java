package dev.cortado.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -Dcortado.dump=DIR} writes nothing outside {@code DIR}, whatever the model is named. */
class DumpPathTest {
  @Test
  void aModelNameNeverLeadsOutOfTheDumpDirectory(@TempDir Path tmp) throws Exception {
    Path root = Files.createDirectory(tmp.resolve("dump"));
    for (String name : List.of("..", "../../evil", "/etc/evil", "a/../../b", ".", "", "C:\\\\x", "~")) {
      Dump d = new Dump(root, name);
      d.source("Cls", "class Cls {}");
      try (var all = Files.walk(tmp)) {
        all.filter(Files::isRegularFile).forEach(f -> assertTrue(f.startsWith(root), name + " wrote " + f));
      }
    }
    try (var dirs = Files.list(root)) {
      assertTrue(dirs.allMatch(p -> p.getFileName().toString().matches("[A-Za-z0-9_]+")));
    }
  }

  @Test
  void aFileNameLeadingElsewhereIsRefusedNamingIt(@TempDir Path root) {
    for (String bad : List.of("../x", "..", "a/b", "", "/x")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dump.inside(root, bad), bad);
      assertTrue(e.getMessage().startsWith("dump file \""), e.getMessage());
    }
    assertEquals(root.resolve("b1.ir"), Dump.inside(root, "b1.ir"));
  }
}
