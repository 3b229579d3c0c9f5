package dev.cortado.train;

import static dev.cortado.dsl.Cortado.adamW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.data.Batch;
import dev.cortado.data.Batches;
import dev.cortado.data.Dataset;
import dev.cortado.runtime.Checkpoint;
import dev.cortado.runtime.Executable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints of the reference interpreter resume training exactly. */
class CheckpointOnInterpreterTest {

  @TempDir Path dir;

  private static Map<String, double[]> feed(Batch b) {
    return Map.of("x", b.features(), "y", b.targets());
  }

  private void resumesExactly(double dropout) throws IOException {
    Dataset data = Fixtures.blobs(40, 8);
    Executable original = Fixtures.classifier(dropout).interpret(adamW(0.01));
    Batch[] batches = new Batch[4];
    int i = 0;
    for (Batch b : Batches.of(data, 10).shuffle(1).epoch(0)) {
      batches[i++] = b;
    }
    for (int s = 0; s < 3; s++) {
      original.trainStep(feed(batches[s]));
    }
    Path file = dir.resolve("blobs-" + dropout + ".safetensors");
    original.setHyperparameter("lr_multiplier", 0.5);
    Checkpoint.save(original, file);

    Executable restored = Fixtures.classifier(dropout).interpret(adamW(0.01));
    Checkpoint.load(restored, file);
    for (String p : original.parameterNames()) {
      assertArrayEquals(original.parameter(p), restored.parameter(p), 0.0, p);
    }
    assertTrue(original.stateNames().size() > 4, "AdamW moments and step");
    for (String s : original.stateNames()) {
      assertArrayEquals(original.state(s), restored.state(s), 0.0, s);
    }
    assertEquals(0.5, restored.hyperparameter("lr_multiplier"));
    assertEquals(original.trainStep(feed(batches[3])), restored.trainStep(feed(batches[3])), 0.0);
    for (String p : original.parameterNames()) {
      assertArrayEquals(original.parameter(p), restored.parameter(p), 0.0, p);
    }
  }

  @Test
  void withoutDropout() throws IOException {
    resumesExactly(0);
  }

  @Test
  void withDropout() throws IOException {
    resumesExactly(0.3);
  }
}
