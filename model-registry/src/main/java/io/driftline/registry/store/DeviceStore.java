package io.driftline.registry.store;

import io.driftline.core.events.RegistryEvent;
import io.driftline.registry.config.RegistryProperties;
import io.driftline.registry.model.Device;
import io.driftline.registry.model.Device.ReportedState;
import io.driftline.registry.model.Device.Sensor;
import io.driftline.registry.model.ModelKind;
import io.driftline.registry.model.Page;
import io.driftline.registry.model.RegistryException;
import io.driftline.registry.events.Outbox;
import io.driftline.registry.security.TokenAuthenticator;
import io.driftline.registry.store.Cursors.Keyed;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Enrols and revokes devices and records what they report. */
@Repository
public class DeviceStore {

  private static final Logger LOG = LoggerFactory.getLogger(DeviceStore.class);
  private static final Set<String> PRECISIONS = Set.of("FP32", "INT8", "BINARY");

  private static final String SELECT = """
      select d.seq, d.id, d.status, d.enrolled_at, d.description::text as description,
        r.active_bundle, r.health::text as health, r.reported_at
      from device d left join reported_state r on r.device_id = d.id
      """;

  private final JdbcClient jdbc;
  private final Json json;
  private final Outbox outbox;
  private final AuditLog audit;
  private final ModelStore models;
  private final TokenAuthenticator tokens;
  // "deviceId digest" pairs a device was allowed to download
  private final ShortLivedCache<String, String> downloads;

  DeviceStore(JdbcClient jdbc, Json json, Outbox outbox, AuditLog audit, ModelStore models,
      TokenAuthenticator tokens, RegistryProperties properties) {
    this.jdbc = jdbc;
    this.tokens = tokens;
    this.downloads = new ShortLivedCache<>(properties.security().cacheTtl(), 100_000);
    this.json = json;
    this.outbox = outbox;
    this.audit = audit;
    this.models = models;
  }

  /**
   * Enrols a device and issues its token; only the token's SHA-256 is stored, so the token is
   * returned here once and never again.
   */
  @Transactional
  public Enrolment enrol(String actor, Description d) {
    check(d);
    models.versionId("student", d.student(), ModelKind.STUDENT);
    String deviceId = "dev-" + UUID.randomUUID();
    String token = TokenAuthenticator.newDeviceToken();
    Map<String, Object> payload = payload(deviceId, d);
    jdbc.sql("""
            insert into device (id, device_class, student, domain, description, token_sha256, status)
            values (?, ?, ?, ?, ?::jsonb, ?, 'ACTIVE')""")
        .params(deviceId, d.deviceClass(), d.student(), labels(d).get("domain"), json.write(payload),
            TokenAuthenticator.sha256(token))
        .update();
    outbox.registryEvent(RegistryEvent.Type.DEVICE_ENROLLED, deviceId, payload);
    audit.append(actor, "device.enrol", deviceId, payload);
    LOG.info("enrolled device deviceId={} class={} student={} actor={}", deviceId, d.deviceClass(),
        d.student(), actor);
    return new Enrolment(deviceId, token, get(deviceId));
  }

  /** Returns a device or fails with a 404. */
  public Device get(String deviceId) {
    return jdbc.sql(SELECT + " where d.id = ?").param(deviceId).query(this::device).optional()
        .map(Keyed::item)
        .orElseThrow(() -> RegistryException.notFound("no device '" + deviceId + "'"));
  }

  /** Lists devices in enrolment order, filtered by every given field. */
  public Page<Device> list(@Nullable String deviceClass, @Nullable String student, @Nullable String domain,
      @Nullable String status, @Nullable String cursor, int limit) {
    List<Keyed<Device>> rows = jdbc.sql(SELECT + """
             where d.seq > :after
              and (cast(:cls as text) is null or d.device_class = :cls)
              and (cast(:student as text) is null or d.student = :student)
              and (cast(:domain as text) is null or d.domain = :domain)
              and (cast(:status as text) is null or d.status = :status)
            order by d.seq limit :limit""")
        .param("after", Cursors.decode(cursor)).param("cls", deviceClass).param("student", student)
        .param("domain", domain).param("status", status).param("limit", Cursors.limit(limit) + 1)
        .query(this::device).list();
    return Cursors.pageOf(rows, limit);
  }

  /**
   * Revokes a device: its token stops working and a tombstone on the desired-state topic tells
   * consumers it left the fleet.
   */
  @Transactional
  public Device revoke(String actor, String deviceId) {
    Device device = get(deviceId);
    if (device.status().equals("REVOKED")) {
      throw RegistryException.conflict("device '" + deviceId + "' is already revoked");
    }
    jdbc.sql("update device set status = 'REVOKED', revoked_at = now() where id = ?").param(deviceId).update();
    tokens.forget(deviceId);
    long generation = jdbc.sql("select coalesce(max(generation), 0) from desired_state where device_id = ?")
        .param(deviceId).query(Long.class).single();
    outbox.desiredStateTombstone(deviceId, generation);
    Map<String, Object> payload = Map.of("deviceId", deviceId);
    outbox.registryEvent(RegistryEvent.Type.DEVICE_REVOKED, deviceId, payload);
    audit.append(actor, "device.revoke", deviceId, payload);
    LOG.info("revoked device deviceId={} actor={}", deviceId, actor);
    return get(deviceId);
  }

