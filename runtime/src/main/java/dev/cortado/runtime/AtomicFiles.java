package dev.cortado.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * Writes a file so that a reader sees either the old content or the complete new content, never
 * a half-written file: the bytes go to a temporary file in the target's directory, are forced
 * to the device ({@link FileChannel#force}), the temporary file is renamed over the target with
 * {@link StandardCopyOption#ATOMIC_MOVE}, and the directory is synced so the rename itself
 * survives a crash (skipped where the platform cannot open a directory, as on Windows).
 */
public final class AtomicFiles {

  /** Writes the content of a file through a channel positioned at 0. */
  @FunctionalInterface
  public interface Content {
    void writeTo(FileChannel channel) throws IOException;
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFiles() {}

  /** Replaces {@code target} with the given bytes, atomically. */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, channel -> writeFully(channel, ByteBuffer.wrap(bytes)));
  }

  /**
   * Replaces {@code target} with what {@code content} writes, atomically. On any failure the
   * temporary file is deleted and the target is left as it was.
   */
  public static void write(Path target, Content content) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Files.createDirectories(dir);
    // Not Files.createTempFile: it makes the file owner-only (0600); CREATE_NEW gives the
    // permissions any new file gets (umask), which the renamed file then keeps.
    Path temp = dir.resolve("." + absolute.getFileName() + "."
        + Long.toHexString(RANDOM.nextLong()) + ".tmp");
    boolean moved = false;
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
          StandardOpenOption.CREATE_NEW)) {
        content.writeTo(channel);
        channel.force(true);
      }
      try {
        Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot replace " + absolute + " atomically: " + e.getMessage(), e);
      }
      moved = true;
      syncDirectory(dir);
    } finally {
      if (!moved) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /** Writes every remaining byte of {@code buffer}; a channel may take fewer in one call. */
  public static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows cannot open a directory as a channel; the rename is still atomic there.
    }
  }
}
