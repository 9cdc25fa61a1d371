package io.driftline.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each check passes good values through and names property, rule and value on one line otherwise. */
class PropertyChecksTest {

  @Test
  void numbersAndDurations() {
    assertThat(PropertyChecks.positive(3, "a.b")).isEqualTo(3);
    assertThatThrownBy(() -> PropertyChecks.positive(0, "a.b")).hasMessage("a.b must be >= 1, was 0");
    assertThatThrownBy(() -> PropertyChecks.atLeast(-1, 0, "a.c")).hasMessage("a.c must be >= 0, was -1");
    assertThatThrownBy(() -> PropertyChecks.positive(Double.NaN, "a.d"))
        .hasMessage("a.d must be a finite number > 0, was NaN");
    assertThatThrownBy(() -> PropertyChecks.inRange(1.5, 0, 1, "a.e")).hasMessage("a.e must be in [0.0, 1.0], was 1.5");
    assertThat(PropertyChecks.nonNegative(Duration.ZERO, "a.f")).isZero();
    assertThatThrownBy(() -> PropertyChecks.positive(Duration.ZERO, "a.f"))
        .hasMessage("a.f must be longer than 0, was PT0S");
    assertThatThrownBy(() -> PropertyChecks.nonNegative(Duration.ofSeconds(-1), "a.g"))
        .hasMessage("a.g must not be negative, was PT-1S");
  }

  @Test
  void urls() {
    assertThat(PropertyChecks.httpUrl("https://registry:8084/base", "x.url", false)).isEqualTo("https://registry:8084/base");
    assertThat(PropertyChecks.httpUrl("", "x.url", true)).isEmpty();
    assertThatThrownBy(() -> PropertyChecks.httpUrl("", "x.url", false))
        .hasMessage("x.url must be an http:// or https:// URL, was empty");
    for (String bad : new String[] {"registry:8084", "ftp://host", "http://", "http:///path", "http://a b"}) {
      assertThatThrownBy(() -> PropertyChecks.httpUrl(bad, "x.url", true))
          .hasMessageStartingWith("x.url must be an http:// or https:// URL with a host, was '" + bad + "'")
          .hasNoCause()
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }
}
