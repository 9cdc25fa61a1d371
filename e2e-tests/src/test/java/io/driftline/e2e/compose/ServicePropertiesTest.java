package io.driftline.e2e.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Environment variables map back to the properties the services' sources declare, through Spring
 * Boot's relaxed binding, and nothing else does.
 */
class ServicePropertiesTest {

  private static ServiceProperties module(String name) {
    Path root = Repository.root();
    return ServiceProperties.of(root.resolve(name));
  }

  @Test
  void recordComponentsNestedRecordsAndListsOfRecordsBind() {
    ServiceProperties registry = module("model-registry");
    assertThat(registry.propertyOf("DRIFTLINE_REGISTRY_SECURITY_TOKENS_0_NAME")).hasValue("driftline.registry.security.tokens[0].name");
    assertThat(registry.propertyOf("DRIFTLINE_REGISTRY_SIGNING_KEY_FILE")).hasValue("driftline.registry.signing.key-file");
    assertThat(registry.propertyOf("DRIFTLINE_REGISTRY_SIGNING_KEYFILE")).hasValue("driftline.registry.signing.key-file");
    assertThat(registry.propertyOf("DRIFTLINE_REGISTRY_SIGNING_TRUSTED_KEYS_0")).hasValue("driftline.registry.signing.trusted-keys[0]");
    assertThat(registry.propertyOf("DRIFTLINE_REGISTRY_PUBLIC_BASE_URL")).hasValue("driftline.registry.public-base-url");
    assertThat(registry.propertyOf("DRIFTLINE_REGISTRY_SECURTY_TOKENS_0_NAME")).isEmpty();
    assertThat(registry.propertyOf("DRIFTLINE_REGISTRY_SECURITY_TOKENS_NAME")).isEmpty();
    assertThat(registry.propertyOf("DRIFTLINE_REGISTRY_SIGNING")).isEmpty();
  }

  @Test
  void bootPropertiesBindOnlyInGroupsTheServiceConfigures() {
    ServiceProperties registry = module("model-registry");
    assertThat(registry.propertyOf("SPRING_KAFKA_BOOTSTRAP_SERVERS")).hasValue("spring.kafka.bootstrap-servers");
    assertThat(registry.propertyOf("SPRING_DATASOURCE_URL")).hasValue("spring.datasource.url");
    assertThat(registry.propertyOf("SPRING_KAFKA_PROPERTIES_LINGER_MS")).hasValue("spring.kafka.properties.linger.ms");
    assertThat(registry.propertyOf("SPRING_CONFIG_IMPORT")).hasValue("spring.config.import");
    assertThat(registry.propertyOf("SPRING_KAFKA_BOOTSTRAP_SERVER")).isEmpty();
    ServiceProperties drift = module("drift-detector");
    assertThat(drift.propertyOf("SPRING_KAFKA_STREAMS_STATE_DIR")).hasValue("spring.kafka.streams.state-dir");
    assertThat(drift.propertyOf("SPRING_DATASOURCE_URL")).isEmpty();
  }

  @Test
  void placeholdersOfApplicationYmlAreVariablesTheServiceReads() {
    assertThat(module("model-registry").propertyOf("DRIFTLINE_REGISTRY_JDBC_URL")).hasValue("${DRIFTLINE_REGISTRY_JDBC_URL}");
    assertThat(module("semantic-catalog").propertyOf("DRIFTLINE_REGISTRY_JDBC_URL")).isEmpty();
  }

  @Test
  void prefixConstantsSecondPropertiesClassesAndMapsBind() {
    assertThat(module("drift-detector").propertyOf("DRIFTLINE_DRIFT_DETECTION_PH_LAMBDA")).hasValue("driftline.drift.detection.ph-lambda");
    ServiceProperties teacher = module("cloud-teacher");
    assertThat(teacher.propertyOf("DRIFTLINE_TEACHER_INTAKE_MAX_POLL_RECORDS")).hasValue("driftline.teacher.intake.max-poll-records");
    assertThat(teacher.propertyOf("DRIFTLINE_TEACHER_MODELS_TEACHER")).hasValue("driftline.teacher.models.teacher");
    ServiceProperties agent = module("device-agent");
    assertThat(agent.propertyOf("DRIFTLINE_AGENT_REGISTRY_ENROLMENT_LABELS_DOMAIN")).hasValue("driftline.agent.registry.enrolment.labels.domain");
    assertThat(agent.propertyOf("DRIFTLINE_AGENT_REGISTRY_ENROLMENT_PRECISIONS_1")).hasValue("driftline.agent.registry.enrolment.precisions[1]");
    assertThat(agent.propertyOf("DRIFTLINE_AGENT_REGISTRY_ENROLMENT_DEVICE_CLASS")).hasValue("driftline.agent.registry.enrolment.device-class");
    assertThat(agent.propertyOf("DRIFTLINE_AGENT_STUDENT_MODELS")).isEmpty();
  }

  @Test
  void springRelaxedBindingIsTheJudge() {
    assertThat(ServiceProperties.springBinds("SPRING_KAFKA_BOOTSTRAP_SERVERS", "spring.kafka.bootstrap-servers")).isTrue();
    assertThat(ServiceProperties.springBinds("SPRING_KAFKA_BOOTSTRAPSERVERS", "spring.kafka.bootstrap-servers")).isTrue();
    assertThat(ServiceProperties.springBinds("SPRING_KAFKA_BOOTSTRAP_SERVERS", "spring.kafka.bootstrap")).isFalse();
    assertThat(ServiceProperties.springBinds("X_TOKENS_0_NAME", "x.tokens[0].name")).isTrue();
    assertThat(ServiceProperties.springBinds("X_TOKENS_0_NAME", "x.tokens[1].name")).isFalse();
  }
}
