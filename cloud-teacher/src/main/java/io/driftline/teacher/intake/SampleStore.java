package io.driftline.teacher.intake;

import io.driftline.core.events.DeviceSample;
import io.driftline.core.image.ImageOps;
import java.nio.ByteBuffer;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/** Stores uploaded samples in the {@code samples} table and reads them back for training. */
@Repository
public class SampleStore {

  private static final String COLUMNS = "sample_id, device_id, student_model_id, window_seq, frame_index, captured_at,"
      + " received_at, uncertainty, ood_score, predicted_class, domain_hint, channels, height, width, pixels";

  // One statement per poll: each column travels as one array and unnest turns them back into rows.
  // This inserted twice as many rows per second as a JDBC batch of single-row inserts (IngestBenchmark).
  private static final String INSERT = "INSERT INTO samples (sample_id, device_id, student_model_id, window_seq,"
      + " frame_index, captured_at, uncertainty, ood_score, predicted_class, domain_hint, channels, height, width,"
      + " pixels, features)"
      + " SELECT id, dev, model, seq, frame, timestamptz 'epoch' + micros * interval '1 microsecond', unc, ood, cls,"
      + " hint, ch, h, w, px, feat"
      + " FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::real[], ?::real[],"
      + " ?::integer[], ?::text[], ?::smallint[], ?::integer[], ?::integer[], ?::bytea[], ?::bytea[])"
      + " AS t(id, dev, model, seq, frame, micros, unc, ood, cls, hint, ch, h, w, px, feat)"
      + " ON CONFLICT (sample_id) DO NOTHING";

  private static final RowMapper<StoredSample> ROW = SampleStore::row;

  private final JdbcTemplate jdbc;

  /** Creates the store on the teacher's database. */
  public SampleStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Inserts the samples in one statement, skipping those whose id is already stored or appears
   * earlier in the list.
   *
   * @return how many samples were new
   */
  public int insertAll(List<DeviceSample> samples) {
    Map<String, DeviceSample> unique = new LinkedHashMap<>();
    for (DeviceSample sample : samples) {
      unique.putIfAbsent(sample.eventId(), sample);
    }
    if (unique.isEmpty()) {
      return 0;
    }
    List<DeviceSample> rows = List.copyOf(unique.values());
    Integer inserted = jdbc.execute((ConnectionCallback<Integer>) connection -> insert(connection, rows));
    return inserted == null ? 0 : inserted;
  }

  private static int insert(Connection connection, List<DeviceSample> rows) throws SQLException {
    int n = rows.size();
    String[] ids = new String[n];
    String[] devices = new String[n];
    String[] models = new String[n];
    Long[] windows = new Long[n];
    Long[] frames = new Long[n];
    Long[] captured = new Long[n];
    Float[] uncertainties = new Float[n];
    Float[] oodScores = new Float[n];
    Integer[] classes = new Integer[n];
    String[] hints = new String[n];
    Short[] channels = new Short[n];
    Integer[] heights = new Integer[n];
    Integer[] widths = new Integer[n];
    byte[][] pixels = new byte[n][];
    byte[][] features = new byte[n][];
    for (int i = 0; i < n; i++) {
      DeviceSample s = rows.get(i);
      ids[i] = s.eventId();
      devices[i] = s.deviceId();
      models[i] = s.studentModelId();
      windows[i] = s.windowSeq();
      frames[i] = s.frameIndex();
      captured[i] = ChronoUnit.MICROS.between(Instant.EPOCH, s.capturedAt());
      uncertainties[i] = s.uncertainty();
      oodScores[i] = s.oodScore();
      classes[i] = s.predictedClass();
      hints[i] = s.domainHint();
      channels[i] = (short) s.channels();
      heights[i] = s.height();
      widths[i] = s.width();
      pixels[i] = s.pixels();
      features[i] = s.features() == null ? null : floats(s.features());
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      Array[] arrays = {
          connection.createArrayOf("text", ids), connection.createArrayOf("text", devices),
          connection.createArrayOf("text", models), connection.createArrayOf("bigint", windows),
          connection.createArrayOf("bigint", frames), connection.createArrayOf("bigint", captured),
          connection.createArrayOf("real", uncertainties), connection.createArrayOf("real", oodScores),
          connection.createArrayOf("integer", classes), connection.createArrayOf("text", hints),
          connection.createArrayOf("smallint", channels), connection.createArrayOf("integer", heights),
          connection.createArrayOf("integer", widths), connection.createArrayOf("bytea", pixels),
          connection.createArrayOf("bytea", features)};
      for (int i = 0; i < arrays.length; i++) {
        insert.setArray(i + 1, arrays[i]);
      }
      return insert.executeUpdate();
    }
  }

