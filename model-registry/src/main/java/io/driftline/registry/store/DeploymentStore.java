package io.driftline.registry.store;

import io.driftline.core.events.BundleRef;
import io.driftline.core.events.DesiredState;
import io.driftline.registry.config.RegistryProperties;
import io.driftline.registry.events.Outbox;
import io.driftline.registry.model.ModelKind;
import io.driftline.registry.model.ModelVersion;
import io.driftline.registry.model.Page;
import io.driftline.registry.model.RegistryException;
import io.driftline.registry.model.Rollout;
import io.driftline.registry.model.Rollout.Cohort;
import io.driftline.registry.model.VersionRef;
import io.driftline.registry.store.Cursors.Keyed;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Desired state per device, rollouts to cohorts and their rollback. A rollout is one SQL statement
 * that sets every matching device's desired state, appends its history and writes both outbox
 * records per device (the {@code fleet.desired-state} record and the {@code DESIRED_STATE_SET}
 * event), so a 10,000-device rollout is one round trip. Deployment changes take one advisory lock,
 * so generations and histories never interleave.
 */
@Repository
public class DeploymentStore {

  private static final Logger LOG = LoggerFactory.getLogger(DeploymentStore.class);
  private static final long DEPLOYMENT_LOCK = 0x44524c5f4445504cL;

  /** Sets desired states for the (device_id, version_id) rows of a targets query. */
  private static final String FAN_OUT = """
      with targets as (%s),
      upd as (
        insert into desired_state as ds (device_id, bundle_version_id, previous_bundle_version_id, generation,
          rollout_id, issued_at)
        select device_id, version_id, null, 1, cast(:rollout as bigint), :issuedAt from targets
        on conflict (device_id) do update set previous_bundle_version_id = ds.bundle_version_id,
          bundle_version_id = excluded.bundle_version_id, generation = ds.generation + 1,
          rollout_id = excluded.rollout_id, issued_at = excluded.issued_at
        returning device_id, generation, bundle_version_id, previous_bundle_version_id),
      rows as (
        -- joins only tables by primary key: the planner cannot misjudge a CTE's size into a quadratic plan
        select u.device_id, u.generation, u.bundle_version_id as version_id, u.previous_bundle_version_id as prev_id,
          m.name, v.version, v.signed_digest as digest, v.signature_key_id as key_id,
          gen_random_uuid()::text as event_id
        from upd u join model_version v on v.id = u.bundle_version_id join registered_model m on m.id = v.model_id),
      hist as (
        insert into desired_state_history (device_id, generation, bundle_version_id, previous_bundle_version_id,
          rollout_id, issued_at, issued_by)
        select device_id, generation, version_id, prev_id, cast(:rollout as bigint), :issuedAt, :actor from rows
        returning 1),
      state_out as (
        insert into outbox (event_id, message_key, record_type, value)
        select 'desired-state/' || device_id || '/' || generation, device_id, 'DESIRED_STATE',
          jsonb_build_object('deviceId', device_id,
            'bundle', jsonb_build_object('bundleId', name, 'version', version),
            'artefactDigest', digest, 'artefactUrl', cast(:urlPrefix as text) || digest, 'signatureKeyId', key_id,
            'issuedAt', cast(:issuedAtText as text), 'generation', generation)
        from rows order by device_id
        returning 1),
      event_out as (
        insert into outbox (event_id, message_key, record_type, value)
        select event_id, device_id, 'REGISTRY_EVENT',
          jsonb_build_object('eventId', event_id, 'type', 'DESIRED_STATE_SET', 'entityId', device_id,
            'occurredAt', cast(:issuedAtText as text),
            'payload', jsonb_build_object('deviceId', device_id, 'bundle', name || ':' || version,
              'digest', digest, 'rolloutId', cast(:rolloutText as text), 'generation', generation))
        from rows order by device_id
        returning 1)
      select count(*) from hist
      """;

  private static final String COHORT = """
      select d.id as device_id, cast(:versionId as bigint) as version_id from device d
      where d.status = 'ACTIVE'
        and (cast(:cls as text) is null or d.device_class = :cls)
        and (cast(:student as text) is null or d.student = :student)
        and (cast(:domain as text) is null or d.domain = :domain)
        and (cast(:deviceIds as text[]) is null or d.id = any(cast(:deviceIds as text[])))
        and (cast(:bundleStudent as text) is null or d.student = :bundleStudent)
      """;

  private static final String ONE_DEVICE = """
      select d.id as device_id, cast(:versionId as bigint) as version_id from device d
      where d.id = :device and d.status = 'ACTIVE'
      """;

