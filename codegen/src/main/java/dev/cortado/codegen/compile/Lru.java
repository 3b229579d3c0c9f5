package dev.cortado.codegen.compile;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that keeps the {@code capacity} most recently used entries, safe for concurrent use: the
 * code generator's caches, so that an application compiling model after model (a hyperparameter
 * search) holds a bounded number of sources and classes. An evicted class is unloaded once no
 * executable uses it, as each has a class loader of its own.
 */
public final class Lru<K, V> {
  private final Map<K, V> map;

  /**
   * An empty map.
   *
   * @param capacity the most entries kept, at least 1
   * @throws IllegalArgumentException if {@code capacity} is below 1
   */
  public Lru(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    map = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
      }
    };
  }

  /**
   * The value for {@code key} (now the most recently used), or null.
   *
   * @param key the key
   * @return its value, or null when absent or evicted
   */
  public synchronized V get(K key) {
    return map.get(key);
  }

  /**
   * Stores {@code value}, evicting the least recently used entry when full.
   *
   * @param key the key
   * @param value its value
   */
  public synchronized void put(K key, V value) {
    map.put(key, value);
  }

  /**
   * The number of entries kept.
   *
   * @return at most the capacity
   */
  public synchronized int size() {
    return map.size();
  }
}
