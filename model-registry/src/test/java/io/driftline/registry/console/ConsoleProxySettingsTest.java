package io.driftline.registry.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.registry.config.RegistryProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockHttpServletRequest;

/** The proxy refuses, at start, service URLs it could not call, and says when a service has none. */
class ConsoleProxySettingsTest {

  private static RegistryProperties properties(Map<String, String> settings) {
    return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("driftline.registry",
        RegistryProperties.class);
  }

  @Test
  void aUrlWithoutSchemeOrHostIsRefusedNamingTheSetting() {
    // the settings record refuses these while binding, before the proxy exists
    assertThatThrownBy(() -> properties(Map.of("driftline.registry.console.teacher-url", "localhost:8081")))
        .rootCause().isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("driftline.registry.console.teacher-url").hasMessageContaining("http:// or https:// URL");
    assertThatThrownBy(() -> properties(Map.of("driftline.registry.console.catalog-url", "http://")))
        .rootCause().isInstanceOf(IllegalArgumentException.class).hasMessageContaining("catalog-url");
  }

  @Test
  void aUrlWithAQueryIsRefusedByTheProxyNamingTheSetting() {
    assertThatThrownBy(() -> new ConsoleProxy(properties(Map.of("driftline.registry.console.teacher-url",
        "http://teacher:8081/?token=x"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("driftline.registry.console.teacher-url")
        .hasMessageContaining("no query");
  }

  @Test
  void emptyAndHttpUrlsAreAccepted() {
    assertThatCode(() -> new ConsoleProxy(properties(Map.of()))).doesNotThrowAnyException();
    assertThatCode(() -> new ConsoleProxy(properties(Map.of("driftline.registry.console.teacher-url", "http://teacher:8081/",
        "driftline.registry.console.catalog-url", "https://catalog.example")))).doesNotThrowAnyException();
  }

  @Test
  void aServiceWithoutUrlAnswers503SayingWhatToSet() {
    ConsoleProxy proxy = new ConsoleProxy(properties(Map.of()));
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/console/api/teacher/jobs");

    assertThatThrownBy(() -> proxy.get("teacher", request))
        .isInstanceOfSatisfying(ConsoleServiceException.class, e -> {
          assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
          assertThat(e.title()).isEqualTo("cloud teacher not configured");
          assertThat(e.getMessage()).contains("driftline.registry.console.teacher-url");
        });
  }
}