  /** Devices still on a rolled-back rollout whose previous bundle was {@code :original}. */
  private static final String ROLLBACK = """
      select ds.device_id, cast(:versionId as bigint) as version_id from desired_state ds
      where ds.rollout_id = :rolledBack and ds.previous_bundle_version_id = :original
      """;

  private static final String ROLLOUT_SELECT = """
      select r.id, m.name || ':' || v.version as bundle, r.cohort::text as cohort, r.status, r.device_count,
        r.created_at, r.created_by, r.rolled_back_at, r.rolled_back_by
      from rollout r join model_version v on v.id = r.bundle_version_id join registered_model m on m.id = v.model_id
      """;

  private final JdbcClient jdbc;
  private final Json json;
  private final Outbox outbox;
  private final AuditLog audit;
  private final ModelStore models;
  private final DeviceStore devices;
  private final String urlPrefix;

  DeploymentStore(JdbcClient jdbc, Json json, Outbox outbox, AuditLog audit, ModelStore models,
      DeviceStore devices, RegistryProperties properties) {
    this.jdbc = jdbc;
    this.json = json;
    this.outbox = outbox;
    this.audit = audit;
    this.models = models;
    this.devices = devices;
    this.urlPrefix = properties.publicBaseUrl() + "/api/v1/artefacts/";
  }

  /** Sets one device's desired bundle (signing it first if it was never promoted). */
  @Transactional
  public DesiredState setDesired(String actor, String deviceId, String bundle) {
    lock();
    var device = devices.get(deviceId);
    if (!device.status().equals("ACTIVE")) {
      throw RegistryException.conflict("device '" + deviceId + "' is " + device.status());
    }
    ModelVersion version = deployable(actor, bundle, device.student());
    fanOut(ONE_DEVICE, Map.of("device", deviceId, "versionId", versionId(version)), null, actor);
    audit.append(actor, "desired-state.set", deviceId, Map.of("bundle", version.ref()));
    LOG.info("desired state set deviceId={} bundle={} actor={}", deviceId, version.ref(), actor);
    return desired(deviceId).orElseThrow();
  }

  /** Returns a device's desired state, if one was set. */
  public Optional<DesiredState> desired(String deviceId) {
    return jdbc.sql("""
            select ds.device_id, m.name, v.version, v.signed_digest, v.signature_key_id, ds.issued_at, ds.generation
            from desired_state ds join model_version v on v.id = ds.bundle_version_id
            join registered_model m on m.id = v.model_id where ds.device_id = ?""")
        .param(deviceId)
        .query((rs, i) -> new DesiredState(rs.getString("device_id"),
            new BundleRef(rs.getString("name"), rs.getInt("version")), rs.getString("signed_digest"),
            urlPrefix + rs.getString("signed_digest"), rs.getString("signature_key_id"),
            rs.getTimestamp("issued_at").toInstant(), rs.getLong("generation")))
        .optional();
  }

  /**
   * Rolls a bundle out to a cohort: every active device matching all cohort fields (and running the
   * student the bundle was made for, when its requirements name one) gets it as desired state.
   */
  @Transactional
  public Rollout rollout(String actor, String bundle, Cohort cohort) {
    if (cohort.isEmpty()) {
      throw RegistryException.badRequest("cohort needs at least one of deviceClass, student, domain, deviceIds "
          + "(a rollout never targets the whole fleet by accident)");
    }
    String @Nullable [] deviceIds = cohort.deviceIds() == null ? null : deviceIds(cohort.deviceIds());
    lock();
    ModelVersion version = deployable(actor, bundle);
    if (deviceIds != null) {
      requireEnrolled(deviceIds);
    }
    long rolloutId = jdbc.sql("""
            insert into rollout (bundle_version_id, cohort, status, created_by) values (?, ?::jsonb, 'ACTIVE', ?)
            returning id""")
        .params(versionId(version), json.write(cohort), actor).query(Long.class).single();
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("versionId", versionId(version));
    params.put("cls", cohort.deviceClass());
    params.put("student", cohort.student());
    params.put("domain", cohort.domain());
    params.put("deviceIds", deviceIds);
    params.put("bundleStudent", version.requirements() == null ? null : version.requirements().student());
    int count = fanOut(COHORT, params, rolloutId, actor);
    jdbc.sql("update rollout set device_count = ? where id = ?").params(count, rolloutId).update();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("bundle", version.ref());
    details.put("cohort", cohort);
    details.put("devices", count);
    audit.append(actor, "rollout.create", "rollout:" + rolloutId, details);
    LOG.info("rollout rolloutId={} bundle={} devices={} actor={}", rolloutId, version.ref(), count, actor);
    return get(rolloutId);
  }

