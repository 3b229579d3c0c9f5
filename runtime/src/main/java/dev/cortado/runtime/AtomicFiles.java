package dev.cortado.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

/**
 * Writes a file so that a reader sees either the old content or the complete new content, never
 * a half-written file: the bytes go to a temporary file in the target's directory, are forced
 * to the device ({@link FileChannel#force}), the temporary file is renamed over the target with
 * {@link StandardCopyOption#ATOMIC_MOVE}, and the directory is synced so the rename itself
 * survives a crash (skipped where the platform cannot open a directory, as on Windows).
 *
 * <p>The temporary file is named {@code .<target name>.<16 hex digits>.tmp}. A save that the
 * process did not survive (killed, power lost) leaves one behind; the next write to the same
 * target deletes every such file of that target last modified more than {@link #STALE_AFTER}
 * ago, so they never accumulate, while a concurrent save's file, still being written, is left
 * alone.
 */
public final class AtomicFiles {

  /** Writes the content of a file through a channel positioned at 0. */
  @FunctionalInterface
  public interface Content {
    /**
     * Writes the whole content.
     *
     * @param channel the temporary file, positioned at 0
     * @throws IOException if a write fails; the target is then left as it was
     */
    void writeTo(FileChannel channel) throws IOException;
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  /** How long a temporary file goes unmodified before a later write treats it as abandoned. */
  public static final Duration STALE_AFTER = Duration.ofMinutes(10);

  private AtomicFiles() {}

  /**
   * Replaces {@code target} with the given bytes, atomically.
   *
   * @param target the file to replace or create
   * @param bytes its new content
   * @throws IOException if the file cannot be written; the target is then left as it was
   */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, channel -> writeFully(channel, ByteBuffer.wrap(bytes)));
  }

  /**
   * Replaces {@code target} with what {@code content} writes, atomically. On any failure the
   * temporary file is deleted and the target is left as it was.
   *
   * @param target the file to replace or create
   * @param content writes the new content
   * @throws IOException if the file cannot be written
   */
  public static void write(Path target, Content content) throws IOException {
    Path absolute = target.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      throw new IOException(absolute + " is a directory: give the path of a file to write");
    }
    Path dir = absolute.getParent();
    Files.createDirectories(dir);
    deleteStale(dir, absolute.getFileName().toString());
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

  /** Deletes the abandoned temporary files of target {@code name} in {@code dir} (see the class comment). */
  static void deleteStale(Path dir, String name) {
    String prefix = "." + name + ".";
    FileTime cutoff = FileTime.from(Instant.now().minus(STALE_AFTER));
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, p -> isTempOf(p, prefix))) {
      for (Path p : temps) {
        try {
          if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
              && Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).compareTo(cutoff) < 0) {
            Files.deleteIfExists(p);
          }
        } catch (IOException e) {
          // another writer removed or renamed it meanwhile, or it is not ours to delete
        }
      }
    } catch (IOException e) {
      // an unreadable directory: the write itself reports what is wrong with it
    }
  }

  private static boolean isTempOf(Path p, String prefix) {
    String f = p.getFileName().toString();
    if (!f.startsWith(prefix) || !f.endsWith(".tmp")) {
      return false;
    }
    String hex = f.substring(prefix.length(), f.length() - ".tmp".length());
    return !hex.isEmpty() && hex.length() <= 16 && hex.chars().allMatch(c -> Character.digit(c, 16) >= 0);
  }

  /**
   * Writes every remaining byte of {@code buffer}; a channel may take fewer in one call.
   *
   * @param channel the channel
   * @param buffer the bytes from its position to its limit
   * @throws IOException if a write fails
   */
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
