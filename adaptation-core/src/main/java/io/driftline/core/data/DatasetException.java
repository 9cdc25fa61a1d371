package io.driftline.core.data;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when a data set cannot be read or found; the message names the file or folder and what is
 * wrong with it, so the user can fix the data rather than the code.
 */
public class DatasetException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient @Nullable Path file;

  /** Creates an exception about {@code file} (or about no single file when it is null). */
  public DatasetException(@Nullable Path file, String message) {
    super(message);
    this.file = file;
  }

  /** Creates an exception about {@code file} caused by a lower-level failure. */
  public DatasetException(@Nullable Path file, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.file = file;
  }

  /** The file or folder the problem is in, if it is about one. */
  public @Nullable Path file() {
    return file;
  }
}
