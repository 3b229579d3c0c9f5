package dev.cortado.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareJarsTest {
  @Test
  void aMissingJarIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CompareJars.main(new String[] {"--model", "tiny", "no-such.jar", "other.jar"}));
    assertTrue(e.getMessage().contains("no-such.jar"), e.getMessage());
  }

  @Test
  void oneJarIsNotAComparison(@TempDir Path dir) throws Exception {
    Path jar = Files.createFile(dir.resolve("a.jar"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CompareJars.main(new String[] {"--model", "tiny", jar.toString()}));
    assertTrue(e.getMessage().contains("1 jar(s)"), e.getMessage());
  }

  @Test
  void anOptionWithoutItsValueIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CompareJars.main(new String[] {"--rounds"}));
    assertTrue(e.getMessage().contains("--rounds"), e.getMessage());
  }
}
