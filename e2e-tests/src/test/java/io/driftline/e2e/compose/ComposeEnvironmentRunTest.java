package io.driftline.e2e.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.testsupport.KafkaTestBroker;
import io.driftline.testsupport.PostgresTestServer;
import io.driftline.testsupport.RealKafka;
import io.driftline.testsupport.ServiceProcess;
import io.driftline.testsupport.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services started the way docker-compose.yml starts them, without Docker: each executable jar
 * in a child JVM whose environment is exactly the variables the compose file gives that service
 * (names as written, values from .env.example), only with the container addresses and paths
 * translated to this machine (the broker and PostgreSQL of the tests, a temporary folder for each
 * volume). The key exchange runs first with the keygen script. Every service must become healthy,
 * the registry must trust the teacher's key and know the three tokens with their roles, and the
 * teacher must sign with the key keygen made and accept its API token.
 */
@RealKafka
class ComposeEnvironmentRunTest {

  private static final Duration START = Duration.ofSeconds(180);

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  @Test
  void everyServiceStartsWithTheComposeEnvironmentAndTheKeyExchangeHolds(KafkaTestBroker kafka, @TempDir Path dir)
      throws Exception {
    Path root = Repository.root();
    ComposeFile compose = ComposeFile.read(root, root.resolve("docker-compose.yml"), root.resolve(".env.example"));
    Map<String, String> secrets = compose.envFile();

    Path keys = Files.createDirectories(dir.resolve("teacher-keys"));
    Path trust = Files.createDirectories(dir.resolve("registry-trust"));
    assumeTrue(exitCode(new ProcessBuilder("openssl", "version")) == 0, "deploy/keygen/teacher-key.sh needs openssl");
    assertThat(keygen(root, keys, trust)).isZero();
    String teacherKeyId = Ed25519Keys.keyId(Ed25519Keys.readPublicKey(keys.resolve("signing-key.pem.pub")));

    TestDatabase registryDb = database("compose-registry");
    ServiceProcess registry = start(compose, "model-registry", dir, translation(kafka, registryDb, dir, "registry",
        Map.of("configtree:/trust/", "configtree:" + trust + "/")));
    assertThat(Files.readString(registry.logFile())).contains("trustedUploaderKeys=1");
    assertThat(dir.resolve("registry/signing-key.pem")).exists();
    assertThat(get(registry, "/api/v1/audit", secrets.get("REGISTRY_ADMIN_TOKEN"))).isEqualTo(200);
    assertThat(get(registry, "/api/v1/audit", secrets.get("REGISTRY_TEACHER_TOKEN"))).isEqualTo(403);
    assertThat(get(registry, "/api/v1/audit", secrets.get("REGISTRY_ENROLMENT_TOKEN"))).isEqualTo(403);
    assertThat(get(registry, "/api/v1/models", secrets.get("REGISTRY_TEACHER_TOKEN"))).isEqualTo(200);
    assertThat(get(registry, "/api/v1/models", "not-a-token")).isEqualTo(401);

    ServiceProcess catalog = start(compose, "semantic-catalog", dir, translation(kafka, null, dir, "catalog", Map.of()));
    assertThat(dir.resolve("catalog/catalog-tdb2")).isDirectory();

    start(compose, "drift-detector", dir, translation(kafka, null, dir, "drift", Map.of()));
    assertThat(dir.resolve("drift/kafka-streams")).isDirectory();

    TestDatabase teacherDb = database("compose-teacher");
    Map<String, String> teacherTranslation = translation(kafka, teacherDb, dir, "teacher", Map.of(
        "/keys/", keys + "/",
        "http://model-registry:8084", registry.url(),
        "http://semantic-catalog:8085", catalog.url()));
    ServiceProcess teacher = start(compose, "cloud-teacher", dir, teacherTranslation);
    assertThat(Files.readString(teacher.logFile())).contains("loaded teacher signing key keyId=" + teacherKeyId);
    assertThat(get(teacher, "/api/v1/jobs", secrets.get("TEACHER_API_TOKEN"))).isEqualTo(200);
    assertThat(get(teacher, "/api/v1/jobs", null)).isEqualTo(401);
  }

  /** The container-to-machine value translations for one service; volume paths go to {@code dir/<volume>}. */
  private static Map<String, String> translation(KafkaTestBroker kafka, @Nullable TestDatabase db, Path dir, String volume,
      Map<String, String> more) {
    Map<String, String> t = new LinkedHashMap<>(more);
    t.put("kafka:9092", kafka.bootstrapServers());
    t.put("/data/", dir.resolve(volume) + "/");
    if (db != null) {
      t.put("jdbc:postgresql://postgres:5432/" + (volume.equals("registry") ? "registry" : "teacher"), db.jdbcUrl());
      t.put("SPRING_DATASOURCE_USERNAME", db.user());
      t.put("SPRING_DATASOURCE_PASSWORD", db.password());
    }
    return t;
  }

  private ServiceProcess start(ComposeFile compose, String service, Path dir, Map<String, String> translation) throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    compose.services().get(service).environment().forEach((name, raw) -> {
      String value = translation.containsKey(name) ? translation.get(name) : compose.interpolate(raw);
      for (Map.Entry<String, String> t : translation.entrySet()) {
        if (!t.getKey().matches("[A-Z_]+")) {
          value = value.replace(t.getKey(), t.getValue());
        }
      }
      env.put(name, value);
    });
    assertThat(env.values()).as("every container address and path of %s is translated", service)
        .noneMatch(v -> v.contains("kafka:9092") || v.contains("//postgres:") || v.startsWith("/data/")
            || v.startsWith("/keys/") || v.contains(":/trust/") || v.contains("//model-registry:") || v.contains("//semantic-catalog:"));
    ServiceProcess process = ServiceProcess.start(service, List.of("-Xmx512m"), List.of(), env,
        ServiceProcess.freePort(), dir.resolve(service + ".log"), START);
    closeables.add(process);
    return process;
  }

  private TestDatabase database(String label) {
    TestDatabase db = PostgresTestServer.shared().createDatabase(label);
    closeables.add(db);
    return db;
  }

  private int get(ServiceProcess service, String path, @Nullable String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(service.url() + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static int keygen(Path root, Path keys, Path trust) throws Exception {
    Process id = new ProcessBuilder("id", "-u").start();
    String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    ProcessBuilder builder = new ProcessBuilder("sh", root.resolve("deploy/keygen/teacher-key.sh").toString());
    builder.environment().putAll(Map.of("KEYS_DIR", keys.toString(), "TRUST_DIR", trust.toString(), "DRIFTLINE_UID", uid));
    return exitCode(builder);
  }

  private static int exitCode(ProcessBuilder builder) throws InterruptedException {
    try {
      Process process = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return process.waitFor(60, TimeUnit.SECONDS) ? process.exitValue() : -1;
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
