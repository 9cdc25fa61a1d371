package io.driftline.e2e.hostile;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Everything the fleet stores, reduced to one comparable map: per table of the registry's and the
 * teacher's schemas the row count and a digest of every row, the registry's blob folder (each
 * file's path and SHA-256, temporary files included), the catalog's triple count (SPARQL COUNT over
 * its endpoint), the end offsets of {@code fleet.desired-state} less the records the suite itself
 * wrote there ({@link #wroteDesiredState}; otherwise only the registry writes it), and whatever
 * extra state a component of the test registers (the device agent's bundle folder and active bundle).
 *
 * <p>The registry's {@code audit_log} is compared whole as well: the registry audits changes only,
 * never refused requests, so a refused request must not add a row either.
 */
final class StateFingerprint implements AutoCloseable {

  private final HostileFleet fleet;
  private final Map<String, Supplier<String>> extra = new TreeMap<>();
  private final Map<Integer, Long> suiteWrites = new java.util.concurrent.ConcurrentHashMap<>();
  // kept open: a fingerprint is taken twice per case
  private final Connection registry;
  private final Connection teacher;
  private final Admin admin;
  private final String registryQuery;
  private final String teacherQuery;

  StateFingerprint(HostileFleet fleet) throws Exception {
    this.fleet = fleet;
    this.registry = fleet.registryDb.connect();
    this.teacher = fleet.teacherDb.connect();
    this.admin = Admin.create(Map.of("bootstrap.servers", fleet.kafka.bootstrapServers()));
    this.registryQuery = query(registry, "registry");
    this.teacherQuery = query(teacher, "teacher");
  }

  /** Adds a component computed by {@code value} on every {@link #take()}. */
  void add(String name, Supplier<String> value) {
    extra.put(name, value);
  }

  /** Records that the suite itself wrote one record to partition {@code partition} of {@code fleet.desired-state}. */
  void wroteDesiredState(int partition) {
    suiteWrites.merge(partition, 1L, Long::sum);
  }

  /** Takes the fingerprint now. */
  Map<String, String> take() throws Exception {
    Map<String, String> out = new TreeMap<>();
    tables(registry, registryQuery, out);
    tables(teacher, teacherQuery, out);
    out.put("registry blobs", folder(fleet.dir.resolve("registry/blobs")));
    out.put("catalog triples", catalogTriples());
    // registry.events is left out: the suite's own poison records land there; the outbox table
    // records every event the registry publishes
    Map<TopicPartition, OffsetSpec> request = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
    for (int p = 0; p < 2; p++) {
      request.put(new TopicPartition(fleet.desiredState, p), OffsetSpec.latest());
    }
    admin.listOffsets(request).all().get().forEach((tp, info) -> out.put("end offset " + tp + " (registry's records)",
        Long.toString(info.offset() - suiteWrites.getOrDefault(tp.partition(), 0L))));
    extra.forEach((name, value) -> out.put(name, value.get()));
    return out;
  }

  /** Names the components that differ between {@code before} and {@code after}, with both values. */
  static List<String> differences(Map<String, String> before, Map<String, String> after) {
    List<String> out = new ArrayList<>();
    TreeMap<String, String> all = new TreeMap<>(before);
    all.putAll(after);
    for (String key : all.keySet()) {
      if (!java.util.Objects.equals(before.get(key), after.get(key))) {
        out.add(key + ": " + before.get(key) + " -> " + after.get(key));
      }
    }
    return out;
  }

  /** One statement that answers {@code (table, rows and digest)} for every table of {@code schema}. */
  private static String query(Connection c, String schema) throws Exception {
    List<String> parts = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("select table_name from information_schema.tables"
        + " where table_schema = '" + schema + "' and table_type = 'BASE TABLE' order by table_name")) {
      while (r.next()) {
        String table = schema + "." + r.getString(1);
        parts.add("select '" + table + "', count(*) || ' rows ' || coalesce(md5(string_agg(md5(t::text), '' order by"
            + " md5(t::text))), '-') from " + table + " t");
      }
    }
    if (parts.isEmpty()) {
      throw new AssertionError("schema " + schema + " has no tables: the service did not migrate it");
    }
    return String.join(" union all ", parts);
  }

  private static void tables(Connection c, String query, Map<String, String> out) throws Exception {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
      while (r.next()) {
        out.put(r.getString(1), r.getString(2));
      }
    }
  }

  /** Every file under {@code root} (relative path and SHA-256), or "absent". */
  static String folder(Path root) {
    if (!Files.exists(root)) {
      return "absent";
    }
    try (var files = Files.walk(root)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      StringBuilder listing = new StringBuilder();
      for (Path p : files.sorted().toList()) {
        listing.append(root.relativize(p));
        if (Files.isRegularFile(p)) {
          listing.append('=').append(HexFormat.of().formatHex(sha.digest(Files.readAllBytes(p))));
        }
        listing.append('\n');
      }
      return listing.toString();
    } catch (Exception e) {
      throw new IllegalStateException("cannot list " + root, e);
    }
  }

  @Override
  public void close() throws Exception {
    admin.close();
    registry.close();
    teacher.close();
  }

  private String catalogTriples() throws Exception {
    String query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }";
    var r = fleet.send(HostileFleet.request(fleet.catalog, "/sparql?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8))
        .header("Accept", "application/sparql-results+json"));
    if (r.statusCode() != 200) {
      throw new AssertionError("catalog count answered " + r.statusCode() + ": " + r.body());
    }
    return HostileFleet.JSON.readTree(r.body()).at("/results/bindings/0/n/value").asString();
  }
}
