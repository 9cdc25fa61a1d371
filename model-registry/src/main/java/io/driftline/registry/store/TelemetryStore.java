package io.driftline.registry.store;

import io.driftline.core.events.BundleRef;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.registry.config.RegistryProperties;
import io.driftline.registry.model.FleetEntry;
import io.driftline.registry.model.FleetEntry.Health;
import io.driftline.registry.model.Page;
import io.driftline.registry.model.RegistryException;
import io.driftline.registry.model.TelemetryPoint;
import io.driftline.registry.store.Cursors.Keyed;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Keeps the newest telemetry windows of every enrolled device and answers the console's fleet and
 * chart queries. Windows of devices the registry does not know are not stored (nothing would ever
 * delete them); a window stored twice (a redelivery: same device, number and start) is kept once.
 * Windows are ordered by arrival, not by number, because a device agent numbers them from 0 again
 * after a restart.
 */
@Repository
public class TelemetryStore {

  private static final String INSERT = """
      insert into telemetry_window (device_id, window_seq, window_start, window_end, frame_count, ood_mean,
        ood_p90, mean_entropy, mean_hdc_similarity, uploads, dropped_over_budget, dropped_buffer_full,
        active_bundle, classes)
      select ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
      where exists (select 1 from device where id = ?)
      on conflict (device_id, window_seq, window_start) do nothing""";

  // Deletes all but the newest keepPerDevice windows of one device (by arrival). With fewer windows
  // the subquery's minimum is the oldest window, so nothing is deleted.
  private static final String TRIM = """
      delete from telemetry_window where device_id = ? and id < (
        select min(id) from (
          select id from telemetry_window where device_id = ? order by id desc limit ?) newest)""";

  private static final String FLEET = """
      select d.seq, d.id, d.device_class, d.student, d.domain, d.status,
        m.name || ':' || v.version as desired_bundle, coalesce(ds.generation, 0) as desired_generation,
        ds.rollout_id as desired_rollout_id,
        r.active_bundle as reported_bundle, r.reported_at,
        t.received_at as last_telemetry_at, t.window_seq as last_window_seq
      from device d
      left join desired_state ds on ds.device_id = d.id
      left join model_version v on v.id = ds.bundle_version_id
      left join registered_model m on m.id = v.model_id
      left join reported_state r on r.device_id = d.id
      left join lateral (
        select received_at, window_seq from telemetry_window tw where tw.device_id = d.id
        order by id desc limit 1) t on true
      """;

  private final JdbcTemplate jdbcTemplate;
  private final JdbcClient jdbc;
  private final DeviceStore devices;
  private final RegistryProperties.Telemetry settings;
  private final Clock clock;

  TelemetryStore(JdbcTemplate jdbcTemplate, JdbcClient jdbc, DeviceStore devices, RegistryProperties properties,
      Clock clock) {
    this.jdbcTemplate = jdbcTemplate;
    this.jdbc = jdbc;
    this.devices = devices;
    this.settings = properties.telemetry();
    this.clock = clock;
  }

  /**
   * Stores windows in one transaction and trims each of their devices to its newest
   * {@code keep-per-device} windows.
   *
   * @return how many windows were stored (not repeats, not of unknown devices)
   */
  @Transactional
  public int store(List<TelemetryWindow> windows) {
    if (windows.isEmpty()) {
      return 0;
    }
    List<Object[]> rows = new ArrayList<>(windows.size());
    Set<String> deviceIds = new LinkedHashSet<>();
    for (TelemetryWindow w : windows) {
      BundleRef bundle = w.activeBundle();
      rows.add(new Object[] {w.deviceId(), w.windowSeq(), Timestamp.from(w.start()), Timestamp.from(w.end()),
          w.frameCount(), w.oodScore().mean(), w.oodScore().p90(), w.meanEntropy(), w.meanHdcSimilarity(),
          w.uploads(), w.dropped().overBudget(), w.dropped().bufferFull(),
          bundle == null ? null : bundle.bundleId() + ":" + bundle.version(), w.classHistogram().length,
          w.deviceId()});
      deviceIds.add(w.deviceId());
    }
    int stored = 0;
    for (int count : jdbcTemplate.batchUpdate(INSERT, rows)) {
      stored += Math.max(count, 0);
    }
    List<Object[]> trims = deviceIds.stream()
        .map(id -> new Object[] {id, id, settings.keepPerDevice()}).toList();
    jdbcTemplate.batchUpdate(TRIM, trims);
    return stored;
  }

