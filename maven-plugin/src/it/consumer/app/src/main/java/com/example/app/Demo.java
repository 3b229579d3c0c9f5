package com.example.app;

import com.example.app.generated.HousePricesOne;
import com.example.app.generated.HousePricesStep;
import com.example.models.SpeciesExecutable;
import dev.cortado.runtime.Checkpoint;
import dev.cortado.runtime.Executable;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What an application does with the generated classes: load the initial weights the plugin put
 * next to each class, train the regression for a few steps and predict with both models. Uses
 * only dev.cortado.runtime and the generated code.
 */
public final class Demo {
  private Demo() {}

  /** Loads the initial weights (parameters, optimizer state) the plugin wrote next to a class. */
  public static <T extends Executable> T initialized(T model) throws IOException {
    String resource = model.getClass().getSimpleName() + ".safetensors";
    try (InputStream in = model.getClass().getResourceAsStream(resource)) {
      Checkpoint.load(model, in, resource);
    }
    return model;
  }

  /** The house-price model for batches of 8, joined by the class for batches of 1. */
  public static HousePricesStep housePrices() throws IOException {
    HousePricesStep model = initialized(new HousePricesStep());
    new HousePricesOne(model.state());
    return model;
  }

  /** The printed results; the tests compare them across JVMs. */
  public static List<String> run() throws IOException {
    List<String> out = new ArrayList<>();
    Executable prices = housePrices();
    for (int step = 0; step < 30; step++) {
      double loss = prices.trainStep(Data.batch(step, 8));
      if (step % 10 == 9) {
        out.add("step " + (step + 1) + " loss " + loss + " " + prices.lastLosses());
      }
    }
    out.add("price " + Arrays.toString(prices.predict(Data.batch(1000, 1)).get("price")));
    Executable species = initialized(new SpeciesExecutable());
    double[] probs = species.predict(Map.of("x", Data.batch(7, 32).get("x"))).get("probs");
    out.add("probs " + Arrays.toString(Arrays.copyOf(probs, 6)));
    return out;
  }

  public static void main(String[] args) throws IOException {
    run().forEach(System.out::println);
  }
}
