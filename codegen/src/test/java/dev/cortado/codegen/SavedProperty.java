package dev.cortado.codegen;

/**
 * A system property a test changes, put back as it was (set or absent) when closed:
 * {@code try (SavedProperty p = new SavedProperty("cortado.x")) { System.setProperty(...); ... }}.
 */
final class SavedProperty implements AutoCloseable {
  private final String name;
  private final String saved;

  SavedProperty(String name) {
    this.name = name;
    this.saved = System.getProperty(name);
  }

  @Override
  public void close() {
    if (saved == null) {
      System.clearProperty(name);
    } else {
      System.setProperty(name, saved);
    }
  }
}
