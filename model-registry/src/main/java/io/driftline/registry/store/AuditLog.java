package io.driftline.registry.store;

import io.driftline.registry.model.AuditEntry;
import io.driftline.registry.model.Page;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Appends to and reads the audit log; callers append inside the transaction of the change. */
@Repository
public class AuditLog {

  private final JdbcClient jdbc;
  private final Json json;

  AuditLog(JdbcClient jdbc, Json json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** Records that {@code actor} did {@code action} to {@code entityId}. */
  public void append(String actor, String action, String entityId, Map<String, ?> details) {
    jdbc.sql("insert into audit_log (actor, action, entity_id, details) values (?, ?, ?, ?::jsonb)")
        .params(actor, action, entityId, json.write(details))
        .update();
  }

  /** Lists entries oldest first, optionally for one entity or actor. */
  public Page<AuditEntry> list(@Nullable String entityId, @Nullable String actor, @Nullable String cursor, int limit) {
    long after = Cursors.decode(cursor);
    List<AuditEntry> rows = jdbc.sql("""
            select id, at, actor, action, entity_id, details::text as details from audit_log
            where id > :after and (cast(:entity as text) is null or entity_id = :entity)
              and (cast(:actor as text) is null or actor = :actor)
            order by id limit :limit""")
        .param("after", after).param("entity", entityId).param("actor", actor).param("limit", limit + 1)
        .query((rs, i) -> new AuditEntry(rs.getLong("id"), rs.getTimestamp("at").toInstant(),
            rs.getString("actor"), rs.getString("action"), rs.getString("entity_id"),
            json.readMap(rs.getString("details"))))
        .list();
    return Cursors.page(rows, limit, AuditEntry::id);
  }
}
