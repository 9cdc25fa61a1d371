package io.driftline.sandbox.report;

import io.driftline.sandbox.report.SandboxReport.AdaptationMark;
import io.driftline.sandbox.report.SandboxReport.BundleSpan;
import io.driftline.sandbox.report.SandboxReport.DeviceRun;
import io.driftline.sandbox.report.SandboxReport.IncidentMark;
import io.driftline.sandbox.report.SandboxReport.WindowPoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a {@link SandboxReport} into a folder as {@value #JSON} (the report's fields plus its
 * {@link ReportSummary} under {@code summary}, instants as ISO-8601 text) and {@value #HTML} (one
 * self-contained page with inline SVG plots, no external resources), and reads the JSON back.
 * Each file is written next to its target and moved into place, so a reader never sees half a file.
 */
public final class ReportWriter {

  /** Name of the JSON file. */
  public static final String JSON = "report.json";

  /** Name of the HTML file. */
  public static final String HTML = "report.html";

  /** Name of the summary's field in the JSON file. */
  public static final String SUMMARY = "summary";

  private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private final Path folder;

  /** Creates a writer into {@code folder} (created on write if missing). */
  public ReportWriter(Path folder) {
    this.folder = folder;
  }

  /** Checks {@code report}, then writes {@value #JSON} and {@value #HTML}; returns the summary it computed. */
  public ReportSummary write(SandboxReport report) throws IOException {
    check(report);
    ReportSummary summary = ReportSummary.of(report);
    Files.createDirectories(folder);
    atomic(json(), MAPPER.writeValueAsBytes(jsonTree(report, summary)));
    atomic(html(), ReportHtml.render(report, summary).getBytes(StandardCharsets.UTF_8));
    return summary;
  }

  /** The JSON file this writer writes. */
  public Path json() {
    return folder.resolve(JSON);
  }

  /** The HTML file this writer writes. */
  public Path html() {
    return folder.resolve(HTML);
  }

  /** Reads the report from a {@value #JSON} file (the summary is ignored, it is derived) and checks it. */
  public static SandboxReport read(Path jsonFile) throws IOException {
    ObjectNode root = readTree(jsonFile);
    root.remove(SUMMARY);
    SandboxReport report;
    try {
      report = MAPPER.treeToValue(root, SandboxReport.class);
    } catch (JacksonException e) {
      throw new IOException(jsonFile + " is not a sandbox report: " + e.getOriginalMessage(), e);
    }
    try {
      check(report);
    } catch (IllegalArgumentException e) {
      throw new IOException(jsonFile + " is not a consistent sandbox report: " + e.getMessage(), e);
    }
    return report;
  }

  /** Reads the summary stored in a {@value #JSON} file. */
  public static ReportSummary readSummary(Path jsonFile) throws IOException {
    JsonNode summary = readTree(jsonFile).get(SUMMARY);
    if (summary == null) {
      throw new IOException(jsonFile + " has no '" + SUMMARY + "' field; write it with ReportWriter");
    }
    try {
      return MAPPER.treeToValue(summary, ReportSummary.class);
    } catch (JacksonException e) {
      throw new IOException(jsonFile + " has an unreadable summary: " + e.getOriginalMessage(), e);
    }
  }

  /** The report's fields with the summary inserted before {@code devices}, so a reader meets it first. */
  private static ObjectNode jsonTree(SandboxReport report, ReportSummary summary) {
    ObjectNode fields = MAPPER.valueToTree(report);
    ObjectNode root = MAPPER.createObjectNode();
    for (Map.Entry<String, JsonNode> field : fields.properties()) {
      if (field.getKey().equals("devices")) {
        root.set(SUMMARY, MAPPER.valueToTree(summary));
      }
      root.set(field.getKey(), field.getValue());
    }
    return root;
  }

