package io.driftline.agent.update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes files atomically (temporary file, then move), optionally readable by the owner only. */
final class SecureFiles {

  private SecureFiles() {}

  /** Replaces {@code file} with {@code data} in one move; with {@code ownerOnly} the file is {@code rw-------}. */
  static void write(Path file, byte[] data, boolean ownerOnly) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    if (ownerOnly && supportsPosix(file)) {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(tmp, data);
    } else {
      Files.write(tmp, data);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static boolean supportsPosix(Path file) {
    return file.toAbsolutePath().getParent().getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
