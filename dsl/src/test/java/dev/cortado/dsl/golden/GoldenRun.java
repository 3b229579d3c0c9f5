package dev.cortado.dsl.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.runtime.Executable;
import java.util.Map;

/** Runs a golden case on an executable and compares every step's losses and the final parameters. */
public final class GoldenRun {
  private GoldenRun() {}

  /**
   * Trains {@code exe} for the case's steps and asserts each step's total, data and
   * regularization loss and the final parameters within {@code rel} relative tolerance (relative
   * to {@code max(1e-3, |expected|)}); returns the largest relative error seen.
   */
  public static double check(GoldenCase c, Executable exe, double rel) {
    double[] worst = {0};
    c.initialize(exe);
    double[] loss = c.expectedLosses("loss");
    double[] data = c.expectedLosses("data_loss");
    double[] reg = c.expectedLosses("regularization_loss");
    for (int s = 0; s < c.steps(); s++) {
      double got = exe.trainStep(c.batch(s));
      Map<String, Double> parts = exe.lastLosses();
      double regSum = parts.entrySet().stream().filter(e -> e.getKey().startsWith("regularization/"))
          .mapToDouble(Map.Entry::getValue).sum();
      worst[0] = Math.max(worst[0], close(loss[s], got, rel, c + " step " + s + " loss"));
      worst[0] = Math.max(worst[0], close(data[s], parts.get("data_loss"), rel, c + " step " + s + " data_loss"));
      worst[0] = Math.max(worst[0], close(reg[s], regSum, rel, c + " step " + s + " regularization_loss"));
    }
    c.expectedParams().forEach((name, want) -> {
      double[] have = exe.parameter(name);
      assertEquals(want.length, have.length, name);
      for (int i = 0; i < want.length; i++) {
        worst[0] = Math.max(worst[0], close(want[i], have[i], rel, c + " final " + name + "[" + i + "]"));
      }
    });
    return worst[0];
  }

  /** Asserts agreement; returns the relative error {@code |got - want| / max(1e-3, |want|)}. */
  static double close(double want, double got, double rel, String what) {
    double scale = Math.max(1e-3, Math.abs(want));
    assertEquals(want, got, rel * scale, what);
    return Math.abs(got - want) / scale;
  }
}
