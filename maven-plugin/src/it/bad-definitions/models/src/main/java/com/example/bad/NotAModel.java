package com.example.bad;

/** A class that does not extend ModelDefinition. */
public final class NotAModel {}
