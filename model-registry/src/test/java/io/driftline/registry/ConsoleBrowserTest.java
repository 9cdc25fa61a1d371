package io.driftline.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftline.core.bundle.BundleCodec;
import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.events.BundleRef;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.core.model.SyntheticStudents;
import io.driftline.testsupport.RealPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The admin console in headless Chromium against a real registry (PostgreSQL, Kafka, telemetry
 * produced to the topic): log in, see the fleet, open a device's charts with an incident marked,
 * roll a rollout back from the device page and check through the API that it took effect, and
 * check that a viewer is offered no change and the server refuses one. The teacher behind the
 * proxy is a {@link StubService} answering incidents and jobs, the catalog another answering one
 * matchmaking query; at the end the teacher goes away, and its pages must say so instead of breaking. Screenshots go to
 * {@code target/surefire-reports/console-screenshots/}.
 *
 * <p>Without {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} the test is skipped, or
 * fails when {@code CI=true}.
 */
// @RealPostgres first: its database must outlive the Spring context, which closes after the class
@RealPostgres
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest extends RegistryTest {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "surefire-reports", "console-screenshots");
  static final Duration WAIT = Duration.ofSeconds(20);

  static final Path DATA = tempDataDir("console-browser");
  static final String TOPIC = "device.telemetry.consolebrowsertest-" + UUID.randomUUID();
  static final KeyPair TEACHER_KEY = Ed25519Keys.generate();
  static final StubService TEACHER = new StubService();
  static final StubService CATALOG = new StubService();
  static TelemetryProducer devices;
  static WebDriver browser;

  static String student;
  static String bundle;
  static String charted;
  static String mcu2;
  static String phone;
  static long mcuRollout;
  static long phoneRollout;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    devices = new TelemetryProducer(TOPIC, 2);
    registerWithTelemetry(registry, ConsoleBrowserTest.class, DATA, TOPIC, Map.of(
        "driftline.registry.signing.trusted-keys[0]", Ed25519Keys.toPem(TEACHER_KEY.getPublic()),
        "driftline.registry.console.teacher-url", TEACHER.url(),
        "driftline.registry.console.teacher-token", "teacher-viewer-token",
        "driftline.registry.console.catalog-url", CATALOG.url()));
  }

  @BeforeAll
  static void chromium() throws IOException {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    String missing = "Chromium is missing (" + CHROMIUM + ", " + CHROMEDRIVER
        + "): install the Debian packages chromium and chromium-driver to run the console's browser test";
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException(missing + " (CI=true, so this is a failure, not a skip)");
    }
    Assumptions.assumeTrue(present, missing);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-dev-shm-usage", "--window-size=1400,1100");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void close() {
    if (browser != null) {
      browser.quit();
    }
    // null when Chromium is missing: the class was skipped before its context (and producer) started
    if (devices != null) {
      devices.close();
    }
    TEACHER.close();
    CATALOG.close();
  }

  /** A student, a bundle model with two versions, three devices, two rollouts and 40 windows of telemetry. */
  private void fleet() {
    if (student != null) {
      return;
    }
    String suffix = Long.toString(System.nanoTime());
    student = "student-" + suffix;
    bundle = "fog-fix-" + suffix;
    String onnx = api().upload(Api.OPERATOR, "application/onnx", SyntheticStudents.nano(11)).json().get("digest").asString();
    api().post("/api/v1/models", Api.OPERATOR, Map.of("name", student, "kind", "student"));
    api().post("/api/v1/models/" + student + "/versions", Api.OPERATOR, Map.of("digest", onnx));
    api().post("/api/v1/models", Api.OPERATOR, Map.of("name", bundle, "kind", "bundle"));
    for (int v = 1; v <= 2; v++) {
      byte[] file = BundleCodec.encode(TestArtefacts.adaptedBundle(bundle, v, student + ":1", v), TEACHER_KEY.getPrivate());
      String digest = api().upload(Api.OPERATOR, "application/vnd.driftline.bundle", file).json().get("digest").asString();
      Api.Response created = api().post("/api/v1/models/" + bundle + "/versions", Api.OPERATOR, Map.of("digest", digest,
          "requirements", Map.of("student", student + ":1", "precision", "INT8"),
          "lineage", Map.of("parentStudent", student + ":1", "incidentId", "inc-" + v,
              "gate", Map.of("passed", true, "targetGainPoints", 12.5 + v))));
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }
    charted = enrol("mcu");
    mcu2 = enrol("mcu");
    phone = enrol("phone");
    assertThat(api().post("/api/v1/rollouts", Api.OPERATOR, Map.of("bundle", bundle + ":1",
        "cohort", Map.of("deviceClass", "mcu"))).status()).isEqualTo(201);
    mcuRollout = api().post("/api/v1/rollouts", Api.OPERATOR, Map.of("bundle", bundle + ":2",
        "cohort", Map.of("deviceClass", "mcu"))).json().get("id").asLong();
    phoneRollout = api().post("/api/v1/rollouts", Api.OPERATOR, Map.of("bundle", bundle + ":2",
        "cohort", Map.of("deviceClass", "phone"))).json().get("id").asLong();

    // Entropy and OOD rise from window 20 (the drift); bundle 2 is active from window 30.
    List<TelemetryWindow> windows = new ArrayList<>();
    for (long seq = 0; seq < 40; seq++) {
      boolean drifted = seq >= 20 && seq < 30;
      windows.add(TelemetryProducer.window(charted, seq, drifted ? 0.6 + 0.01 * seq : 0.2, drifted ? 1.6 : 0.5,
          seq >= 30 ? new BundleRef(bundle, 2) : new BundleRef(bundle, 1)));
    }
    // the second mcu restarted once: its window numbers start again
    windows.add(TelemetryProducer.window(mcu2, 0, 0.2, 0.5, new BundleRef(bundle, 1)));
    windows.add(TelemetryProducer.window(mcu2, 1, 0.2, 0.5, new BundleRef(bundle, 1)));
    windows.add(TelemetryProducer.window(mcu2, 0, Instant.parse("2026-11-26T09:00:00Z"), 0.3, 0.6,
        new BundleRef(bundle, 1)));
    devices.send(windows.toArray(TelemetryWindow[]::new));
    await().atMost(WAIT).until(() -> api().get("/api/v1/fleet/" + charted, Api.VIEWER).json().get("lastWindowSeq").asLong(-1) == 39
        && api().get("/api/v1/devices/" + mcu2 + "/telemetry", Api.VIEWER).json().get("items").size() == 3);

    TEACHER.on("/api/v1/incidents", StubService.Answer.json(200, """
        {"items": [{"incidentId": "inc-fog-1", "deviceId": "%s", "groupId": "inc-fog-1", "state": "RECOVERED",
          "detector": "page-hinkley", "statistic": "oodScore.mean", "statisticValue": 4.25,
          "openedAt": "2026-11-26T08:03:20Z", "changedAt": "2026-11-26T08:05:00Z",
          "firstWindowSeq": 20, "lastWindowSeq": 29, "domainSignatureBits": null, "jobIds": ["job-7"]}],
         "nextCursor": null}""".formatted(charted)));
    TEACHER.on("/api/v1/jobs", StubService.Answer.json(200, """
        {"items": [{"jobId": "job-7", "cohort": "fog", "trigger": "INCIDENT", "retryOf": null, "state": "PUBLISHED",
          "attempt": 1, "leadDevice": "%s", "createdAt": "2026-11-26T08:03:25Z", "startedAt": "2026-11-26T08:03:27Z",
          "finishedAt": "2026-11-26T08:03:40Z", "reason": null, "devices": ["%s"], "sampleCount": 240}],
         "nextCursor": null}""".formatted(charted, charted)));
    CATALOG.on("/catalog/match/artefacts/" + bundle + ":2/devices", StubService.Answer.json(200, """
        {"artefact": "%s:2", "kind": "bundle", "deviceCount": 2, "devices": ["%s", "%s"]}"""
        .formatted(bundle, charted, mcu2)));
    TEACHER.on("/api/v1/jobs/job-7/retry", StubService.Answer.json(201, """
        {"jobId": "job-8", "trigger": "RETRY", "retryOf": "job-7", "state": "QUEUED"}"""));
    TEACHER.on("/api/v1/jobs/job-7", StubService.Answer.json(200, """
        {"jobId": "job-7", "state": "PUBLISHED", "variants": [{"variant": "%s:1/INT8", "student": "%s:1",
          "precision": "INT8", "devices": ["%s"], "status": "ROLLED_OUT", "bundleModel": "%s", "bundleVersion": 2,
          "gate": {"decision": "ship", "reason": "gain 12.5 points", "target": {"adaptedAccuracy": 0.81,
            "unadaptedAccuracy": 0.685}, "minGainPoints": 0.0}}]}""".formatted(student, student, charted, bundle)));
  }

  private String enrol(String deviceClass) {
    Api.Response r = api().post("/api/v1/devices", Api.OPERATOR, Map.of(
        "deviceClass", deviceClass, "student", student + ":1", "precisions", List.of("FP32", "INT8"),
        "ramBytes", 512_000, "flashBytes", 2_000_000, "macsPerSecond", 50_000_000,
        "labels", Map.of("domain", "fog")));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("deviceId").asString();
  }

  private WebDriverWait waiting() {
    return new WebDriverWait(browser, WAIT);
  }

  /** Loads the console afresh at a route (the same route twice would otherwise change nothing). */
  private void open(String hash) {
    browser.get("about:blank");
    browser.get("http://127.0.0.1:" + port + "/console/" + hash);
  }

  private void logIn(String token) {
    open("");
    WebElement field = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
    field.clear();
    field.sendKeys(token);
    browser.findElement(By.id("login-button")).click();
  }

  private void logOut() {
    browser.findElement(By.id("logout-button")).click();
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
  }

  /** Waits until the page for a route has finished loading (its container is marked). */
  private WebElement loaded(String page) {
    return waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#page-" + page + "[data-loaded]")));
  }

  private void screenshot(String name) {
    Path file = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    try {
      Files.copy(file, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  @Order(1)
  void anUnknownTokenIsRefusedAtLogin() {
    logIn("not-a-token");

    WebElement error = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
    waiting().until(d -> !error.getText().isBlank());
    assertThat(error.getText()).contains("not known");
    assertThat(browser.findElement(By.id("nav")).isDisplayed()).isFalse();
  }

  @Test
  @Order(2)
  void anAdminSeesTheFleetWithBundlesAndHealth() {
    fleet();
    logIn(Api.ADMIN);

    WebElement page = loaded("fleet");
    WebElement row = page.findElement(By.cssSelector("#fleet-table tr[data-device-id='" + charted + "']"));
    WebElement phoneRow = page.findElement(By.cssSelector("#fleet-table tr[data-device-id='" + phone + "']"));
    screenshot("1-fleet");

    assertThat(browser.findElement(By.id("whoami")).getText()).isEqualTo("test-admin (ADMIN)");
    assertThat(row.findElement(By.cssSelector(".desired")).getText()).isEqualTo(bundle + ":2");
    assertThat(row.findElement(By.cssSelector(".health")).getText()).isEqualTo("OK");
    assertThat(phoneRow.findElement(By.cssSelector(".health")).getText()).isEqualTo("NEVER");
    assertThat(page.findElement(By.id("fleet-summary")).getText()).contains("1 never reported").doesNotContain(" 0 reporting");
  }

  @Test
  @Order(3)
  void theDevicePageChartsTelemetryWithTheIncidentMarked() {
    fleet();
    browser.findElement(By.cssSelector("#fleet-table a[data-device-id='" + charted + "']")).click();

    WebElement page = loaded("device");
    screenshot("2-device-charts");

    assertThat(page.findElement(By.id("device-id")).getText()).isEqualTo(charted);
    for (String chart : List.of("chart-confidence", "chart-ood", "chart-entropy")) {
      WebElement svg = page.findElement(By.id(chart));
      // one point per window: "M x y" then 39 "L x y"
      assertThat(svg.findElement(By.cssSelector("path.series")).getAttribute("d").split("L")).hasSize(40);
      assertThat(svg.findElements(By.cssSelector("rect.incident[data-incident-id='inc-fog-1']"))).hasSize(1);
      assertThat(svg.findElements(By.cssSelector("line.bundle-change"))).hasSize(1);
    }
    assertThat(page.findElement(By.id("incident-table")).getText()).contains("inc-fog-1").contains("4.250");
    assertThat(TEACHER.seen()).anySatisfy(r -> assertThat(r).startsWith("GET /api/v1/incidents?limit=200&deviceId=" + charted
        + " Bearer teacher-viewer-token"));
    assertThat(page.findElements(By.cssSelector("line.restart"))).isEmpty();

    open("#/device/" + mcu2);
    WebElement restarted = loaded("device");
    assertThat(restarted.findElement(By.id("device-id")).getText()).isEqualTo(mcu2);
    assertThat(restarted.findElements(By.cssSelector("#chart-ood line.restart"))).hasSize(1);
    assertThat(restarted.findElement(By.cssSelector("#chart-ood path.series")).getAttribute("d").split("L")).hasSize(3);
  }

  @Test
  @Order(4)
  void anAdminRollsBackTheDevicesRolloutAndTheRegistryReissuesThePreviousBundle() {
    fleet();
    open("#/device/" + charted);
    loaded("device");
    WebElement button = browser.findElement(By.id("rollback-device-rollout"));
    assertThat(button.getText()).contains("#" + mcuRollout);

    button.click();
    waiting().until(ExpectedConditions.textToBePresentInElement(button, "Confirm"));
    button.click();
    WebElement done = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#page-device #flash")));
    loaded("device");
    screenshot("3-rollback");

    assertThat(done.getText()).contains("Rolled back rollout #" + mcuRollout).contains("2 device(s) restored");
    assertThat(api().get("/api/v1/rollouts/" + mcuRollout, Api.VIEWER).json().get("status").asString()).isEqualTo("ROLLED_BACK");
    for (String device : List.of(charted, mcu2)) {
      JsonNode desired = api().get("/api/v1/devices/" + device + "/desired-state", Api.VIEWER).json();
      assertThat(desired.get("bundle").get("bundleId").asString()).isEqualTo(bundle);
      assertThat(desired.get("bundle").get("version").asLong()).isEqualTo(3);
    }
    JsonNode reissue = api().get("/api/v1/models/" + bundle + "/versions/3", Api.VIEWER).json();
    assertThat(reissue.get("lineage").get("rollbackOf").asString()).isEqualTo(bundle + ":1");
    assertThat(api().get("/api/v1/rollouts/" + phoneRollout, Api.VIEWER).json().get("status").asString()).isEqualTo("ACTIVE");
    assertThat(browser.findElement(By.id("device-desired")).getText()).startsWith(bundle + ":3");
  }

  @Test
  @Order(5)
  void modelsIncidentsJobsAndCatalogMatchesRender() {
    fleet();
    open("#/models");
    WebElement models = loaded("models");
    screenshot("4-lineage");

    assertThat(models.findElements(By.cssSelector("#lineage-graph g.node[data-version^='" + bundle + ":']"))).hasSize(3);
    assertThat(models.findElements(By.cssSelector("#lineage-graph path.edge.student[data-to='" + bundle + ":1']"))).hasSize(1);
    assertThat(models.findElements(By.cssSelector("#lineage-graph path.edge.rollback[data-from='" + bundle + ":1'][data-to='"
        + bundle + ":3']"))).hasSize(1);
    assertThat(models.findElement(By.cssSelector("#rollout-table tr[data-rollout-id='" + phoneRollout + "'] button.rollback"))
        .isDisplayed()).isTrue();

    open("#/incidents");
    WebElement incidents = loaded("incidents");
    WebElement incident = incidents.findElement(By.cssSelector("#incident-table tr[data-incident-id='inc-fog-1']"));
    assertThat(incident.getText()).contains("RECOVERED").contains("oodScore.mean = 4.250").contains("20–29").contains("job-7");
    assertThat(incident.findElement(By.cssSelector("a[data-device-id]")).getText()).isEqualTo(charted);

    open("#/jobs");
    WebElement jobs = loaded("jobs");
    screenshot("5-jobs");
    WebElement job = jobs.findElement(By.cssSelector("#job-table tr[data-job-id='job-7']"));
    assertThat(job.getText()).contains("ROLLED_OUT").contains("pass").contains("target.adaptedAccuracy=0.810");
    job.findElement(By.cssSelector("button.retry")).click();
    WebElement queued = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#job-messages .message")));
    assertThat(queued.getText()).contains("Queued job job-8 to retry job-7");
    assertThat(TEACHER.seen()).contains("POST /api/v1/jobs/job-7/retry Bearer teacher-viewer-token {}");

    open("#/catalog");
    WebElement catalog = loaded("catalog");
    catalog.findElement(By.id("catalog-artefact")).sendKeys(bundle + ":2");
    catalog.findElement(By.id("catalog-artefact-match")).click();
    WebElement result = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#catalog-result .result")));
    screenshot("6-catalog-match");
    assertThat(result.getText()).contains("deviceCount").contains("2").contains(charted).contains(mcu2);
    assertThat(CATALOG.seen()).anySatisfy(r -> assertThat(r).startsWith("GET /catalog/match/artefacts/" + bundle
        + ":2/devices?limit=200 null"));

    catalog.findElement(By.id("catalog-inventory")).click();
    WebElement missing = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#catalog-result .notice")));
    assertThat(missing.getText()).contains("stub: nothing at this path");
  }

  @Test
  @Order(6)
  void aViewerIsOfferedNoChangeAndTheServerRefusesOne() {
    fleet();
    logOut();
    logIn(Api.VIEWER);
    loaded("fleet");
    assertThat(browser.findElement(By.id("whoami")).getText()).isEqualTo("test-viewer (VIEWER)");

    open("#/device/" + phone);
    WebElement device = loaded("device");
    assertThat(device.findElement(By.id("device-desired")).getText()).contains("rollout #" + phoneRollout);
    assertThat(device.findElements(By.cssSelector("button"))).isEmpty();
    open("#/models");
    WebElement models = loaded("models");
    assertThat(models.findElements(By.cssSelector("button.rollback"))).isEmpty();
    open("#/jobs");
    WebElement jobs = loaded("jobs");
    assertThat(jobs.findElements(By.cssSelector("#job-table tr[data-job-id='job-7']"))).hasSize(1);
    assertThat(jobs.findElements(By.cssSelector("button.retry"))).isEmpty();
    screenshot("7-viewer-jobs");

    long postsBefore = TEACHER.seen().stream().filter(r -> r.startsWith("POST")).count();
    Api.Response rollback = api().post("/api/v1/rollouts/" + phoneRollout + "/rollback", Api.VIEWER, Map.of());
    Api.Response retry = api().post("/console/api/teacher/jobs/job-7/retry", Api.VIEWER, Map.of());
    assertThat(rollback.status()).isEqualTo(403);
    assertThat(rollback.isProblem()).isTrue();
    assertThat(retry.status()).isEqualTo(403);
    assertThat(retry.isProblem()).isTrue();
    assertThat(api().get("/api/v1/rollouts/" + phoneRollout, Api.VIEWER).json().get("status").asString()).isEqualTo("ACTIVE");
    assertThat(TEACHER.seen().stream().filter(r -> r.startsWith("POST")).count()).isEqualTo(postsBefore);
  }

  @Test
  @Order(7)
  void withTheTeacherGoneThePagesSaySoAndTheChartsStillDraw() {
    fleet();
    TEACHER.close();

    open("#/jobs");
    WebElement jobs = loaded("jobs");
    WebElement notice = jobs.findElement(By.cssSelector(".notice"));
    assertThat(notice.getText()).contains("cloud teacher unreachable").contains("driftline.registry.console.teacher-url");

    open("#/device/" + charted);
    WebElement device = loaded("device");
    screenshot("8-teacher-unreachable");
    assertThat(device.findElement(By.id("device-incidents-note")).getText())
        .contains("cloud teacher unreachable").contains("incidents are not marked");
    assertThat(device.findElement(By.cssSelector("#chart-entropy path.series")).getAttribute("d").split("L")).hasSize(40);
    assertThat(device.findElements(By.cssSelector("rect.incident"))).isEmpty();
  }
}
