package io.driftline.agent;

import io.driftline.agent.config.AgentProperties;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Binds agent settings from a map, the way Spring Boot binds them from files and environment. */
public final class TestConfigs {

  private TestConfigs() {}

  /** Binds {@code driftline.agent.*} from {@code properties} (keys without the prefix). */
  public static AgentProperties bind(Map<String, String> properties) {
    MapConfigurationPropertySource source = new MapConfigurationPropertySource();
    properties.forEach((k, v) -> source.put("driftline.agent." + k, v));
    return new Binder(source).bindOrCreate("driftline.agent", AgentProperties.class);
  }
}