  /**
   * Returns a device's newest {@code limit} windows (null: all that are kept), in the order they
   * arrived (a device that restarted numbers its windows from 0 again).
   *
   * @throws RegistryException 404 for an unknown device, 400 for a limit outside 1..keep-per-device
   */
  public List<TelemetryPoint> recent(String deviceId, @Nullable Integer requested) {
    int limit = requested == null ? settings.keepPerDevice() : requested;
    if (limit < 1 || limit > settings.keepPerDevice()) {
      throw RegistryException.badRequest("limit must be between 1 and " + settings.keepPerDevice()
          + " (driftline.registry.telemetry.keep-per-device), got " + limit);
    }
    devices.get(deviceId);
    List<TelemetryPoint> newestFirst = jdbc.sql("""
            select * from telemetry_window where device_id = ? order by id desc limit ?""")
        .params(deviceId, limit).query(TelemetryStore::point).list();
    List<TelemetryPoint> points = new ArrayList<>(newestFirst);
    Collections.reverse(points);
    return points;
  }

  /** Returns a page of the fleet in enrolment order: each device with desired, reported and telemetry state. */
  public Page<FleetEntry> fleet(@Nullable String cursor, int limit) {
    Instant staleBefore = clock.instant().minus(settings.staleAfter());
    List<Keyed<FleetEntry>> rows = jdbc.sql(FLEET + " where d.seq > ? order by d.seq limit ?")
        .params(Cursors.decode(cursor), Cursors.limit(limit) + 1)
        .query((rs, i) -> new Keyed<>(rs.getLong("seq"), entry(rs, staleBefore))).list();
    return Cursors.pageOf(rows, limit);
  }

  /** Returns one device as the fleet page shows it, or fails with a 404. */
  public FleetEntry fleetEntry(String deviceId) {
    Instant staleBefore = clock.instant().minus(settings.staleAfter());
    return jdbc.sql(FLEET + " where d.id = ?").param(deviceId).query((rs, i) -> entry(rs, staleBefore)).optional()
        .orElseThrow(() -> RegistryException.notFound("no device '" + deviceId + "'"));
  }

  private static FleetEntry entry(ResultSet rs, Instant staleBefore) throws SQLException {
    Instant last = instant(rs, "last_telemetry_at");
    Health health = last == null ? Health.NEVER : last.isBefore(staleBefore) ? Health.STALE : Health.OK;
    Long lastSeq = rs.getObject("last_window_seq", Long.class);
    return new FleetEntry(rs.getString("id"), rs.getString("device_class"), rs.getString("student"),
        rs.getString("domain"), rs.getString("status"), rs.getString("desired_bundle"),
        rs.getLong("desired_generation"), rs.getObject("desired_rollout_id", Long.class), rs.getString("reported_bundle"), instant(rs, "reported_at"), last,
        lastSeq, health);
  }

  private static TelemetryPoint point(ResultSet rs, int row) throws SQLException {
    double entropy = rs.getDouble("mean_entropy");
    int classes = rs.getInt("classes");
    return new TelemetryPoint(rs.getLong("window_seq"), instant(rs, "window_start"), instant(rs, "window_end"),
        instant(rs, "received_at"), rs.getInt("frame_count"), rs.getDouble("ood_mean"), rs.getDouble("ood_p90"),
        entropy, rs.getDouble("mean_hdc_similarity"), rs.getInt("uploads"), rs.getLong("dropped_over_budget"),
        rs.getLong("dropped_buffer_full"), rs.getString("active_bundle"), classes,
        TelemetryPoint.confidenceProxy(entropy, classes));
  }

  private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }
}
