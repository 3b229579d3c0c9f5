package dev.cortado.spark;

import dev.cortado.runtime.Gradients;
import java.io.Serializable;
import java.util.LinkedHashMap;

/**
 * What one partition sends back for one global step: its weighted gradient sum, its row count
 * and its losses weighted by its share of the batch, tagged with the partition's index so that
 * the driver adds the partitions in a fixed order.
 */
record PartSum(int partition, Gradients gradients, long rows, LinkedHashMap<String, Double> losses)
    implements Serializable {}
