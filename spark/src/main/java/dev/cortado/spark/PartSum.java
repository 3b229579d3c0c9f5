package dev.cortado.spark;

import dev.cortado.runtime.Gradients;
import java.io.Serializable;
import java.util.LinkedHashMap;

/**
 * What one partition sends back for one global step: its weighted gradient sum, its row count,
 * its losses weighted by its share of the batch, and how far its chunks moved the parameters the
 * forward pass writes (each chunk's change times its share of the batch; only the parameters
 * that changed), tagged with the partition's index so that the driver adds the partitions in a
 * fixed order.
 */
record PartSum(int partition, Gradients gradients, long rows, LinkedHashMap<String, Double> losses,
    LinkedHashMap<String, double[]> moved) implements Serializable {}
