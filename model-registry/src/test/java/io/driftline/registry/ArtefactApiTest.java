package io.driftline.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.core.bundle.BundleCodec;
import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.model.SyntheticStudents;
import io.driftline.testsupport.RealPostgres;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Uploads and downloads: validation, deduplication, the size limit, and bad input leaving nothing. */
// @RealPostgres first: its database must outlive the Spring context, which closes after the class
@RealPostgres
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ArtefactApiTest extends RegistryTest {

  static final Path DATA = tempDataDir("artefacts");
  static final KeyPair TEACHER_KEY = Ed25519Keys.generate();
  static final int LIMIT = 2 * 1024 * 1024;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    register(registry, ArtefactApiTest.class, DATA);
    registry.add("driftline.registry.artefacts.max-size", () -> LIMIT + "B");
    registry.add("driftline.registry.signing.trusted-keys[0]", () -> Ed25519Keys.toRawBase64(TEACHER_KEY.getPublic()));
  }

  @Autowired
  JdbcClient jdbc;

  private long artefactRows() {
    return jdbc.sql("select count(*) from artefact").query(Long.class).single();
  }

  private List<Path> blobFiles() throws IOException {
    try (Stream<Path> files = Files.walk(DATA.resolve("blobs"))) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void studentIsValidatedStoredOnceAndDownloadedByteForByte() throws IOException {
    byte[] onnx = SyntheticStudents.nano(7);

    Api.Response first = api().upload(Api.OPERATOR, "application/onnx", onnx);
    Api.Response again = api().upload(Api.OPERATOR, "application/onnx", onnx);

    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    String digest = first.json().get("digest").asString();
    assertThat(again.json().get("digest").asString()).isEqualTo(digest);
    assertThat(digest).isEqualTo(BundleCodec.digest(onnx));
    assertThat(first.json().get("details").get("channels").asInt()).isEqualTo(1);
    assertThat(blobFiles().stream().filter(p -> p.getFileName().toString().equals(digest))).hasSize(1);
    HttpResponse<byte[]> download = api().download("/api/v1/artefacts/" + digest, Api.VIEWER);
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body()).isEqualTo(onnx);
    assertThat(download.headers().firstValue("ETag")).hasValue("\"" + digest + "\"");
    assertThat(download.headers().firstValue("Content-Type")).hasValue("application/onnx");
    assertThat(download.headers().firstValue("Content-Length")).hasValue(Integer.toString(onnx.length));
    assertThat(download.headers().firstValue("Cache-Control")).get().asString().contains("immutable", "private");
  }

  @Test
  void aDownloadNamingTheDigestAsIfNoneMatchIsAnsweredNotModified() {
    byte[] onnx = SyntheticStudents.nano(9);
    String digest = api().upload(Api.OPERATOR, "application/onnx", onnx).json().get("digest").asString();

    HttpResponse<byte[]> cached = api().download("/api/v1/artefacts/" + digest, Api.VIEWER, "\"" + digest + "\"");
    HttpResponse<byte[]> stale = api().download("/api/v1/artefacts/" + digest, Api.VIEWER, "\"" + "0".repeat(64) + "\"");
    HttpResponse<byte[]> anonymous = api().download("/api/v1/artefacts/" + digest, null, "\"" + digest + "\"");

    assertThat(cached.statusCode()).isEqualTo(304);
    assertThat(cached.body()).isEmpty();
    assertThat(cached.headers().firstValue("ETag")).hasValue("\"" + digest + "\"");
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo(onnx);
    assertThat(anonymous.statusCode()).isEqualTo(401);
  }

  @Test
  void studentVersionsGetInputSizeRequirementsAndRejectOtherMediaTypes() {
    String onnx = api().upload(Api.OPERATOR, "application/onnx", SyntheticStudents.nano(8)).json().get("digest").asString();
    String opaque = api().upload(Api.OPERATOR, "application/octet-stream", new byte[] {1, 2, 3}).json().get("digest").asString();
    api().post("/api/v1/models", Api.OPERATOR, Map.of("name", "student-r", "kind", "student"));

    Api.Response ok = api().post("/api/v1/models/student-r/versions", Api.OPERATOR, Map.of("digest", onnx));
    Api.Response wrong = api().post("/api/v1/models/student-r/versions", Api.OPERATOR, Map.of("digest", opaque));

    assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
    JsonNode req = ok.json().get("requirements");
    assertThat(req.get("student").asString()).isEqualTo("student-r:1");
    assertThat(req.get("channels").asInt()).isEqualTo(1);
    assertThat(req.get("inputWidth").asInt()).isPositive();
    assertThat(wrong.status()).isEqualTo(422);
    assertThat(wrong.json().get("detail").asString()).contains("application/onnx");
  }

  @Test
  void malformedOnnxIs422AndLeavesNoRowAndNoFile() throws IOException {
    long rows = artefactRows();
    List<Path> files = blobFiles();
    byte[] garbage = new byte[4096];
    new Random(3).nextBytes(garbage);

    Api.Response r = api().upload(Api.OPERATOR, "application/onnx", garbage);

    assertThat(r.status()).as(r.toString()).isEqualTo(422);
    assertThat(r.isProblem()).isTrue();
    assertThat(r.json().get("detail").asString()).contains("not a valid student ONNX model");
    assertThat(artefactRows()).isEqualTo(rows);
    assertThat(blobFiles()).containsExactlyInAnyOrderElementsOf(files);
    assertThat(api().get("/api/v1/artefacts/" + BundleCodec.digest(garbage) + "/metadata", Api.VIEWER).status())
        .isEqualTo(404);
  }

  @Test
  void onnxWithoutTheStudentSignatureIs422() throws IOException {
    long rows = artefactRows();
    List<Path> files = blobFiles();

    Api.Response r = api().upload(Api.OPERATOR, "application/onnx", TestArtefacts.identityOnnx());

    assertThat(r.status()).as(r.toString()).isEqualTo(422);
    assertThat(artefactRows()).isEqualTo(rows);
    assertThat(blobFiles()).containsExactlyInAnyOrderElementsOf(files);
  }

  @Test
  void oversizeUploadIs413WithAndWithoutContentLength() throws Exception {
    long rows = artefactRows();
    List<Path> files = blobFiles();
    byte[] big = new byte[LIMIT + 100_000];
    new Random(5).nextBytes(big);

    Api.Response announced = api().upload(Api.OPERATOR, "application/octet-stream", big);
    HttpResponse<String> chunked = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/artefacts"))
            .header("Authorization", "Bearer " + Api.OPERATOR)
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(announced.status()).as(announced.toString()).isEqualTo(413);
    assertThat(announced.isProblem()).isTrue();
    assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(413);
    assertThat(chunked.body()).contains("larger than the limit");
    assertThat(artefactRows()).isEqualTo(rows);
    assertThat(blobFiles()).containsExactlyInAnyOrderElementsOf(files);
  }

  @Test
  void unknownMediaTypeIs415() {
    Api.Response r = api().upload(Api.OPERATOR, "text/plain", new byte[] {1});
    Api.Response garbage = api().upload(Api.OPERATOR, "not a type", new byte[] {1});

    assertThat(r.status()).isEqualTo(415);
    assertThat(r.isProblem()).isTrue();
    assertThat(garbage.status()).isEqualTo(415);
    assertThat(garbage.isProblem()).isTrue();
  }

  @Test
  void bundlesMustVerifyWithATrustedKey() {
    byte[] trusted = TestArtefacts.bundle("bundle-t", 1, "student-x:1", 100, TEACHER_KEY.getPrivate());
    byte[] untrusted = TestArtefacts.bundle("bundle-t", 1, "student-x:1", 100, Ed25519Keys.generate().getPrivate());
    byte[] tampered = trusted.clone();
    tampered[20] ^= 1;

    Api.Response ok = api().upload(Api.OPERATOR, "application/vnd.driftline.bundle", trusted);
    Api.Response bad = api().upload(Api.OPERATOR, "application/vnd.driftline.bundle", untrusted);
    Api.Response broken = api().upload(Api.OPERATOR, "application/vnd.driftline.bundle", tampered);
    Api.Response notBundle = api().upload(Api.OPERATOR, "application/vnd.driftline.bundle", SyntheticStudents.nano(1));

    assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
    assertThat(ok.json().get("details").get("signerKeyId").asString()).isEqualTo(Ed25519Keys.keyId(TEACHER_KEY.getPublic()));
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.json().get("detail").asString()).contains("BAD_SIGNATURE");
    assertThat(broken.status()).isEqualTo(422);
    assertThat(broken.json().get("detail").asString()).contains("DIGEST_MISMATCH");
    assertThat(notBundle.status()).isEqualTo(422);
    assertThat(notBundle.json().get("detail").asString()).contains("BAD_MAGIC");
  }

  @Test
  void promotingABundleSignsItWithThePublishedRegistryKey() throws Exception {
    byte[] file = TestArtefacts.bundle("bundle-p", 1, "student-x:1", 1000, TEACHER_KEY.getPrivate());
    String digest = api().upload(Api.OPERATOR, "application/vnd.driftline.bundle", file).json().get("digest").asString();
    api().post("/api/v1/models", Api.OPERATOR, Map.of("name", "bundle-p", "kind", "bundle"));
    api().post("/api/v1/models/bundle-p/versions", Api.OPERATOR, Map.of("digest", digest));

    Api.Response promoted = api().put("/api/v1/models/bundle-p/aliases/production", Api.OPERATOR, Map.of("version", 1));
    JsonNode version = api().get("/api/v1/models/bundle-p/versions/1", Api.VIEWER).json();
    JsonNode key = api().get("/api/v1/signing-key", null).json();

    assertThat(promoted.status()).as(promoted.toString()).isEqualTo(200);
    String signed = version.get("signedDigest").asString();
    assertThat(signed).isNotEqualTo(digest);
    assertThat(version.get("signatureKeyId").asString()).isEqualTo(key.get("keyId").asString());
    byte[] bytes = api().download("/api/v1/artefacts/" + signed, Api.VIEWER).body();
    var decoded = BundleCodec.decode(bytes, Ed25519Keys.parsePublicKey(key.get("pem").asString()));
    assertThat(decoded.metadata().bundleId()).isEqualTo("bundle-p");
    assertThat(Files.readString(DATA.resolve("signing-key.pem.pub"))).isEqualTo(key.get("pem").asString());
  }
}
