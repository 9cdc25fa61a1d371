package io.driftline.agent;

import io.driftline.agent.config.AgentProperties;
import io.driftline.agent.status.AgentStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Creates the agent from its settings, its metrics and its actuator endpoint. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AgentProperties.class)
class AgentConfiguration {

  @Bean(initMethod = "start", destroyMethod = "close")
  DeviceAgent deviceAgent(AgentProperties properties) {
    return new DeviceAgent(properties);
  }

  @Bean
  MeterBinder agentMetrics(DeviceAgent agent) {
    return registry -> {
      FunctionCounter.builder("driftline.agent.frames", agent, DeviceAgent::frames)
          .description("frames processed").register(registry);
      FunctionCounter.builder("driftline.agent.uploads", agent, a -> a.uploader().uploadedFrames())
          .description("samples chosen for upload").register(registry);
      FunctionCounter.builder("driftline.agent.dropped", agent, a -> a.uploader().droppedOverBudget())
          .tag("reason", "over_budget").description("samples cut by the upload budgets").register(registry);
      FunctionCounter.builder("driftline.agent.dropped", agent,
              a -> a.status().queue().dropped().values().stream().mapToLong(Long::longValue).sum())
          .tag("reason", "buffer_full").description("records dropped by the offline queue bound").register(registry);
      Gauge.builder("driftline.agent.queue.records", agent, a -> a.sender().queued())
          .description("records waiting in the offline queue").register(registry);
      Gauge.builder("driftline.agent.queue.bytes", agent, a -> a.sender().queuedBytes())
          .description("bytes waiting in the offline queue").register(registry);
      Gauge.builder("driftline.agent.adaptors", agent, a -> a.pipeline().snapshot().router().domains().size())
          .description("installed domain adaptors").register(registry);
      Gauge.builder("driftline.agent.bundle.version", agent, a -> a.pipeline().snapshot().version())
          .description("version of the active bundle, 0 for none").register(registry);
    };
  }

  @Bean
  AgentEndpoint agentEndpoint(DeviceAgent agent) {
    return new AgentEndpoint(agent);
  }

  /** Serves the agent's status at {@code /actuator/agent}. */
  @Endpoint(id = "agent")
  static final class AgentEndpoint {

    private final DeviceAgent agent;

    AgentEndpoint(DeviceAgent agent) {
      this.agent = agent;
    }

    @ReadOperation
    AgentStatus status() {
      return agent.status();
    }
  }
}
