package dev.cortado.maven;

import dev.cortado.runtime.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the last successful run read and wrote, kept in a small text file under {@code target}:
 *
 * <pre>
 * cortado-maven-plugin state 1
 * fingerprint &lt;sha-256 of the inputs&gt;
 * output &lt;sha-256 of the file&gt; &lt;absolute path&gt;
 * ...
 * </pre>
 *
 * A run is up to date when the fingerprint is equal and every output still exists with the
 * recorded hash (so a deleted or hand-edited generated file is regenerated). A missing or
 * unreadable state file means "regenerate".
 */
record BuildState(String fingerprint, Map<Path, String> outputs) {
  private static final String HEADER = "cortado-maven-plugin state 1";

  BuildState {
    outputs = Map.copyOf(outputs);
  }

  /** The recorded state, or null if there is none or it cannot be parsed. */
  static BuildState read(Path file) {
    List<String> lines;
    try {
      if (!Files.isRegularFile(file)) {
        return null;
      }
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
    if (lines.size() < 2 || !lines.get(0).equals(HEADER) || !lines.get(1).startsWith("fingerprint ")) {
      return null;
    }
    Map<Path, String> outputs = new LinkedHashMap<>();
    for (String line : lines.subList(2, lines.size())) {
      String[] parts = line.split(" ", 3);
      if (parts.length != 3 || !parts[0].equals("output")) {
        return null;
      }
      outputs.put(Path.of(parts[2]), parts[1]);
    }
    return new BuildState(lines.get(1).substring("fingerprint ".length()), outputs);
  }

  /** Hashes the given outputs and records them with the fingerprint. */
  static BuildState of(String fingerprint, List<Path> outputs) throws IOException {
    Map<Path, String> hashes = new LinkedHashMap<>();
    for (Path p : outputs) {
      hashes.put(p.toAbsolutePath().normalize(), Fingerprint.ofFile(p));
    }
    return new BuildState(fingerprint, hashes);
  }

  /** True if every recorded output exists with its recorded content. */
  boolean outputsIntact() {
    for (Map.Entry<Path, String> e : outputs.entrySet()) {
      try {
        if (!Files.isRegularFile(e.getKey()) || !Fingerprint.ofFile(e.getKey()).equals(e.getValue())) {
          return false;
        }
      } catch (IOException ex) {
        return false;
      }
    }
    return true;
  }

  void write(Path file) throws IOException {
    StringBuilder s = new StringBuilder(HEADER).append('\n');
    s.append("fingerprint ").append(fingerprint).append('\n');
    outputs.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> s.append("output ").append(e.getValue()).append(' ').append(e.getKey()).append('\n'));
    AtomicFiles.write(file, s.toString().getBytes(StandardCharsets.UTF_8));
  }
}