  private static byte[] floats(float[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES);
    buffer.asFloatBuffer().put(values);
    return buffer.array();
  }

  /**
   * Returns the newest {@code limit} samples of a device from window {@code fromWindowSeq} on, oldest
   * first (by window, then frame index).
   */
  public List<StoredSample> forDevice(String deviceId, long fromWindowSeq, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, got " + limit);
    }
    return jdbc.query("SELECT * FROM (SELECT " + COLUMNS + " FROM samples WHERE device_id = ? AND window_seq >= ?"
        + " ORDER BY window_seq DESC, frame_index DESC LIMIT ?) newest ORDER BY window_seq, frame_index",
        ROW, deviceId, fromWindowSeq, limit);
  }

  /** Counts a device's samples from window {@code fromWindowSeq} on. */
  public long countForDevice(String deviceId, long fromWindowSeq) {
    Long count = jdbc.queryForObject("SELECT count(*) FROM samples WHERE device_id = ? AND window_seq >= ?",
        Long.class, deviceId, fromWindowSeq);
    return count == null ? 0 : count;
  }

  /** Returns the stored samples among the given ids, in no particular order; unknown ids are skipped. */
  public List<StoredSample> findAll(Collection<String> sampleIds) {
    if (sampleIds.isEmpty()) {
      return List.of();
    }
    List<StoredSample> found = new ArrayList<>(sampleIds.size());
    jdbc.execute((ConnectionCallback<Void>) connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT " + COLUMNS + " FROM samples WHERE sample_id = ANY(?)")) {
        select.setArray(1, connection.createArrayOf("text", sampleIds.toArray(String[]::new)));
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            found.add(row(rs, found.size()));
          }
        }
      }
      return null;
    });
    return found;
  }

  /**
   * Deletes the samples received before {@code cutoff}, except those a job that has not ended may
   * still train on (its incidents' devices from the drift's first window on); the retention task's
   * one statement.
   *
   * @return how many samples were deleted
   */
  public int deleteReceivedBefore(Instant cutoff) {
    return jdbc.update("DELETE FROM samples s WHERE s.received_at < ? AND NOT EXISTS (SELECT 1 FROM job_incidents i"
        + " JOIN jobs j ON j.job_id = i.job_id WHERE j.state NOT IN ('PUBLISHED', 'REJECTED', 'FAILED')"
        + " AND i.device_id = s.device_id AND s.window_seq >= i.first_window_seq)",
        OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
  }

  private static StoredSample row(ResultSet rs, int rowNum) throws SQLException {
    int channels = rs.getInt("channels");
    int height = rs.getInt("height");
    int width = rs.getInt("width");
    return new StoredSample(
        rs.getString("sample_id"),
        rs.getString("device_id"),
        rs.getString("student_model_id"),
        rs.getLong("window_seq"),
        rs.getLong("frame_index"),
        rs.getTimestamp("captured_at").toInstant(),
        rs.getTimestamp("received_at").toInstant(),
        rs.getFloat("uncertainty"),
        rs.getFloat("ood_score"),
        rs.getInt("predicted_class"),
        rs.getString("domain_hint"),
        ImageOps.fromUint8(channels, height, width, rs.getBytes("pixels")));
  }
}
