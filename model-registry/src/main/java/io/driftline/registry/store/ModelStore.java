package io.driftline.registry.store;

import io.driftline.core.bundle.Bundle;
import io.driftline.core.bundle.BundleMetadata;
import io.driftline.core.events.RegistryEvent;
import io.driftline.registry.model.AliasChange;
import io.driftline.registry.model.Artefact;
import io.driftline.registry.model.Lineage;
import io.driftline.registry.model.ModelKind;
import io.driftline.registry.model.ModelVersion;
import io.driftline.registry.model.Names;
import io.driftline.registry.model.Page;
import io.driftline.registry.model.RegisteredModel;
import io.driftline.registry.model.RegistryException;
import io.driftline.registry.model.Requirements;
import io.driftline.registry.model.VersionRef;
import io.driftline.registry.security.SigningKeys;
import io.driftline.registry.events.Outbox;
import io.driftline.registry.store.Cursors.Keyed;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
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
 * Registered models, their versions (with lineage), tags and aliases. Every change writes its audit
 * row and outbox event in its own transaction; alias moves lock the model row, so concurrent moves
 * of one model's aliases run one after the other and the alias history stays a chain.
 */
@Repository
public class ModelStore {

  private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);

  private static final String MODEL_SELECT = """
      select m.id, m.name, m.kind, m.description, m.created_at, m.updated_at,
        coalesce((select jsonb_object_agg(t.key, t.value) from model_tag t where t.model_id = m.id),
          '{}'::jsonb)::text as tags,
        coalesce((select jsonb_object_agg(al.alias, v.version) from model_alias al
          join model_version v on v.id = al.version_id where al.model_id = m.id), '{}'::jsonb)::text as aliases,
        coalesce((select max(v.version) from model_version v where v.model_id = m.id), 0) as latest
      from registered_model m
      """;

  private static final String VERSION_SELECT = """
      select v.id, m.name, m.kind, v.version, v.digest, a.size_bytes, a.media_type, v.status,
        v.metrics::text as metrics, v.lineage::text as lineage, v.requirements::text as requirements,
        v.signed_digest, v.signature_key_id, v.created_at, v.created_by,
        array(select al.alias from model_alias al where al.version_id = v.id order by al.alias) as aliases
      from model_version v
      join registered_model m on m.id = v.model_id
      join artefact a on a.digest = v.digest
      """;

  private final JdbcClient jdbc;
  private final Json json;
  private final Outbox outbox;
  private final AuditLog audit;
  private final ArtefactStore artefacts;
  private final SigningKeys keys;

  ModelStore(JdbcClient jdbc, Json json, Outbox outbox, AuditLog audit, ArtefactStore artefacts,
      SigningKeys keys) {
    this.jdbc = jdbc;
    this.json = json;
    this.outbox = outbox;
    this.audit = audit;
    this.artefacts = artefacts;
    this.keys = keys;
  }

  /** Registers a model; 409 if the name is taken. */
  @Transactional
  public RegisteredModel register(String actor, String name, ModelKind kind, @Nullable String description,
      Map<String, String> tags) {
    Names.model(name);
    tags.keySet().forEach(k -> Names.key("tag", k));
    Long id = jdbc.sql("""
            insert into registered_model (name, kind, description) values (?, ?, ?)
            on conflict (name) do nothing returning id""")
        .params(name, kind.wireName(), description)
        .query(Long.class).optional().orElse(null);
    if (id == null) {
      throw RegistryException.conflict("a model named '" + name + "' is already registered");
    }
    tags.forEach((k, v) -> jdbc.sql("insert into model_tag (model_id, key, value) values (?, ?, ?)")
        .params(id, k, v).update());
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("name", name);
    payload.put("kind", kind.wireName());
    payload.put("description", description);
    payload.put("tags", tags);
    outbox.registryEvent(RegistryEvent.Type.MODEL_REGISTERED, name, payload);
    audit.append(actor, "model.register", name, payload);
    LOG.info("registered model name={} kind={} actor={}", name, kind.wireName(), actor);
    return get(name);
  }

  /** Changes a model's description and tags (a null tag value removes the tag). */
  @Transactional
  public RegisteredModel update(String actor, String name, @Nullable String description,
      Map<String, @Nullable String> tags) {
    long id = lockModel(name).id();
    if (description != null) {
      jdbc.sql("update registered_model set description = ? where id = ?").params(description, id).update();
    }
    tags.forEach((k, v) -> {
      Names.key("tag", k);
      if (v == null) {
        jdbc.sql("delete from model_tag where model_id = ? and key = ?").params(id, k).update();
      } else {
        jdbc.sql("""
                insert into model_tag (model_id, key, value) values (?, ?, ?)
                on conflict (model_id, key) do update set value = excluded.value""")
            .params(id, k, v).update();
      }
    });
    jdbc.sql("update registered_model set updated_at = now() where id = ?").param(id).update();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("description", description);
    details.put("tags", tags);
    audit.append(actor, "model.update", name, details);
    return get(name);
  }

  /** Returns a model or fails with a 404. */
  public RegisteredModel get(String name) {
    return jdbc.sql(MODEL_SELECT + " where m.name = ?").param(name)
        .query(this::model).optional()
        .map(Keyed::item)
        .orElseThrow(() -> RegistryException.notFound("no model named '" + name + "'"));
  }

  /**
   * Lists models in registration order.
   *
   * @param kind only this kind
   * @param nameContains only names containing this text (case-insensitive)
   * @param tags only models with all these tags
   */
  public Page<RegisteredModel> search(@Nullable ModelKind kind, @Nullable String nameContains,
      Map<String, String> tags, @Nullable String cursor, int limit) {
    StringBuilder sql = new StringBuilder(MODEL_SELECT).append(" where m.id > ?");
    List<Object> params = new ArrayList<>(List.of(Cursors.decode(cursor)));
    if (kind != null) {
      sql.append(" and m.kind = ?");
      params.add(kind.wireName());
    }
    if (nameContains != null) {
      sql.append(" and strpos(lower(m.name), lower(?)) > 0");
      params.add(nameContains);
    }
    tags.forEach((k, v) -> {
      sql.append(" and exists (select 1 from model_tag t where t.model_id = m.id and t.key = ? and t.value = ?)");
      params.add(k);
      params.add(v);
    });
    sql.append(" order by m.id limit ?");
    params.add(Cursors.limit(limit) + 1);
    return Cursors.pageOf(jdbc.sql(sql.toString()).params(params).query(this::model).list(), limit);
  }

  /**
   * Creates the next version of a model from a stored artefact.
   *
   * @param requirements what a device needs; for students the input size and footprint are filled in
   *     from the ONNX model
   * @param expectedVersion the number the new version must get, or null for any: a client that wrote
   *     the number into the artefact gets a 409 instead of a version under another number
   */
  @Transactional
  public ModelVersion createVersion(String actor, String name, String digest, Map<String, Double> metrics,
      Lineage lineage, @Nullable Requirements requirements, @Nullable Long expectedVersion) {
    ModelRow model = lockModel(name);
    // the model row stays locked until commit, so no other creation can take this number meanwhile
    int version = nextVersion(model.id());
    if (expectedVersion != null && expectedVersion != version) {
      throw RegistryException.conflict("model " + name + " is at version " + (version - 1) + "; expected to create "
          + expectedVersion + " (another client created a version meanwhile; read the model and start again)");
    }
    Artefact artefact = artefacts.get(digest);
    if (!artefact.mediaType().equals(model.kind().mediaType())) {
      throw RegistryException.unprocessable("artefact " + digest + " is " + artefact.mediaType()
          + " but versions of " + model.kind().wireName() + " model '" + name + "' must be "
          + model.kind().mediaType());
    }
    metrics.forEach((k, v) -> {
      Names.key("metric", k);
      if (v == null || !Double.isFinite(v)) {
        throw RegistryException.badRequest("metric '" + k + "' must be a finite number, got " + v);
      }
    });
    Lineage clean = lineage.normalized();
    Long parentId = clean.parentStudent() == null ? null
        : versionId("lineage.parentStudent", clean.parentStudent(), ModelKind.STUDENT);
    Long teacherId = clean.teacher() == null ? null
        : versionId("lineage.teacher", clean.teacher(), ModelKind.TEACHER);
    Requirements needs = requirements(model.kind(), name + ":" + version, artefact, requirements);
    String status = clean.gatePassed() ? "READY" : "REJECTED";
    jdbc.sql("""
            insert into model_version (model_id, version, digest, status, metrics, lineage, requirements,
              parent_version_id, teacher_version_id, incident_id, created_by)
            values (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?)""")
        .params(model.id(), version, digest, status, json.write(metrics), json.write(clean),
            needs == null ? null : json.write(needs), parentId, teacherId, clean.incidentId(), actor)
        .update();
    jdbc.sql("update registered_model set updated_at = now() where id = ?").param(model.id()).update();
    ModelVersion created = getVersion(name, version);
    RegistryEvent.Type type = model.kind() == ModelKind.BUNDLE
        ? RegistryEvent.Type.BUNDLE_CREATED : RegistryEvent.Type.VERSION_CREATED;
    Map<String, Object> payload = versionPayload(created);
    outbox.registryEvent(type, created.ref(), payload);
    audit.append(actor, "version.create", created.ref(), payload);
    LOG.info("created version {} digest={} status={} actor={}", created.ref(), digest, status, actor);
    return created;
  }

  /** Returns a version or fails with a 404. */
  public ModelVersion getVersion(String name, int version) {
    return jdbc.sql(VERSION_SELECT + " where m.name = ? and v.version = ?").params(name, version)
        .query(this::version).optional()
        .map(Keyed::item)
        .orElseThrow(() -> RegistryException.notFound("no version " + version + " of model '" + name
            + "'" + (modelExists(name) ? "" : " (there is no model of that name)")));
  }

  /** Returns the version an alias points at, or fails with a 404. */
  public ModelVersion resolveAlias(String name, String alias) {
    Integer version = get(name).aliases().get(alias);
    if (version == null) {
      throw RegistryException.notFound("model '" + name + "' has no alias '" + alias + "'");
    }
    return getVersion(name, version);
  }

  /** Lists versions in creation order, filtered by every given field. */
  public Page<ModelVersion> searchVersions(VersionFilter filter, @Nullable String cursor, int limit) {
    StringBuilder sql = new StringBuilder(VERSION_SELECT).append(" where v.id > ?");
    List<Object> params = new ArrayList<>(List.of(Cursors.decode(cursor)));
    condition(sql, params, "m.name = ?", filter.model());
    condition(sql, params, "m.kind = ?", filter.kind() == null ? null : filter.kind().wireName());
    condition(sql, params, "v.status = ?", filter.status());
    condition(sql, params, "? in (v.digest, v.signed_digest)", filter.digest());
    condition(sql, params, "v.incident_id = ?", filter.incidentId());
    condition(sql, params, "v.lineage->>'parentStudent' = ?", filter.parentStudent());
    condition(sql, params, "v.lineage->>'teacher' = ?", filter.teacher());
    condition(sql, params, "exists (select 1 from model_alias al where al.version_id = v.id and al.alias = ?)",
        filter.alias());
    sql.append(" order by v.id limit ?");
    params.add(Cursors.limit(limit) + 1);
    return Cursors.pageOf(jdbc.sql(sql.toString()).params(params).query(this::version).list(), limit);
  }

  /**
   * Points an alias at a version. Moves of one model's aliases are serialized by a lock on the model
   * row; with {@code expectedVersion} the move is a compare-and-set (0 = expect the alias unset) and
   * fails with a 409 if the alias moved meanwhile. Pointing an alias at a bundle version signs the
   * bundle with the registry key (promotion).
   */
  @Transactional
  public AliasChange setAlias(String actor, String name, String alias, int version,
      @Nullable Integer expectedVersion) {
    Names.alias(alias);
    ModelRow model = lockModel(name);
    VersionRow target = jdbc.sql("select id, status from model_version where model_id = ? and version = ?")
        .params(model.id(), version)
        .query((rs, i) -> new VersionRow(rs.getLong("id"), rs.getString("status")))
        .optional()
        .orElseThrow(() -> RegistryException.notFound("no version " + version + " of model '" + name
            + "' to point alias '" + alias + "' at"));
    if (!"READY".equals(target.status())) {
      throw RegistryException.conflict("version " + version + " of '" + name + "' is " + target.status()
          + (target.status().equals("REJECTED") ? " (its gate did not pass)" : "")
          + "; an alias may only point at a READY version");
    }
    Integer previous = currentAlias(model.id(), alias);
    if (expectedVersion != null && !expectedVersion.equals(previous == null ? 0 : previous)) {
      throw RegistryException.conflict("alias '" + alias + "' of '" + name + "' points at "
          + (previous == null ? "nothing" : "version " + previous) + ", not at the expected "
          + (expectedVersion == 0 ? "nothing" : "version " + expectedVersion) + "; read it again and retry");
    }
    jdbc.sql("""
            insert into model_alias (model_id, alias, version_id) values (?, ?, ?)
            on conflict (model_id, alias) do update set version_id = excluded.version_id, updated_at = now()""")
        .params(model.id(), alias, target.id()).update();
    recordAliasChange(actor, model, alias, target.id(), version, previous);
    if (model.kind() == ModelKind.BUNDLE) {
      promote(actor, name, version, alias);
    }
    return new AliasChange(name, alias, version, previous, outbox.now(), actor);
  }

  /** Removes an alias; 404 if it is not set. */
  @Transactional
  public void deleteAlias(String actor, String name, String alias) {
    ModelRow model = lockModel(name);
    Integer previous = currentAlias(model.id(), alias);
    if (previous == null) {
      throw RegistryException.notFound("model '" + name + "' has no alias '" + alias + "'");
    }
    jdbc.sql("delete from model_alias where model_id = ? and alias = ?").params(model.id(), alias).update();
    recordAliasChange(actor, model, alias, null, null, previous);
  }

  /** Lists the moves of an alias, oldest first. */
  public Page<AliasChange> aliasHistory(String name, String alias, @Nullable String cursor, int limit) {
    long modelId = jdbc.sql("select id from registered_model where name = ?").param(name)
        .query(Long.class).optional()
        .orElseThrow(() -> RegistryException.notFound("no model named '" + name + "'"));
    List<Keyed<AliasChange>> rows = jdbc.sql("""
            select h.id, h.alias, v.version, p.version as previous, h.set_at, h.set_by
            from alias_history h
            left join model_version v on v.id = h.version_id
            left join model_version p on p.id = h.previous_version_id
            where h.model_id = ? and h.alias = ? and h.id > ? order by h.id limit ?""")
        .params(modelId, alias, Cursors.decode(cursor), Cursors.limit(limit) + 1)
        .query((rs, i) -> new Keyed<>(rs.getLong("id"), new AliasChange(name, rs.getString("alias"),
            (Integer) rs.getObject("version"), (Integer) rs.getObject("previous"),
            rs.getTimestamp("set_at").toInstant(), rs.getString("set_by"))))
        .list();
    return Cursors.pageOf(rows, limit);
  }

  /**
   * Makes sure a bundle version is signed by the registry key and returns the version as it is now.
   * Called on promotion and before a rollout.
   */
  @Transactional
  public ModelVersion ensureSigned(String actor, VersionRef ref) {
    ModelVersion version = getVersion(ref.name(), ref.version());
    if (version.signedDigest() != null) {
      return version;
    }
    String signed = artefacts.signBundle(actor, version.digest());
    jdbc.sql("""
            update model_version set signed_digest = ?, signature_key_id = ?
            where version = ? and model_id = (select id from registered_model where name = ?)""")
        .params(signed, keys.keyId(), ref.version(), ref.name()).update();
    return getVersion(ref.name(), ref.version());
  }

  /**
   * Re-issues the payload of an earlier bundle version as the next version of bundle model
   * {@code model}, so that devices, which never install a version lower than the one they run, accept
   * it: the earlier bundle's prompt, adaptors, prototypes and encoder under new metadata (this
   * model's name, the new version, {@code rollbackOf} and {@code rolloutId} added to its lineage),
   * signed with the registry key and stored as a new artefact. The version copies the earlier one's
   * metrics, lineage and requirements, its lineage marked the same way. Must run inside the
   * transaction of the rollback.
   *
   * @param original the version whose payload is re-issued
   * @param model the bundle model the new version belongs to (the rolled-back bundle's)
   * @param rolloutId the rollout being rolled back
   * @return the new, registry-signed version
   */
  @Transactional
  public ModelVersion reissue(String actor, VersionRef original, String model, long rolloutId) {
    ModelRow row = lockModel(model);
    if (row.kind() != ModelKind.BUNDLE) {
      throw RegistryException.unprocessable("'" + model + "' is a " + row.kind().wireName() + " model; only "
          + "bundles are re-issued");
    }
    ModelVersion source = getVersion(original.name(), original.version());
    String sourceDigest = source.signedDigest() != null ? source.signedDigest() : source.digest();
    Bundle earlier = artefacts.readBundle(sourceDigest).bundle();
    int version = nextVersion(row.id());
    Map<String, String> bundleLineage = new LinkedHashMap<>(earlier.metadata().lineage());
    bundleLineage.put("rollbackOf", original.toString());
    bundleLineage.put("rolloutId", Long.toString(rolloutId));
    BundleMetadata metadata = new BundleMetadata(model, version, earlier.metadata().studentModelId(),
        earlier.metadata().studentDigest(), outbox.now(), bundleLineage);
    // withMetadata keeps every part of the content, including a version 2 bundle's routing and per-domain prompts
    String digest = artefacts.storeSigned(actor, earlier.withMetadata(metadata));
    // the model row stays locked until commit, so the guard holds; it fails loudly if it ever did not
    ModelVersion created = createVersion(actor, model, digest, source.metrics(),
        source.lineage().asRollbackOf(original.toString(), rolloutId), source.requirements(), (long) version);
    LOG.info("re-issued bundle {} as {} digest={} rolloutId={} actor={}", original, created.ref(), digest, rolloutId,
        actor);
    return ensureSigned(actor, new VersionRef(model, version));
  }

  /** Returns the id of a version of the given kind, or fails with a 422 naming the field. */
  public long versionId(String field, String text, ModelKind kind) {
    VersionRef ref = VersionRef.parse(field, text);
    return jdbc.sql("""
            select v.id from model_version v join registered_model m on m.id = v.model_id
            where m.name = ? and v.version = ? and m.kind = ?""")
        .params(ref.name(), ref.version(), kind.wireName())
        .query(Long.class).optional()
        .orElseThrow(() -> RegistryException.unprocessable(field + " '" + text + "' is not a registered "
            + kind.wireName() + " version"));
  }

  private void promote(String actor, String name, int version, String alias) {
    ModelVersion signed = ensureSigned(actor, new VersionRef(name, version));
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("name", name);
    payload.put("version", version);
    payload.put("digest", signed.signedDigest());
    payload.put("signatureKeyId", signed.signatureKeyId());
    payload.put("alias", alias);
    outbox.registryEvent(RegistryEvent.Type.BUNDLE_PROMOTED, signed.ref(), payload);
    audit.append(actor, "bundle.promote", signed.ref(), payload);
  }

  private void recordAliasChange(String actor, ModelRow model, String alias, @Nullable Long versionId,
      @Nullable Integer version, @Nullable Integer previous) {
    jdbc.sql("""
            insert into alias_history (model_id, alias, version_id, previous_version_id, set_by)
            values (?, ?, ?, (select id from model_version where model_id = ? and version = ?), ?)""")
        .params(model.id(), alias, versionId, model.id(), previous, actor).update();
    jdbc.sql("update registered_model set updated_at = now() where id = ?").param(model.id()).update();
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("name", model.name());
    payload.put("alias", alias);
    payload.put("version", version);
    payload.put("previousVersion", previous);
    outbox.registryEvent(RegistryEvent.Type.ALIAS_SET, model.name(), payload);
    audit.append(actor, version == null ? "alias.delete" : "alias.set", model.name(), payload);
    LOG.info("alias {} of model {} set to version={} previousVersion={} actor={}", alias, model.name(),
        version, previous, actor);
  }

  private @Nullable Integer currentAlias(long modelId, String alias) {
    return jdbc.sql("""
            select v.version from model_alias al join model_version v on v.id = al.version_id
            where al.model_id = ? and al.alias = ?""")
        .params(modelId, alias).query(Integer.class).optional().orElse(null);
  }

  private ModelRow lockModel(String name) {
    return jdbc.sql("select id, name, kind from registered_model where name = ? for update").param(name)
        .query((rs, i) -> new ModelRow(rs.getLong("id"), rs.getString("name"),
            ModelKind.parse(rs.getString("kind"))))
        .optional()
        .orElseThrow(() -> RegistryException.notFound("no model named '" + name + "'"));
  }

  private int nextVersion(long modelId) {
    return jdbc.sql("select coalesce(max(version), 0) + 1 from model_version where model_id = ?")
        .param(modelId).query(Integer.class).single();
  }

  private boolean modelExists(String name) {
    return jdbc.sql("select count(*) from registered_model where name = ?").param(name)
        .query(Integer.class).single() > 0;
  }

  private @Nullable Requirements requirements(ModelKind kind, String ref, Artefact artefact,
      @Nullable Requirements given) {
    Map<String, Object> d = artefact.details();
    return switch (kind) {
      case STUDENT -> new Requirements(ref,
          given != null && given.precision() != null ? given.precision() : "FP32",
          artefact.sizeBytes(),
          given == null ? null : given.macs(),
          (Integer) d.get("width"), (Integer) d.get("height"), (Integer) d.get("channels"));
      case BUNDLE -> {
        Requirements r = given == null ? new Requirements(null, null, null, null, null, null, null) : given;
        List<?> precisions = d.get("precisions") instanceof List<?> list ? list : List.of();
        yield new Requirements(
            r.student() != null ? r.student() : (String) d.get("studentModelId"),
            r.precision() != null ? r.precision()
                : precisions.size() == 1 ? (String) precisions.get(0) : null,
            r.adaptorBytes() != null ? r.adaptorBytes() : artefact.sizeBytes(),
            r.macs(), r.inputWidth(), r.inputHeight(), r.channels());
      }
      case TEACHER -> given;
    };
  }

  private Map<String, Object> versionPayload(ModelVersion v) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("name", v.name());
    payload.put("kind", v.kind());
    payload.put("version", v.version());
    payload.put("digest", v.digest());
    payload.put("sizeBytes", v.sizeBytes());
    payload.put("status", v.status());
    payload.put("metrics", v.metrics());
    payload.put("lineage", v.lineage());
    if (v.requirements() != null) {
      payload.put("requirements", v.requirements());
    }
    return payload;
  }

  private static void condition(StringBuilder sql, List<Object> params, String clause, @Nullable Object value) {
    if (value != null) {
      sql.append(" and ").append(clause);
      params.add(value);
    }
  }

  private Keyed<RegisteredModel> model(ResultSet rs, int row) throws SQLException {
    Map<String, Integer> aliases = new LinkedHashMap<>();
    json.readMap(rs.getString("aliases")).forEach((k, v) -> aliases.put(k, ((Number) v).intValue()));
    Map<String, String> tags = new LinkedHashMap<>();
    json.readMap(rs.getString("tags")).forEach((k, v) -> tags.put(k, String.valueOf(v)));
    return new Keyed<>(rs.getLong("id"), new RegisteredModel(rs.getString("name"), rs.getString("kind"),
        rs.getString("description"), tags, aliases, rs.getInt("latest"),
        rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant()));
  }

  private Keyed<ModelVersion> version(ResultSet rs, int row) throws SQLException {
    Map<String, Double> metrics = new LinkedHashMap<>();
    json.readMap(rs.getString("metrics")).forEach((k, v) -> metrics.put(k, ((Number) v).doubleValue()));
    Array aliases = rs.getArray("aliases");
    Lineage lineage = Optional.ofNullable(json.read(rs.getString("lineage"), Lineage.class))
        .orElse(Lineage.EMPTY);
    return new Keyed<>(rs.getLong("id"), new ModelVersion(rs.getString("name"), rs.getString("kind"),
        rs.getInt("version"), rs.getString("digest"), rs.getLong("size_bytes"), rs.getString("media_type"),
        rs.getString("status"), metrics, lineage,
        json.read(rs.getString("requirements"), Requirements.class),
        rs.getString("signed_digest"), rs.getString("signature_key_id"),
        List.copyOf(Arrays.asList((String[]) aliases.getArray())),
        rs.getTimestamp("created_at").toInstant(), rs.getString("created_by")));
  }

  private record ModelRow(long id, String name, ModelKind kind) {}

  private record VersionRow(long id, String status) {}

  /**
   * Filters of a version search; null fields do not filter.
   *
   * @param model model name
   * @param kind model kind
   * @param status version status
   * @param digest artefact digest (as uploaded or as signed)
   * @param incidentId drift incident in the lineage
   * @param parentStudent parent student in the lineage, {@code name:version}
   * @param teacher teacher in the lineage, {@code name:version}
   * @param alias versions an alias of this name points at
   */
  public record VersionFilter(@Nullable String model, @Nullable ModelKind kind, @Nullable String status,
      @Nullable String digest, @Nullable String incidentId, @Nullable String parentStudent,
      @Nullable String teacher, @Nullable String alias) {}
}
