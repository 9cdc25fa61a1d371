package io.driftline.core.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeadLetterReasonTest {

  @Test
  void findsTheEventFormatExceptionBehindWrappers() {
    EventFormatException cause = new EventFormatException("device.samples", "truncated: pixels needs 784 bytes");
    Exception wrapped = new RuntimeException("failed to deserialize", new IllegalStateException("listener", cause));

    assertThat(DeadLetterReason.of(wrapped))
        .isEqualTo("bad record on topic 'device.samples': truncated: pixels needs 784 bytes");
    assertThat(new String(DeadLetterReason.headerValue(wrapped), StandardCharsets.UTF_8))
        .isEqualTo(DeadLetterReason.of(wrapped));
  }

  @Test
  void otherwiseNamesTheInnermostCause() {
    Exception wrapped = new RuntimeException("listener failed", new IllegalArgumentException("bundle version 3 < 4"));

    assertThat(DeadLetterReason.of(wrapped)).isEqualTo("IllegalArgumentException: bundle version 3 < 4");
    assertThat(DeadLetterReason.of(new NullPointerException())).isEqualTo("NullPointerException");
  }
}
