package io.driftline.core.bundle;

/**
 * Thrown when bytes are not a valid, authentic bundle; {@link #reason()} says which check failed.
 *
 * <p>It is checked on purpose: bundles arrive over the network, and every caller (device install,
 * registry upload) must decide what a rejected bundle means for it.
 */
public class BundleFormatException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Which check a rejected bundle failed. */
  public enum Reason {
    /** The file does not start with the bundle magic bytes: not a bundle at all. */
    BAD_MAGIC,
    /** The format version is one this code cannot read. */
    UNSUPPORTED_VERSION,
    /** The file ends before the lengths in its header say it should. */
    TRUNCATED,
    /** The SHA-256 digest does not match the content: corrupted or altered. */
    DIGEST_MISMATCH,
    /** The Ed25519 signature does not verify with the given public key. */
    BAD_SIGNATURE,
    /** Authentic bytes whose structure is invalid (bad section, length, value or trailing data). */
    MALFORMED
  }

  private final Reason reason;

  /** Creates an exception for a failed check with a message saying what was wrong. */
  public BundleFormatException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  /** Creates an exception for a failed check, keeping the underlying cause. */
  public BundleFormatException(Reason reason, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = reason;
  }

  /** Which check failed. */
  public Reason reason() {
    return reason;
  }
}
