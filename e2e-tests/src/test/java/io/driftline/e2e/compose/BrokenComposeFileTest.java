package io.driftline.e2e.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each check fails on a copy of the real docker-compose.yml broken in one place, for that reason:
 * the checks of {@link ComposeFileTest} are not vacuous.
 */
class BrokenComposeFileTest {

  private static Path root;
  private static String compose;
  private static String envExample;

  @BeforeAll
  static void read() throws Exception {
    root = Repository.root();
    compose = Files.readString(root.resolve("docker-compose.yml"));
    envExample = Files.readString(root.resolve(".env.example"));
  }

  /** The problems {@code check} finds once the first {@code from} is replaced by {@code to}. */
  private static List<String> after(String from, String to, Function<ComposeChecks, List<String>> check) {
    int at = compose.indexOf(from);
    assertThat(at).as("the compose file contains %s", from).isNotNegative();
    String broken = compose.substring(0, at) + to + compose.substring(at + from.length());
    return check.apply(new ComposeChecks(ComposeFile.parse(root, broken, envExample)));
  }

  @Test
  void aMisspelledPropertyInAVariableNameFails() {
    assertThat(after("DRIFTLINE_REGISTRY_SECURITY_TOKENS_0_NAME", "DRIFTLINE_REGISTRY_SECURTY_TOKENS_0_NAME",
        ComposeChecks::environment))
        .containsExactly("service model-registry: environment variable DRIFTLINE_REGISTRY_SECURTY_TOKENS_0_NAME"
            + " binds to no property that model-registry reads");
  }

  @Test
  void aRecordComponentThatDoesNotExistFails() {
    assertThat(after("DRIFTLINE_TEACHER_REGISTRY_URL", "DRIFTLINE_TEACHER_REGISTRY_URI", ComposeChecks::environment))
        .singleElement().asString().contains("DRIFTLINE_TEACHER_REGISTRY_URI", "cloud-teacher reads");
    assertThat(after("DRIFTLINE_TEACHER_SECURITY_TOKENS_0_ROLE", "DRIFTLINE_TEACHER_SECURITY_TOKENS_0_ROLES",
        ComposeChecks::environment)).singleElement().asString().contains("DRIFTLINE_TEACHER_SECURITY_TOKENS_0_ROLES");
  }

  @Test
  void aBootPropertyOfAGroupTheServiceDoesNotConfigureFails() {
    assertThat(after("      DRIFTLINE_CATALOG_DATASET: /data/catalog-tdb2\n",
        "      DRIFTLINE_CATALOG_DATASET: /data/catalog-tdb2\n      SPRING_DATASOURCE_URL: jdbc:postgresql://postgres:5432/registry\n",
        ComposeChecks::environment))
        .containsExactly("service semantic-catalog: environment variable SPRING_DATASOURCE_URL binds to no property"
            + " that semantic-catalog reads");
  }

  @Test
  void aMisspelledBootPropertyFails() {
    assertThat(after("SPRING_KAFKA_STREAMS_STATE_DIR", "SPRING_KAFKA_STREAMS_STATEDIRECTORY", ComposeChecks::environment))
        .singleElement().asString().contains("SPRING_KAFKA_STREAMS_STATEDIRECTORY", "drift-detector");
  }

  @Test
  void aSecretWrittenIntoTheFileFails() {
    assertThat(after("${REGISTRY_ADMIN_TOKEN:?set REGISTRY_ADMIN_TOKEN in .env}", "hunter2", ComposeChecks::environment))
        .singleElement().asString().contains("DRIFTLINE_REGISTRY_SECURITY_TOKENS_0_TOKEN is a secret");
  }

  @Test
  void aVariableMissingFromTheEnvExampleFails() {
    assertThat(after("${TEACHER_API_TOKEN:?", "${TEACHER_API_TOKN:?", ComposeChecks::variables))
        .containsExactly("variable TEACHER_API_TOKN is used without default but not set in the env file");
  }

  @Test
  void aPortThatIsNotTheServerPortFails() {
    assertThat(after("\"8084:8084\"", "\"8084:8080\"", ComposeChecks::ports))
        .contains("service model-registry publishes container port 8080 but listens on [8084] (server.port / management.server.port)",
            "service model-registry does not publish its server port 8084");
  }

  @Test
  void aHealthCheckOnAnotherPortOrMissingFails() {
    assertThat(after("http://localhost:8085/actuator/health", "http://localhost:8080/actuator/health",
        ComposeChecks::healthChecks))
        .singleElement().asString().startsWith("service semantic-catalog: the health check must ask http://localhost:8085/actuator/health");
    String driftHealth = "    healthcheck:\n      test: [\"CMD\", \"curl\", \"-fsS\", \"http://localhost:8083";
    assertThat(after(driftHealth, "    x-healthcheck:\n      test: [\"CMD\", \"curl\", \"-fsS\", \"http://localhost:8083",
        ComposeChecks::healthChecks))
        .contains("service drift-detector has no health check");
  }

  @Test
  void aDependencyOnAServiceThatDoesNotExistOrWithAWrongConditionFails() {
    assertThat(after("      semantic-catalog:\n        condition: service_healthy\n      keygen:",
        "      semantic-catalg:\n        condition: service_healthy\n      keygen:", ComposeChecks::dependencies))
        .contains("service cloud-teacher depends on semantic-catalg, which does not exist",
            "service cloud-teacher uses semantic-catalog but does not wait for it (depends_on semantic-catalog with condition service_healthy)");
    assertThat(after("condition: service_completed_successfully", "condition: service_completed", ComposeChecks::dependencies))
        .containsExactly("service model-registry depends on keygen with unknown condition service_completed");
  }

