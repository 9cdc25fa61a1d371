package io.driftline.teacher.intake;

import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.DriftIncident.State;
import io.driftline.core.hdc.Hypervector;
import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps the latest state of every drift incident in the {@code incidents} table. Incident events
 * may arrive twice or out of order (the teacher's own {@code ADAPTING} and {@code FAILED} come back
 * on the topic), so an incident never moves backwards: {@code OPEN < ADAPTING <
 * RECOVERED = FAILED = CLOSED}, and the last three are final.
 */
@Repository
public class IncidentStore {

  private static final String COLUMNS = "incident_id, device_id, group_id, state, detector, statistic,"
      + " statistic_value, opened_at, changed_at, first_window_seq, last_window_seq, domain_signature,"
      + " domain_signature_bits, last_event_id";

  private static final RowMapper<DriftIncident> ROW = IncidentStore::row;

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;

  /** Creates the store on the teacher's database. */
  public IncidentStore(JdbcTemplate jdbc, TransactionTemplate transactions) {
    this.jdbc = jdbc;
    this.transactions = transactions;
  }

  /**
   * Records an incident event in its own transaction: a first event stores the incident; an event
   * of a later state moves it to that state; an event of the same or an earlier state, or any event
   * of an ended incident, only advances {@code lastWindowSeq} if it is newer; a repeated event
   * (same CloudEvents id) changes nothing.
   *
   * @return the change, or empty if nothing changed
   */
  public Optional<IncidentChange> apply(DriftIncident incident) {
    return transactions.execute(status -> applyInTransaction(incident));
  }

  private Optional<IncidentChange> applyInTransaction(DriftIncident event) {
    String groupId = event.groupId() == null ? event.incidentId() : event.groupId();
    // The insert takes the row lock when it wins; otherwise the select below takes it.
    int inserted = jdbc.update("INSERT INTO incidents (incident_id, device_id, group_id, state, detector, statistic,"
        + " statistic_value, opened_at, changed_at, first_window_seq, last_window_seq, domain_signature,"
        + " domain_signature_bits, last_event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT (incident_id) DO NOTHING",
        event.incidentId(), event.deviceId(), groupId, event.state().name(), event.detector(), event.statistic(),
        event.statisticValue(), utc(event.openedAt()), utc(event.changedAt()), event.firstWindowSeq(),
        event.lastWindowSeq(), signatureBytes(event.domainSignature()), signatureBits(event.domainSignature()),
        event.ceId());
    if (inserted == 1) {
      return Optional.of(new IncidentChange(select(event.incidentId(), ""), null));
    }
    DriftIncident stored = select(event.incidentId(), " FOR UPDATE");
    // A repeat of the stored state's event; other repeats are stale and fail the rules below.
    if (event.ceId().equals(stored.ceId())) {
      return Optional.empty();
    }
    State before = stored.state();
    if (!isFinal(before) && rank(event.state()) > rank(before)) {
      jdbc.update("UPDATE incidents SET state = ?, statistic_value = ?, changed_at = ?,"
          + " last_window_seq = greatest(last_window_seq, ?),"
          + " domain_signature = coalesce(?, domain_signature), domain_signature_bits = coalesce(?, domain_signature_bits),"
          + " last_event_id = ?, updated_at = now() WHERE incident_id = ?",
          event.state().name(), event.statisticValue(), utc(event.changedAt()), event.lastWindowSeq(),
          signatureBytes(event.domainSignature()), signatureBits(event.domainSignature()), event.ceId(),
          event.incidentId());
    } else if (event.lastWindowSeq() > stored.lastWindowSeq()) {
      jdbc.update("UPDATE incidents SET last_window_seq = ?, last_event_id = ?, updated_at = now()"
          + " WHERE incident_id = ?", event.lastWindowSeq(), event.ceId(), event.incidentId());
    } else {
      return Optional.empty();
    }
    return Optional.of(new IncidentChange(select(event.incidentId(), ""), before));
  }

  /** Returns the stored incident with this id, if any. */
  public Optional<DriftIncident> find(String incidentId) {
    return jdbc.query("SELECT " + COLUMNS + " FROM incidents WHERE incident_id = ?", ROW, incidentId)
        .stream().findFirst();
  }

