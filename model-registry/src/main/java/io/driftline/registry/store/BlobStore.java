package io.driftline.registry.store;

import io.driftline.registry.config.RegistryProperties;
import io.driftline.registry.model.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The content-addressed blob folder: {@code <dir>/<first 2 hex digits>/<digest>}. Bytes are written
 * to a temporary file in {@code <dir>/tmp} while they are hashed and moved into place atomically, so
 * no half-written blob is ever visible under a digest; identical content is stored once.
 */
@Component
public class BlobStore {

  private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");
  private static final int BUFFER = 64 * 1024;

  private final Path root;
  private final Path tmp;

  /** Creates the folders named by the properties. */
  public BlobStore(RegistryProperties properties) {
    this.root = properties.artefacts().directory().toAbsolutePath();
    this.tmp = root.resolve("tmp");
    try {
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the artefact folder " + root, e);
    }
  }

  /** Returns whether a string is a SHA-256 digest as 64 lower-case hex digits. */
  public static boolean isDigest(String text) {
    return DIGEST.matcher(text).matches();
  }

  /** Returns the file of a digest (which may not exist). */
  public Path path(String digest) {
    if (!isDigest(digest)) {
      throw RegistryException.badRequest(
          "'" + digest + "' is not a SHA-256 digest (64 lower-case hex digits)");
    }
    return root.resolve(digest.substring(0, 2)).resolve(digest);
  }

  /**
   * Copies a stream to a temporary file while hashing it, stopping with a 413 as soon as it passes
   * {@code maxBytes}; the temporary file is deleted on any failure.
   */
  public Staged stage(InputStream in, long maxBytes) {
    Path file = null;
    try {
      file = Files.createTempFile(tmp, "upload-", ".part");
      MessageDigest sha = sha256();
      long size = 0;
      byte[] buffer = new byte[BUFFER];
      try (OutputStream out = Files.newOutputStream(file)) {
        int n;
        while ((n = in.read(buffer)) != -1) {
          size += n;
          if (size > maxBytes) {
            throw new RegistryException(HttpStatus.CONTENT_TOO_LARGE,
                "artefact is larger than the limit of " + maxBytes + " bytes "
                    + "(driftline.registry.artefacts.max-size)");
          }
          sha.update(buffer, 0, n);
          out.write(buffer, 0, n);
        }
      }
      return new Staged(file, HexFormat.of().formatHex(sha.digest()), size);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(file);
      if (e instanceof IOException io) {
        throw new UncheckedIOException("reading the upload failed: " + io.getMessage(), io);
      }
      throw (RuntimeException) e;
    }
  }

  /** Stores bytes already in memory (a registry-signed bundle) under their digest. */
  public Staged stage(byte[] bytes) {
    try {
      Path file = Files.createTempFile(tmp, "signed-", ".part");
      Files.write(file, bytes);
      MessageDigest sha = sha256();
      return new Staged(file, HexFormat.of().formatHex(sha.digest(bytes)), bytes.length);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a temporary blob in " + tmp, e);
    }
  }

  /**
   * Moves a staged file to its digest's place; if the digest is already stored, the staged copy is
   * deleted instead (identical content).
   */
  public Path commit(Staged staged) {
    Path target = path(staged.digest());
    try {
      if (Files.exists(target)) {
        Files.delete(staged.file());
        return target;
      }
      Files.createDirectories(target.getParent());
      try {
        Files.move(staged.file(), target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        Files.delete(staged.file());
      } catch (AtomicMoveNotSupportedException e) {
        throw new IllegalStateException("the artefact folder " + root
            + " must support atomic moves within it", e);
      }
      return target;
    } catch (IOException e) {
      deleteQuietly(staged.file());
      throw new UncheckedIOException("cannot store blob " + staged.digest(), e);
    }
  }

  /** Deletes a staged file that will not be committed. */
  public void discard(Staged staged) {
    deleteQuietly(staged.file());
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a left-over temporary file is harmless: it is never visible under a digest
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /**
   * A file written and hashed but not yet in place.
   *
   * @param file the temporary file
   * @param digest its SHA-256
   * @param size its size
   */
  public record Staged(Path file, String digest, long size) {}
}
