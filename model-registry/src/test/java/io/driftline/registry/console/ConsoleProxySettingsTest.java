package io.driftline.registry.console;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.registry.config.RegistryProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The proxy refuses, at start, service URLs it could not call. */
class ConsoleProxySettingsTest {

  private static RegistryProperties properties(Map<String, String> settings) {
    return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("driftline.registry",
        RegistryProperties.class);
  }

  @Test
  void aUrlWithoutSchemeOrHostIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> new ConsoleProxy(properties(Map.of("driftline.registry.console.teacher-url", "localhost:8081"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("driftline.registry.console.teacher-url")
        .hasMessageContaining("http(s) URL");
    assertThatThrownBy(() -> new ConsoleProxy(properties(Map.of("driftline.registry.console.catalog-url", "http://"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("catalog-url");
  }

  @Test
  void emptyAndHttpUrlsAreAccepted() {
    assertThatCode(() -> new ConsoleProxy(properties(Map.of()))).doesNotThrowAnyException();
    assertThatCode(() -> new ConsoleProxy(properties(Map.of("driftline.registry.console.teacher-url", "http://teacher:8081/",
        "driftline.registry.console.catalog-url", "https://catalog.example")))).doesNotThrowAnyException();
  }
}
