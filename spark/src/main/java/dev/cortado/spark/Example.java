package dev.cortado.spark;

import java.io.Serializable;

/** One training row as the model reads it: its index in the data set and one array per input. */
record Example(long index, double[][] values) implements Serializable {}