  /**
   * Rolls a rollout back: every device still on it goes back to the payload of the bundle it had
   * before, with a new generation. Devices never install a version lower than the one they run, so
   * each earlier bundle is re-issued as the next version of the rolled-back bundle's model (same
   * prompt and adaptors, signed by the registry, lineage {@code rollbackOf}, see
   * {@link ModelStore#reissue}) and that version becomes their desired state. Devices that had no
   * bundle before keep this one (a desired state always names a bundle); the answer's
   * {@code deviceCount} stays the rollout's own. Everything happens in one transaction under the
   * deployment lock, so of concurrent rollbacks of one rollout exactly one re-issues and the others
   * get a 409.
   */
  @Transactional
  public RollbackResult rollback(String actor, long rolloutId) {
    lock();
    Rollout rollout = get(rolloutId);
    if (!rollout.status().equals("ACTIVE")) {
      throw RegistryException.conflict("rollout " + rolloutId + " is already " + rollout.status());
    }
    String model = VersionRef.parse("bundle", rollout.bundle()).name();
    List<Previous> previous = jdbc.sql("""
            select v.id, m.name, v.version from model_version v join registered_model m on m.id = v.model_id
            where v.id in (select previous_bundle_version_id from desired_state where rollout_id = ?)
            order by v.id""")
        .param(rolloutId)
        .query((rs, i) -> new Previous(rs.getLong("id"), new VersionRef(rs.getString("name"), rs.getInt("version"))))
        .list();
    List<Reissue> reissues = new ArrayList<>();
    int restored = 0;
    for (Previous p : previous) {
      ModelVersion reissue = models.reissue(actor, p.ref(), model, rolloutId);
      int devices = fanOut(ROLLBACK, Map.of("rolledBack", rolloutId, "original", p.id(),
          "versionId", versionId(reissue)), null, actor);
      restored += devices;
      reissues.add(new Reissue(p.ref().toString(), reissue.ref(), devices));
    }
    int remaining = jdbc.sql("select count(*) from desired_state where rollout_id = ?").param(rolloutId)
        .query(Integer.class).single();
    jdbc.sql("update rollout set status = 'ROLLED_BACK', rolled_back_at = now(), rolled_back_by = ? where id = ?")
        .params(actor, rolloutId).update();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("restored", restored);
    details.put("withoutPreviousBundle", remaining);
    details.put("reissued", reissues);
    audit.append(actor, "rollout.rollback", "rollout:" + rolloutId, details);
    LOG.info("rollback rolloutId={} restored={} withoutPreviousBundle={} reissued={} actor={}", rolloutId, restored,
        remaining, reissues, actor);
    return new RollbackResult(get(rolloutId), restored, remaining, reissues);
  }

  /** Returns a rollout or fails with a 404. */
  public Rollout get(long rolloutId) {
    return jdbc.sql(ROLLOUT_SELECT + " where r.id = ?").param(rolloutId).query(this::rollout).optional()
        .map(Keyed::item)
        .orElseThrow(() -> RegistryException.notFound("no rollout " + rolloutId));
  }

  /** Lists rollouts, oldest first. */
  public Page<Rollout> list(@Nullable String cursor, int limit) {
    return Cursors.pageOf(jdbc.sql(ROLLOUT_SELECT + " where r.id > ? order by r.id limit ?")
        .params(Cursors.decode(cursor), Cursors.limit(limit) + 1).query(this::rollout).list(), limit);
  }

  /** Checks a cohort's device id list (400 if empty, too long or holding a blank id) and drops repeats. */
  private static String[] deviceIds(List<String> ids) {
    if (ids.isEmpty()) {
      throw RegistryException.badRequest("cohort.deviceIds is empty; name at least one device or leave the field out");
    }
    if (ids.size() > Cohort.MAX_DEVICE_IDS) {
      throw RegistryException.badRequest("cohort.deviceIds names " + ids.size() + " devices; at most "
          + Cohort.MAX_DEVICE_IDS + " per rollout, split it into several rollouts");
    }
    if (ids.stream().anyMatch(id -> id == null || id.isBlank())) {
      throw RegistryException.badRequest("cohort.deviceIds holds a null or blank id");
    }
    return ids.stream().distinct().toArray(String[]::new);
  }