  private static ObjectNode readTree(Path jsonFile) throws IOException {
    JsonNode root;
    try {
      root = MAPPER.readTree(Files.readAllBytes(jsonFile));
    } catch (JacksonException e) {
      throw new IOException(jsonFile + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (!(root instanceof ObjectNode object)) {
      throw new IOException(jsonFile + " does not hold a JSON object");
    }
    return object;
  }

  /**
   * Rejects a report the plots could not draw truthfully: missing fields, times that are not finite,
   * correct counts outside {@code 0..frames}, spans that end before they start.
   */
  static void check(SandboxReport report) {
    present(report.scenario(), "scenario");
    present(report.startedAt(), "startedAt");
    present(report.finishedAt(), "finishedAt");
    present(report.devices(), "devices");
    present(report.incidents(), "incidents");
    present(report.adaptations(), "adaptations");
    present(report.notes(), "notes");
    for (DeviceRun device : report.devices()) {
      present(device, "a device");
      present(device.deviceId(), "a device's deviceId");
      String where = "device " + device.deviceId() + " ";
      present(device.name(), where + "name");
      present(device.deviceClass(), where + "deviceClass");
      present(device.student(), where + "student");
      present(device.precisions(), where + "precisions");
      present(device.windows(), where + "windows");
      present(device.bundles(), where + "bundles");
      device.windows().forEach(w -> present(w == null ? null : w.domain(), where + "window domain"));
      device.bundles().forEach(span -> present(span, where + "bundle span"));
    }
    report.incidents().forEach(i -> {
      present(i, "an incident");
      present(i.incidentId(), "an incident's incidentId");
      present(i.deviceId(), "incident " + i.incidentId() + " deviceId");
      present(i.finalState(), "incident " + i.incidentId() + " finalState");
      present(i.statistic(), "incident " + i.incidentId() + " statistic");
    });
    report.adaptations().forEach(a -> {
      present(a, "an adaptation");
      present(a.deviceId(), "an adaptation's deviceId");
      present(a.bundle(), "adaptation on device " + a.deviceId() + " bundle");
    });
    report.notes().forEach(n -> present(n, "a note"));
    if (report.finishedAt().isBefore(report.startedAt())) {
      throw new IllegalArgumentException("report finishedAt " + report.finishedAt() + " is before startedAt "
          + report.startedAt());
    }
    for (DeviceRun device : report.devices()) {
      for (WindowPoint w : device.windows()) {
        String where = "device " + device.deviceId() + " window " + w.seq();
        time(w.endSeconds(), where + " endSeconds");
        if (w.frames() < 0 || w.correctAdapted() < 0 || w.correctAdapted() > w.frames() || w.correctShadow() < 0
            || w.correctShadow() > w.frames()) {
          throw new IllegalArgumentException(where + ": correct counts must be within 0.." + w.frames()
              + " frames, got adapted " + w.correctAdapted() + ", shadow " + w.correctShadow());
        }
      }
      for (BundleSpan span : device.bundles()) {
        String where = "device " + device.deviceId() + " bundle span " + span.bundle();
        time(span.fromSeconds(), where + " fromSeconds");
        time(span.toSeconds(), where + " toSeconds");
        if (span.toSeconds() < span.fromSeconds()) {
          throw new IllegalArgumentException(where + " ends (" + span.toSeconds() + " s) before it starts ("
              + span.fromSeconds() + " s)");
        }
      }
      if (device.bytesUploaded() < 0 || device.bytesDownloaded() < 0 || device.samplesUploaded() < 0) {
        throw new IllegalArgumentException("device " + device.deviceId() + " has negative byte or sample counts");
      }
    }
    for (IncidentMark incident : report.incidents()) {
      time(incident.openedSeconds(), "incident " + incident.incidentId() + " openedSeconds");
      if (incident.closedSeconds() != null) {
        time(incident.closedSeconds(), "incident " + incident.incidentId() + " closedSeconds");
      }
    }
    for (AdaptationMark adaptation : report.adaptations()) {
      String where = "adaptation " + adaptation.bundle() + " on device " + adaptation.deviceId();
      time(adaptation.activeSeconds(), where + " activeSeconds");
      if (adaptation.incidentOpenedSeconds() != null) {
        time(adaptation.incidentOpenedSeconds(), where + " incidentOpenedSeconds");
      }
    }
  }

  // the model is @NullMarked, but a report read from a hand-edited file can still lack a field
  private static void present(@Nullable Object value, String what) {
    if (value == null) {
      throw new IllegalArgumentException(what + " is missing (null)");
    }
  }

  private static void time(double seconds, String what) {
    if (!Double.isFinite(seconds) || seconds < 0) {
      throw new IllegalArgumentException(what + " must be a finite number of seconds >= 0, got " + seconds);
    }
  }

  private static void atomic(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
