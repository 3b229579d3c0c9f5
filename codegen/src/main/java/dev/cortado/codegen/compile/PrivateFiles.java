package dev.cortado.codegen.compile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.Set;

/**
 * Files only their owner can change, for the {@link ClassCache}: directories made {@code 0700}
 * and files {@code 0600} where the file system has POSIX permissions, and the check that a
 * directory or file found on disk is owned by this process's user and writable by no one else.
 * On a file system without POSIX permissions (Windows) nothing is checked or set.
 */
final class PrivateFiles {
  private static final FileAttribute<Set<PosixFilePermission>> DIR =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  private static final FileAttribute<Set<PosixFilePermission>> FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final SecureRandom RANDOM = new SecureRandom();
  private static volatile UserPrincipal me;

  private PrivateFiles() {}

  /** Whether {@code p}'s file system has POSIX permissions. */
  static boolean posix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** Creates {@code dir} and its missing parents, owner-only where POSIX. */
  static void createDirectories(Path dir) throws IOException {
    if (posix(dir)) {
      Files.createDirectories(dir, DIR);
    } else {
      Files.createDirectories(dir);
    }
  }

  /**
   * Why {@code p} (a directory when {@code directory}, else a regular file, never followed
   * through a link) cannot be trusted: another user owns it or can write it, or it is a link or
   * of the wrong kind; null when it can, or when the file system has no POSIX permissions.
   */
  static String untrusted(Path p, boolean directory) throws IOException {
    if (!posix(p)) {
      return null;
    }
    PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (a.isSymbolicLink()) {
      return "it is a symbolic link";
    }
    if (directory ? !a.isDirectory() : !a.isRegularFile()) {
      return directory ? "it is not a directory" : "it is not a regular file";
    }
    UserPrincipal user = user();
    if (!a.owner().equals(user)) {
      return "it is owned by " + a.owner().getName() + ", not by " + user.getName();
    }
    Set<PosixFilePermission> perms = a.permissions();
    if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
      return "other users can write it (" + PosixFilePermissions.toString(perms) + ")";
    }
    return null;
  }

  /**
   * Replaces {@code target} with {@code bytes} atomically: a temporary file created owner-only
   * in the same directory, written, forced to disk and renamed over the target.
   */
  static void write(Path target, byte[] bytes) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
    boolean moved = false;
    try {
      Set<StandardOpenOption> options = Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
      try (FileChannel channel = posix(dir) ? FileChannel.open(temp, options, FILE) : FileChannel.open(temp, options)) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          channel.write(b);
        }
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /**
   * This process's user: the owner of a file it creates (exact even where {@code user.name} is
   * not a known account, as in a container running under a bare uid), found once.
   */
  private static UserPrincipal user() throws IOException {
    UserPrincipal u = me;
    if (u == null) {
      Path probe = Files.createTempFile("cortado-owner", ".tmp");
      try {
        u = Files.getOwner(probe);
      } finally {
        Files.deleteIfExists(probe);
      }
      me = u;
    }
    return u;
  }
}
