package dev.cortado.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The samples do what their documentation says, on the bundled data. */
class SamplesTest {
  @Test
  void digitsReachTheAdvertisedAccuracyAndWriteTheCurve(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("curve.png");
    DigitsClassifier.Result r = DigitsClassifier.run(100, false, png);
    assertTrue(r.testAccuracy() >= 0.95, "test accuracy " + r.testAccuracy());
    assertTrue(Files.size(png) > 1000, "curve PNG written");
  }

  @Test
  void cnnDigitsBeatTheDenseSample() throws Exception {
    double sum = 0;
    for (long seed : new long[] {1, 2}) {
      CnnDigits.Result r = CnnDigits.run(seed, 100, false);
      assertTrue(r.testAccuracy() >= 0.98, "seed " + seed + ": test accuracy " + r.testAccuracy());
      sum += r.testAccuracy();
    }
    assertTrue(sum / 2 >= 0.985, "mean test accuracy " + sum / 2);
  }

  @Test
  void attentionOverTheDigitsRowsReachesTheAdvertisedAccuracy() throws Exception {
    AttentionDigits.Result r = AttentionDigits.run(42, 60, false);
    assertTrue(r.testAccuracy() >= 0.96, "test accuracy " + r.testAccuracy() + " after " + r.epochs() + " epochs");
  }

  @Test
  void gruDigitsReadRowByRowReachTheAdvertisedAccuracy() throws Exception {
    GruDigits.Result r = GruDigits.run(60, false);
    assertTrue(r.testAccuracy() >= 0.97, "test accuracy " + r.testAccuracy() + " after " + r.epochs() + " epochs");
  }

  @Test
  void irisIsLearned() throws Exception {
    double acc = IrisClassifier.run(false);
    assertTrue(acc >= 0.9, "iris accuracy " + acc);
  }

  @Test
  void wineRegressionBeatsTheMean() throws Exception {
    WineAlcoholRegression.Result r = WineAlcoholRegression.run(false);
    assertTrue(r.linearRmse() < 0.85 * r.baselineRmse(), r.toString());
    assertTrue(r.mlpRmse() < 0.9 * r.baselineRmse(), r.toString());
  }
}