  /** Records what a device runs and how it is. */
  @Transactional
  public ReportedState report(String actor, String deviceId, @Nullable String activeBundle,
      Map<String, Object> health) {
    Device device = get(deviceId);
    if (device.status().equals("REVOKED")) {
      throw RegistryException.conflict("device '" + deviceId + "' is revoked");
    }
    String healthJson = json.write(health);
    jdbc.sql("""
            insert into reported_state (device_id, active_bundle, health, reported_at) values (?, ?, ?::jsonb, now())
            on conflict (device_id) do update set active_bundle = excluded.active_bundle,
              health = excluded.health, reported_at = excluded.reported_at""")
        .params(deviceId, activeBundle, healthJson).update();
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("deviceId", deviceId);
    payload.put("activeBundle", activeBundle);
    payload.put("health", health);
    outbox.registryEvent(RegistryEvent.Type.REPORTED_STATE, deviceId, payload);
    audit.append(actor, "device.report", deviceId, payload);
    return get(deviceId).reported();
  }

  /**
   * Returns whether a device may download an artefact: the bundle it should run (as signed) or its
   * student.
   */
  public boolean mayDownload(String deviceId, String digest) {
    String key = deviceId + " " + digest;
    if (downloads.get(key) != null) {
      return true;
    }
    boolean allowed = jdbc.sql("""
            select exists (
              select 1 from desired_state ds join model_version v on v.id = ds.bundle_version_id
              where ds.device_id = :device and v.signed_digest = :digest)
            or exists (
              select 1 from device d
              join registered_model m on m.name = substring(d.student from '^(.*):[0-9]+$')
              join model_version v on v.model_id = m.id
                and v.version = cast(substring(d.student from ':([0-9]+)$') as int)
              where d.id = :device and v.digest = :digest)""")
        .param("device", deviceId).param("digest", digest).query(Boolean.class).single();
    if (allowed) {
      downloads.put(key, deviceId);
    }
    return allowed;
  }

  private static void check(Description d) {
    require(d.deviceClass() != null && !d.deviceClass().isBlank(), "deviceClass is required (e.g. mcu, phone, gateway)");
    require(d.student() != null, "student is required, written <name>:<version>");
    require(d.precisions() != null && !d.precisions().isEmpty(), "precisions must list at least one of FP32, INT8, BINARY");
    for (String p : d.precisions()) {
      require(PRECISIONS.contains(p), "precision '" + p + "' is not one of FP32, INT8, BINARY");
    }
    require(d.ramBytes() > 0 && d.flashBytes() > 0 && d.macsPerSecond() > 0,
        "ramBytes, flashBytes and macsPerSecond must be positive");
    if (d.sensors() != null) {
      for (Sensor s : d.sensors()) {
        require(s.id() != null && s.kind() != null, "every sensor needs id and kind");
        require(s.width() > 0 && s.height() > 0 && s.channels() >= 1 && s.channels() <= 4,
            "sensor '" + s.id() + "' needs positive width and height and 1-4 channels");
      }
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw RegistryException.badRequest(message);
    }
  }

  private static Map<String, String> labels(Description d) {
    return d.labels() == null ? Map.of() : d.labels();
  }

  private static Map<String, Object> payload(String deviceId, Description d) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("deviceId", deviceId);
    p.put("deviceClass", d.deviceClass());
    p.put("student", d.student());
    p.put("precisions", d.precisions());
    p.put("ramBytes", d.ramBytes());
    p.put("flashBytes", d.flashBytes());
    p.put("macsPerSecond", d.macsPerSecond());
    p.put("accelerator", d.accelerator());
    p.put("sensors", d.sensors() == null ? List.of() : d.sensors());
    p.put("labels", labels(d));
    return p;
  }

  private Keyed<Device> device(ResultSet rs, int row) throws SQLException {
    Description d = json.read(rs.getString("description"), Description.class);
    String health = rs.getString("health");
    ReportedState reported = rs.getTimestamp("reported_at") == null ? null
        : new ReportedState(rs.getString("active_bundle"), json.readMap(health),
            rs.getTimestamp("reported_at").toInstant());
    return new Keyed<>(rs.getLong("seq"), new Device(rs.getString("id"), d.deviceClass(), d.student(),
        List.copyOf(d.precisions()), d.ramBytes(), d.flashBytes(), d.macsPerSecond(), d.accelerator(),
        d.sensors() == null ? List.of() : List.copyOf(d.sensors()), labels(d), rs.getString("status"),
        rs.getTimestamp("enrolled_at").toInstant(), reported));
  }

  /**
   * What a device says about itself at enrolment.
   *
   * @param deviceClass e.g. {@code mcu}, {@code phone}, {@code gateway}
   * @param student the student it runs, {@code name:version} (must be registered)
   * @param precisions {@code FP32}, {@code INT8}, {@code BINARY}
   * @param ramBytes RAM
   * @param flashBytes flash
   * @param macsPerSecond compute
   * @param accelerator accelerator name
   * @param sensors cameras
   * @param labels free labels; {@code domain} places it in a domain cohort
   */
  public record Description(String deviceClass, String student, List<String> precisions, long ramBytes,
      long flashBytes, long macsPerSecond, @Nullable String accelerator, @Nullable List<Sensor> sensors,
      @Nullable Map<String, String> labels) {}

  /**
   * An enrolled device and its token (shown once).
   *
   * @param deviceId the new id
   * @param token the bearer token for the device API; store it, it cannot be read again
   * @param device the device as stored
   */
  public record Enrolment(String deviceId, String token, Device device) {}
}