  /**
   * Returns the incidents of a group, oldest opening first; an incident published without a group
   * forms a group of its own, whose id is its incident id.
   */
  public List<DriftIncident> byGroup(String groupId) {
    return jdbc.query("SELECT " + COLUMNS + " FROM incidents WHERE group_id = ? ORDER BY opened_at, incident_id",
        ROW, groupId);
  }

  /**
   * A page of incidents, newest opening first.
   *
   * @param state only incidents in this state, or null for all
   * @param deviceId only incidents of this device, or null for all
   * @param cursor the {@link Page#nextCursor()} of the previous page, or null for the first
   * @param limit the page size
   * @throws IllegalArgumentException if the cursor is not one this store issued
   */
  public Page page(@Nullable State state, @Nullable String deviceId, @Nullable String cursor, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM incidents WHERE ");
    List<Object> params = new ArrayList<>();
    if (cursor != null) {
      KeysetCursor before = KeysetCursor.decode(cursor);
      sql.append("(opened_at, incident_id) < (?, ?) AND ");
      params.add(utc(before.at()));
      params.add(before.id());
    }
    if (state != null) {
      sql.append("state = ? AND ");
      params.add(state.name());
    }
    if (deviceId != null) {
      sql.append("device_id = ? AND ");
      params.add(deviceId);
    }
    sql.append("true ORDER BY opened_at DESC, incident_id DESC LIMIT ?");
    params.add(limit + 1);
    List<DriftIncident> rows = jdbc.query(sql.toString(), ROW, params.toArray());
    String next = null;
    if (rows.size() > limit) {
      rows = rows.subList(0, limit);
      DriftIncident last = rows.get(limit - 1);
      next = new KeysetCursor(last.openedAt(), last.incidentId()).encode();
    }
    return new Page(List.copyOf(rows), next);
  }

  /**
   * A page of incidents.
   *
   * @param items the incidents, newest opening first
   * @param nextCursor pass as {@code cursor} for the next page; null on the last page
   */
  public record Page(List<DriftIncident> items, @Nullable String nextCursor) {}

  private DriftIncident select(String incidentId, String lock) {
    return jdbc.queryForObject("SELECT " + COLUMNS + " FROM incidents WHERE incident_id = ?" + lock, ROW, incidentId);
  }

  private static int rank(State state) {
    return switch (state) {
      case OPEN -> 0;
      case ADAPTING -> 1;
      case RECOVERED, FAILED, CLOSED -> 2;
    };
  }

  private static boolean isFinal(State state) {
    return rank(state) == 2;
  }

  private static OffsetDateTime utc(java.time.Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static byte @Nullable [] signatureBytes(@Nullable Hypervector signature) {
    if (signature == null) {
      return null;
    }
    ByteBuffer buffer = ByteBuffer.allocate(signature.words().length * Long.BYTES);
    buffer.asLongBuffer().put(signature.words());
    return buffer.array();
  }

  private static @Nullable Integer signatureBits(@Nullable Hypervector signature) {
    return signature == null ? null : signature.dimension();
  }

  private static DriftIncident row(ResultSet rs, int rowNum) throws SQLException {
    byte[] words = rs.getBytes("domain_signature");
    Hypervector signature = null;
    if (words != null) {
      long[] packed = new long[words.length / Long.BYTES];
      ByteBuffer.wrap(words).asLongBuffer().get(packed);
      signature = new Hypervector(rs.getInt("domain_signature_bits"), packed);
    }
    return new DriftIncident(
        rs.getString("incident_id"),
        rs.getString("device_id"),
        State.valueOf(rs.getString("state")),
        rs.getString("detector"),
        rs.getString("statistic"),
        rs.getDouble("statistic_value"),
        rs.getTimestamp("opened_at").toInstant(),
        rs.getTimestamp("changed_at").toInstant(),
        rs.getLong("first_window_seq"),
        rs.getLong("last_window_seq"),
        signature,
        rs.getString("group_id"));
  }
}
