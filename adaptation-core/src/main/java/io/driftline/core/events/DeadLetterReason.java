package io.driftline.core.events;

import java.nio.charset.StandardCharsets;

/**
 * The one-line reason a record went to a dead-letter topic, for the {@value #HEADER} header.
 *
 * <p>Consumer frameworks wrap the failure (Spring Kafka's {@code ErrorHandlingDeserializer} turns
 * every {@link EventFormatException} into a {@code DeserializationException} whose message says only
 * "failed to deserialize"), so an operator would otherwise have to read a stack trace to learn that a
 * sample was truncated. A consumer's dead-letter recoverer adds this header.
 */
public final class DeadLetterReason {

  /** Header carrying the reason on every dead-letter record Driftline publishes. */
  public static final String HEADER = "driftline_dlt-reason";

  private DeadLetterReason() {}

  /**
   * Returns the reason for {@code failure}: the message of the first {@link EventFormatException}
   * in its cause chain, or else the innermost cause as {@code SimpleName: message}.
   */
  public static String of(Throwable failure) {
    Throwable innermost = failure;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof EventFormatException) {
        return String.valueOf(t.getMessage());
      }
      innermost = t;
      if (t.getCause() == t) {
        break;
      }
    }
    String message = innermost.getMessage();
    return innermost.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** Returns {@link #of} as UTF-8 bytes, the header's value. */
  public static byte[] headerValue(Throwable failure) {
    return of(failure).getBytes(StandardCharsets.UTF_8);
  }
}
