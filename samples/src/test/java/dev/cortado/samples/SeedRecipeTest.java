package dev.cortado.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SeedRecipeTest {
  @Test
  void decayShrinksTheWeightsAndTheModelStillLearns() throws Exception {
    SeedRecipe.Result decayed = SeedRecipe.run(0.05, 60, false);
    SeedRecipe.Result plain = SeedRecipe.run(0.0, 60, false);
    assertTrue(decayed.weightNorm() < 0.95 * plain.weightNorm(),
        "decayed " + decayed.weightNorm() + " vs plain " + plain.weightNorm());
    assertTrue(decayed.testAccuracy() > 0.9, "accuracy " + decayed.testAccuracy());
    assertEquals(List.of("loss", "data_loss", "regularization/hidden/weights", "regularization/logits/weights"),
        List.copyOf(decayed.lastLosses().keySet()));
  }
}