  @Test
  void usingPostgresWithoutWaitingForItOrAnUncreatedDatabaseFails() {
    assertThat(after("postgres:5432/teacher", "postgres:5432/teachers", ComposeChecks::dependencies))
        .contains("service cloud-teacher uses database teachers, which the PostgreSQL init script does not create");
    assertThat(after("    depends_on:\n      postgres:\n        condition: service_healthy\n      kafka:\n        condition: service_healthy\n      model-registry:",
        "    depends_on:\n      kafka:\n        condition: service_healthy\n      model-registry:", ComposeChecks::dependencies))
        .containsExactly("service cloud-teacher uses postgres but does not wait for it (depends_on postgres with condition service_healthy)");
  }

  @Test
  void aUrlAtTheWrongPortOrAWrongKafkaAddressFails() {
    assertThat(after("http://semantic-catalog:8085", "http://semantic-catalog:8080", ComposeChecks::dependencies))
        .containsExactly("service cloud-teacher refers to http://semantic-catalog:8080 but semantic-catalog listens on 8085");
    assertThat(after("SPRING_KAFKA_BOOTSTRAP_SERVERS: kafka:9092", "SPRING_KAFKA_BOOTSTRAP_SERVERS: localhost:9092",
        ComposeChecks::dependencies))
        .containsExactly("service model-registry: SPRING_KAFKA_BOOTSTRAP_SERVERS=localhost:9092 is not Kafka's address for containers (kafka:9092)");
  }

  @Test
  void kafkaWithoutKraftOrWithZookeeperFails() {
    assertThat(after("KAFKA_PROCESS_ROLES: broker,controller", "KAFKA_PROCESS_ROLES: broker", ComposeChecks::kafkaKraft))
        .singleElement().asString().startsWith("service kafka: KAFKA_PROCESS_ROLES must be broker,controller");
    assertThat(after("      KAFKA_NODE_ID: 1\n", "      KAFKA_NODE_ID: 1\n      KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181\n",
        ComposeChecks::kafkaKraft))
        .containsExactly("service kafka refers to ZooKeeper; Kafka runs in KRaft mode");
  }

  @Test
  void anUndeclaredVolumeFails() {
    assertThat(after("- catalog-data:/data", "- catalog-dat:/data", ComposeChecks::volumes))
        .containsExactly("service semantic-catalog mounts volume catalog-dat, which is not declared under volumes",
            "volume catalog-data is declared but no service mounts it");
    assertThat(after("./deploy/postgres/init-databases.sh", "./deploy/postgres/init.sh", ComposeChecks::volumes))
        .containsExactly("service postgres mounts ./deploy/postgres/init.sh, which does not exist");
  }

  @Test
  void aSandboxOptionThatAttachModeLacksFails() {
    assertThat(after("      - --attach\n", "      - --attach\n      - --scenario\n      - fog.yaml\n", ComposeChecks::sandbox))
        .singleElement().asString().startsWith("service sandbox: option --scenario is not an option of the sandbox's attach mode");
    assertThat(after("      - --attach\n", "", ComposeChecks::sandbox))
        .containsExactly("service sandbox must run in attach mode (--attach)");
    assertThat(after("DRIFTLINE_SANDBOX_TEACHER_TOKEN", "DRIFTLINE_SANDBOX_TEACHER_TOKENS", ComposeChecks::sandbox))
        .containsExactly("service sandbox: environment variable DRIFTLINE_SANDBOX_TEACHER_TOKENS is not"
            + " DRIFTLINE_SANDBOX_<OPTION> of an attach-mode option");
  }

  @Test
  void aMissingDockerfileOrServiceFails() {
    assertThat(after("dockerfile: drift-detector/Dockerfile", "dockerfile: drift-detectr/Dockerfile", ComposeChecks::builds))
        .containsExactly("service drift-detector: Dockerfile drift-detectr/Dockerfile does not exist");
    assertThat(after("  drift-detector:\n", "  drift-detectors:\n", ComposeChecks::systemServices))
        .containsExactly("service drift-detector is missing");
  }

  @Test
  void aDockerfileCopyingTheJarOfNoModuleOrAnotherJarFails() {
    String good = "FROM debian:bookworm-slim\nCOPY model-registry/target/model-registry-0.1.0-SNAPSHOT.jar /app/app.jar\n"
        + "ENTRYPOINT [\"java\", \"-jar\", \"/app/app.jar\"]\n";
    assertThat(ComposeChecks.dockerfileProblems("x", good, root)).isEmpty();
    assertThat(ComposeChecks.dockerfileProblems("x", good.replace("model-registry/target/model-registry-",
        "model-registri/target/model-registri-"), root))
        .containsExactly("service x: the Dockerfile copies a jar of model-registri, which is not a module");
    assertThat(ComposeChecks.dockerfileProblems("x", good.replace("0.1.0-SNAPSHOT", "9.9"), root))
        .containsExactly("service x: the Dockerfile copies model-registry/target/model-registry-9.9.jar but ./mvnw package"
            + " builds model-registry/target/model-registry-0.1.0-SNAPSHOT.jar");
    assertThat(ComposeChecks.dockerfileProblems("x", good.replace("\"/app/app.jar\"", "\"/app/other.jar\""), root))
        .containsExactly("service x: the ENTRYPOINT does not run the copied jar /app/app.jar with java -jar");
    assertThat(ComposeChecks.dockerfileProblems("x", good.replace("model-registry", "adaptation-core"), root))
        .containsExactly("service x: module adaptation-core builds no executable jar (no spring-boot-maven-plugin)");
  }
}