  /**
   * Fails with a 422 naming the ids no device was ever enrolled under: a typo must not shrink a
   * rollout silently. Revoked devices are known; the cohort query leaves them out like any other.
   */
  private void requireEnrolled(String[] deviceIds) {
    List<String> unknown = jdbc.sql("""
            select given.id from unnest(cast(:ids as text[])) with ordinality as given(id, n)
            where not exists (select 1 from device d where d.id = given.id) order by given.n""")
        .param("ids", deviceIds).query(String.class).list();
    if (!unknown.isEmpty()) {
      int shown = Math.min(unknown.size(), 20);
      throw RegistryException.unprocessable(unknown.size() + " of cohort.deviceIds are not enrolled devices: "
          + String.join(", ", unknown.subList(0, shown)) + (unknown.size() > shown ? ", ..." : "")
          + "; enrol them or leave them out");
    }
  }

  private ModelVersion deployable(String actor, String bundle) {
    return deployable(actor, bundle, null);
  }

  /**
   * Checks that {@code bundle} may be deployed (to a device running {@code deviceStudent}, when
   * given) before signing it, so a refused request stores nothing.
   */
  private ModelVersion deployable(String actor, String bundle, @Nullable String deviceStudent) {
    VersionRef ref = VersionRef.parse("bundle", bundle);
    ModelVersion version = models.getVersion(ref.name(), ref.version());
    if (!version.kind().equals("bundle")) {
      throw RegistryException.unprocessable(ref + " is a " + version.kind() + ", not a bundle");
    }
    if (!version.status().equals("READY")) {
      throw RegistryException.conflict(ref + " is " + version.status() + "; only READY bundles are deployed");
    }
    String bundleStudent = version.requirements() == null ? null : version.requirements().student();
    if (deviceStudent != null && bundleStudent != null && !bundleStudent.equals(deviceStudent)) {
      // a rollout leaves such devices out; naming one device explicitly is a mistake to report
      throw RegistryException.unprocessable(ref + " was made for student " + bundleStudent + " but the device runs "
          + deviceStudent);
    }
    return models.ensureSigned(actor, ref);
  }

  private long versionId(ModelVersion version) {
    return models.versionId("bundle", version.ref(), ModelKind.BUNDLE);
  }

  private int fanOut(String targets, Map<String, ?> params, @Nullable Long rolloutId, String actor) {
    Instant now = outbox.now();
    var spec = jdbc.sql(FAN_OUT.formatted(targets))
        .param("rollout", rolloutId)
        .param("rolloutText", rolloutId == null ? null : String.valueOf(rolloutId))
        .param("issuedAt", Timestamp.from(now))
        .param("issuedAtText", now.toString())
        .param("actor", actor)
        .param("urlPrefix", urlPrefix);
    for (Map.Entry<String, ?> p : params.entrySet()) {
      spec = spec.param(p.getKey(), p.getValue());
    }
    return spec.query(Integer.class).single();
  }

  private void lock() {
    jdbc.sql("select pg_advisory_xact_lock(?)").param(DEPLOYMENT_LOCK).query((rs, i) -> 1).single();
  }

  private Keyed<Rollout> rollout(ResultSet rs, int row) throws SQLException {
    Timestamp rolledBack = rs.getTimestamp("rolled_back_at");
    return new Keyed<>(rs.getLong("id"), new Rollout(rs.getLong("id"), rs.getString("bundle"),
        json.read(rs.getString("cohort"), Cohort.class), rs.getString("status"), rs.getInt("device_count"),
        rs.getTimestamp("created_at").toInstant(), rs.getString("created_by"),
        rolledBack == null ? null : rolledBack.toInstant(), rs.getString("rolled_back_by")));
  }

  /**
   * The outcome of a rollback.
   *
   * @param rollout the rollout, now ROLLED_BACK
   * @param restored devices set back to their previous bundle
   * @param withoutPreviousBundle devices that had no bundle before and keep this one
   * @param reissued the earlier bundles re-issued as new versions, one per earlier bundle
   */
  public record RollbackResult(Rollout rollout, int restored, int withoutPreviousBundle, List<Reissue> reissued) {}

  /**
   * An earlier bundle re-issued by a rollback.
   *
   * @param original the earlier version, {@code name:version}, whose payload the re-issue carries
   * @param reissue the new version, {@code name:version}, now the devices' desired state
   * @param devices how many devices were set to it
   */
  public record Reissue(String original, String reissue, int devices) {}

  private record Previous(long id, VersionRef ref) {}
}
