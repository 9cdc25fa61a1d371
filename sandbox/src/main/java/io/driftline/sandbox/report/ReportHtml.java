package io.driftline.sandbox.report;

import static io.driftline.sandbox.report.Svg.escape;

import io.driftline.core.scenario.Segment;
import io.driftline.sandbox.report.ReportSummary.Figures;
import io.driftline.sandbox.report.SandboxReport.AdaptationMark;
import io.driftline.sandbox.report.SandboxReport.BundleSpan;
import io.driftline.sandbox.report.SandboxReport.DeviceRun;
import io.driftline.sandbox.report.SandboxReport.IncidentMark;
import io.driftline.sandbox.report.SandboxReport.WindowPoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Renders a {@link SandboxReport} as one self-contained HTML page with inline SVG plots. The page is
 * also well-formed XML (XHTML syntax, no named entities besides XML's own, no scripts), so it opens
 * offline in any browser and tests can parse it with the JDK's XML parser.
 */
final class ReportHtml {

  static final int WIDTH = 1160;
  private static final double LEFT = 130;
  private static final double RIGHT = 16;
  private static final double CHAR_WIDTH = 6.2;

  static final String ADAPTED = "#1565c0";
  static final String SHADOW = "#9e9e9e";
  static final String INCIDENT = "#c62828";
  static final String RECOVERED = "#2e7d32";
  static final String FAILED = "#6d4c41";
  static final String ADAPTATION = "#7b1fa2";
  static final String UPLOAD = "#4e79a7";
  static final String DOWNLOAD = "#f28e2b";
  static final String DRIFTED = "#ef6c00";
  static final String BARE = "#e0e0e0";
  static final String CLEAN = "#eeeeee";
  private static final String[] BUNDLE_COLORS = {
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#17becf"
  };
  private static final String[] DOMAIN_COLORS = {
    "#80b1d3", "#fdb462", "#bc80bd", "#fb8072", "#8dd3c7", "#b3de69", "#fccde5", "#d9d9a0", "#ccebc5", "#ffed6f"
  };

  private static final String CSS = """
      body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#212121;\
      max-width:1200px;margin:16px auto;padding:0 16px}
      h1{font-size:22px;margin:8px 0}
      h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
      h3{font-size:16px;margin:24px 0 4px}
      nav a{margin-right:12px}
      .meta{color:#555}
      .plot{display:block;max-width:100%;height:auto}
      .plot text{font:11px system-ui,Helvetica,Arial,sans-serif;fill:#424242}
      .plot .title{font-weight:bold}
      .plot .none{font-size:14px;fill:#757575;font-style:italic}
      .cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
      .card{border:1px solid #ddd;border-radius:6px;padding:6px 12px;min-width:170px}
      .card b{display:block;font-size:18px}
      .scroll{overflow-x:auto}
      table{border-collapse:collapse;font-size:12px;margin:6px 0}
      th,td{border-bottom:1px solid #e0e0e0;padding:3px 6px;text-align:right;vertical-align:top}
      td{white-space:nowrap}
      th{background:#fafafa}
      .l{text-align:left}
      tfoot td{font-weight:bold;border-top:2px solid #bbb}
      .none{color:#757575;font-style:italic}
      .pos{color:#2e7d32}
      .neg{color:#c62828}
      .legend{list-style:none;padding:0;margin:4px 0;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px}
      .swatch{display:inline-block;width:16px;height:10px;margin-right:5px;vertical-align:middle;border-radius:2px;\
      box-shadow:inset 0 0 0 1px rgba(0,0,0,0.12)}
      .dashed{border-top:2px dashed #9e9e9e;height:0;border-radius:0;box-shadow:none}
      .solid{height:0;border-top:3px solid;border-radius:0;box-shadow:none}
      .device{border-top:1px solid #eee}
      .warn{color:#c62828}
      """;

  private final SandboxReport report;
  private final ReportSummary summary;
  private final double runSeconds;
  private final Scale time;
  private final Map<String, String> bundleColors = new LinkedHashMap<>();
  private final Map<String, String> domainColors = new LinkedHashMap<>();
  private final Map<String, String> familyColors = new LinkedHashMap<>();
  private final Map<String, String> deviceNames = new LinkedHashMap<>();

  private ReportHtml(SandboxReport report, ReportSummary summary) {
    this.report = report;
    this.summary = summary;
    this.runSeconds = runSeconds(report);
    this.time = new Scale(0, runSeconds, LEFT, WIDTH - RIGHT);
    for (DeviceRun device : report.devices()) {
      deviceNames.putIfAbsent(device.deviceId(), label(device));
      for (BundleSpan span : device.bundles()) {
        bundleColor(span.bundle());
      }
      for (WindowPoint w : device.windows()) {
        bundleColor(w.bundle());
        domainColor(w.domain());
      }
    }
    for (AdaptationMark a : report.adaptations()) {
      bundleColor(a.bundle());
    }
  }

  /** The page for {@code report}, whose figures are {@code summary}. */
  static String render(SandboxReport report, ReportSummary summary) {
    return new ReportHtml(report, summary).page();
  }

  private String page() {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
        .append("<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
        .append("<title>Driftline sandbox report: ").append(escape(report.scenario())).append("</title>\n")
        .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
    header(h);
    fleetSection(h);
    tableSection(h);
    latencySection(h);
    bytesSection(h);
    ganttSection(h);
    deviceSections(h);
    eventsSection(h);
    h.append("</body>\n</html>\n");
    return h.toString();
  }

  // ---------------------------------------------------------------- header

  private void header(StringBuilder h) {
    Figures fleet = summary.fleet();
    h.append("<header>\n<h1>Driftline sandbox run: ").append(escape(report.scenario())).append("</h1>\n")
        .append("<p class=\"meta\">Started ").append(escape(report.startedAt().toString())).append(", finished ")
        .append(escape(report.finishedAt().toString())).append(" (").append(clock(runSeconds)).append("); ")
        .append(report.devices().size()).append(" devices, ").append(report.windowFrames())
        .append(" frames per window. Times on the plots are minutes:seconds since the start.</p>\n")
        .append("<nav><a href=\"#fleet\">Fleet</a><a href=\"#devices\">Devices</a><a href=\"#latency\">Latency</a>")
        .append("<a href=\"#bytes\">Bytes</a><a href=\"#bundles\">Bundles</a><a href=\"#per-device\">Per device</a>")
        .append("<a href=\"#events\">Incidents and adaptations</a></nav>\n<div class=\"cards\">\n");
    card(h, "Drifted windows: adapted vs shadow", pct(fleet.driftedAccuracyAdapted()) + " vs "
        + pct(fleet.driftedAccuracyShadow()), "gain " + points(fleet.driftedGainPoints()) + " points over "
        + fleet.driftedFrames() + " frames");
    card(h, "All windows: adapted vs shadow", pct(fleet.accuracyAdapted()) + " vs " + pct(fleet.accuracyShadow()),
        "gain " + points(fleet.gainPoints()) + " points over " + fleet.frames() + " frames");
    card(h, "Incidents / adaptations", fleet.incidents() + " / " + fleet.adaptations(),
        "latency median " + seconds(fleet.medianLatencySeconds()) + ", max " + seconds(fleet.maxLatencySeconds()));
    card(h, "Bytes up / down", bytes(fleet.bytesUploaded()) + " / " + bytes(fleet.bytesDownloaded()),
        fleet.samplesUploaded() + " samples uploaded");
    h.append("</div>\n");
    if (report.notes().isEmpty()) {
      h.append("<p class=\"none\">Notes: none.</p>\n");
    } else {
      h.append("<ul class=\"notes\">\n");
      for (String note : report.notes()) {
        h.append("<li>").append(escape(note)).append("</li>\n");
      }
      h.append("</ul>\n");
    }
    h.append("</header>\n");
  }

  private static void card(StringBuilder h, String title, String value, String detail) {
    h.append("<div class=\"card\">").append(escape(title)).append("<b>").append(escape(value)).append("</b>")
        .append("<span class=\"meta\">").append(escape(detail)).append("</span></div>\n");
  }

  // ---------------------------------------------------------------- fleet accuracy over time

  private void fleetSection(StringBuilder h) {
    h.append("<section id=\"fleet\">\n<h2>Fleet accuracy over time</h2>\n");
    List<Bucket> buckets = buckets();
    h.append("<p>All devices' windows pooled into ").append(buckets.isEmpty() ? "time"
            : escape(seconds(buckets.get(0).to - buckets.get(0).from)))
        .append(" buckets by the time each window ended; accuracy is correct frames over frames in the bucket.")
        .append(" The strip below shows the share of drifted frames (domain other than clean).</p>\n");
    legend(h, lineLegend());
    double top = 22;
    double bottom = 242;
    Svg svg = new Svg(WIDTH, 300, "Fleet accuracy over time, with and without adaptation");
    Scale y = new Scale(0, 1, bottom, top);
    accuracyFrame(svg, y, top, bottom);
    for (IncidentMark incident : report.incidents()) {
      double x = time.at(incident.openedSeconds());
      svg.polygon("fill=\"" + INCIDENT + "\"", incidentTitle(incident), x - 5, top - 12, x + 5, top - 12, x, top - 2);
    }
    for (AdaptationMark a : report.adaptations()) {
      double x = time.at(a.activeSeconds());
      svg.line(x, top, x, bottom, "stroke=\"" + ADAPTATION + "\" stroke-opacity=\"0.35\" stroke-dasharray=\"2 3\"", null);
      svg.polygon("fill=\"" + ADAPTATION + "\"", adaptationTitle(a), x, bottom - 10, x + 5, bottom - 5, x, bottom, x - 5,
          bottom - 5);
    }
    List<double[]> adapted = new ArrayList<>();
    List<double[]> shadow = new ArrayList<>();
    for (Bucket b : buckets) {
      double mid = (b.from + Math.min(b.to, runSeconds)) / 2;
      adapted.add(new double[] {mid, b.frames == 0 ? Double.NaN : (double) b.adapted / b.frames});
      shadow.add(new double[] {mid, b.frames == 0 ? Double.NaN : (double) b.shadow / b.frames});
    }
    svg.path(path(shadow, time, y), "fill=\"none\" stroke=\"" + SHADOW + "\" stroke-width=\"2\" stroke-dasharray=\"6 4\"");
    svg.path(path(adapted, time, y), "fill=\"none\" stroke=\"" + ADAPTED + "\" stroke-width=\"2.2\"");
    boolean dots = buckets.size() <= 150;
    double stripTop = bottom + 8;
    svg.text(LEFT - 6, stripTop + 10, "drifted", "text-anchor=\"end\"");
    for (Bucket b : buckets) {
      if (b.frames == 0) {
        continue;
      }
      double mid = (b.from + Math.min(b.to, runSeconds)) / 2;
      String title = clock(b.from) + "\u2013" + clock(b.to) + ": adapted " + pct((double) b.adapted / b.frames)
          + ", shadow " + pct((double) b.shadow / b.frames) + " over " + b.frames + " frames of " + b.windows
          + " windows, " + pct((double) b.drifted / b.frames) + " drifted";
      if (dots) {
        svg.circle(time.at(mid), y.at((double) b.adapted / b.frames), 2.6, "fill=\"" + ADAPTED + "\"", title);
      }
      svg.rect(time.at(b.from), stripTop, time.at(Math.min(b.to, runSeconds)) - time.at(b.from), 12,
          "shape-rendering=\"crispEdges\" fill=\"" + DRIFTED + "\" fill-opacity=\""
              + Svg.num(0.05 + 0.85 * b.drifted / b.frames) + "\"", title);
    }
    timeAxis(svg, stripTop + 14);
    if (buckets.stream().allMatch(b -> b.frames == 0)) {
      svg.text((LEFT + WIDTH) / 2.0, (top + bottom) / 2, "Windows: none recorded", "class=\"none\" text-anchor=\"middle\"");
    }
    h.append(svg).append('\n');
    h.append("<p class=\"meta\">").append(report.incidents().isEmpty() ? "Incidents: none. "
        : count(report.incidents().size(), "incident") + " (red triangles, at opening). ")
        .append(report.adaptations().isEmpty() ? "Adaptations: none."
            : count(report.adaptations().size(), "adaptation") + " (purple diamonds, when the bundle became active).")
        .append("</p>\n");
    domainLegend(h, null);
    h.append("</section>\n");
  }

  /** Every device's windows pooled by the time they ended. */
  private List<Bucket> buckets() {
    List<Double> gaps = new ArrayList<>();
    boolean any = false;
    for (DeviceRun device : report.devices()) {
      for (int i = 0; i < device.windows().size(); i++) {
        any = true;
        if (i > 0) {
          double gap = device.windows().get(i).endSeconds() - device.windows().get(i - 1).endSeconds();
          if (gap > 0) {
            gaps.add(gap);
          }
        }
      }
    }
    if (!any) {
      return List.of();
    }
    Double typical = ReportSummary.median(gaps);
    double width = niceStep(Math.max(runSeconds / 60, typical == null ? 0 : typical));
    int count = Math.max(1, (int) Math.ceil(runSeconds / width));
    List<Bucket> buckets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      buckets.add(new Bucket(i * width, (i + 1) * width));
    }
    for (DeviceRun device : report.devices()) {
      for (WindowPoint w : device.windows()) {
        int i = Math.min(count - 1, (int) Math.floor(w.endSeconds() / width));
        // a window ending exactly on a boundary belongs to the bucket it closes
        if (i > 0 && w.endSeconds() == i * width) {
          i--;
        }
        buckets.get(i).add(w);
      }
    }
    return buckets;
  }

  private static final class Bucket {
    final double from;
    final double to;
    int windows;
    long frames;
    long adapted;
    long shadow;
    long drifted;

    Bucket(double from, double to) {
      this.from = from;
      this.to = to;
    }

    void add(WindowPoint w) {
      windows++;
      frames += w.frames();
      adapted += w.correctAdapted();
      shadow += w.correctShadow();
      if (ReportSummary.isDrifted(w)) {
        drifted += w.frames();
      }
    }
  }

  // ---------------------------------------------------------------- summary table

  private void tableSection(StringBuilder h) {
    h.append("<section id=\"devices\">\n<h2>Devices</h2>\n");
    if (closedForNoDevices(h)) {
      return;
    }
    h.append("<p>Drifted = windows whose domain is not clean. Gain = adapted minus shadow accuracy, in points.</p>\n")
        .append("<div class=\"scroll\"><table>\n<thead><tr><th class=\"l\">device</th>")
        .append("<th class=\"l\">class<br/>student</th>")
        .append("<th class=\"l\">precisions<br/>adaptor budget</th><th>frames<br/>(drifted)</th>")
        .append("<th>drifted:<br/>adapted</th><th>drifted:<br/>shadow</th><th>drifted:<br/>gain</th>")
        .append("<th>all:<br/>adapted</th><th>all:<br/>shadow</th><th>all:<br/>gain</th><th>incidents</th>")
        .append("<th>adaptations</th><th>median<br/>latency</th><th>bytes up<br/>(samples)</th><th>bytes<br/>down</th>")
        .append("<th class=\"l\">bundle reported<br/>desired</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < report.devices().size(); i++) {
      DeviceRun device = report.devices().get(i);
      Figures f = summary.devices().get(i);
      h.append("<tr><td class=\"l\"><a href=\"#device-").append(i).append("\" title=\"").append(escape(label(device)))
          .append("\">").append(escape(shorten(label(device), 28)))
          .append("</a><br/><span class=\"meta\">").append(escape(device.deviceId())).append("</span></td>")
          .append(twoLines(device.deviceClass(), device.student(), ""))
          .append(twoLines(String.join(", ", device.precisions()), bytes(device.adaptorBudgetBytes()), ""));
      figureCells(h, f);
      String reported = Objects.requireNonNullElse(device.reportedBundle(), "none");
      String desired = Objects.requireNonNullElse(device.desiredBundle(), "none");
      h.append(twoLines(reported, desired, reported.equals(desired) ? "" : " warn")).append("</tr>\n");
    }
    h.append("</tbody>\n<tfoot><tr><td class=\"l\">fleet</td><td></td><td></td>");
    figureCells(h, summary.fleet());
    h.append("<td></td></tr></tfoot>\n</table></div>\n</section>\n");
  }

  private static String twoLines(String first, String second, String css) {
    return "<td class=\"l" + css + "\">" + escape(first) + "<br/>" + escape(second) + "</td>";
  }

  private static void figureCells(StringBuilder h, Figures f) {
    h.append(cell(f.frames() + " (" + f.driftedFrames() + ")", false))
        .append(cell(pct(f.driftedAccuracyAdapted()), false)).append(cell(pct(f.driftedAccuracyShadow()), false))
        .append(gainCell(f.driftedGainPoints())).append(cell(pct(f.accuracyAdapted()), false))
        .append(cell(pct(f.accuracyShadow()), false)).append(gainCell(f.gainPoints()))
        .append(cell(String.valueOf(f.incidents()), false)).append(cell(String.valueOf(f.adaptations()), false))
        .append(cell(seconds(f.medianLatencySeconds()), false))
        .append(cell(bytes(f.bytesUploaded()) + " (" + f.samplesUploaded() + ")", false))
        .append(cell(bytes(f.bytesDownloaded()), false));
  }

  /** Says "none" and closes the section if the run has no devices; returns whether it did. */
  private boolean closedForNoDevices(StringBuilder h) {
    if (!report.devices().isEmpty()) {
      return false;
    }
    h.append("<p class=\"none\">Devices: none.</p>\n</section>\n");
    return true;
  }

  private static String cell(String text, boolean left) {
    return (left ? "<td class=\"l\">" : "<td>") + escape(text) + "</td>";
  }

  private static String gainCell(@Nullable Double gain) {
    String css = gain == null || gain == 0 ? "" : gain > 0 ? " class=\"pos\"" : " class=\"neg\"";
    return "<td" + css + ">" + escape(points(gain)) + "</td>";
  }

  // ---------------------------------------------------------------- adaptation latency

  private void latencySection(StringBuilder h) {
    h.append("<section id=\"latency\">\n<h2>Adaptation latency</h2>\n");
    if (report.adaptations().isEmpty()) {
      h.append("<p class=\"none\">Adaptations: none.</p>\n</section>\n");
      return;
    }
    List<AdaptationMark> known = report.adaptations().stream().filter(a -> a.latencySeconds() != null)
        .sorted(Comparator.comparingDouble(AdaptationMark::activeSeconds)).toList();
    List<AdaptationMark> unknown = report.adaptations().stream().filter(a -> a.latencySeconds() == null).toList();
    Figures fleet = summary.fleet();
    h.append("<p>Seconds from the drift incident opening to the bundle being active on the device, one bar per ")
        .append("adaptation in the order they happened. Median ").append(escape(seconds(fleet.medianLatencySeconds())))
        .append(", max ").append(escape(seconds(fleet.maxLatencySeconds()))).append(".</p>\n");
    if (known.isEmpty()) {
      h.append("<p class=\"none\">Adaptations with a known incident: none.</p>\n");
    } else {
      double rowHeight = 20;
      double top = 10;
      double height = top + known.size() * rowHeight + 36;
      double left = 300;
      double max = known.stream().mapToDouble(a -> Objects.requireNonNull(a.latencySeconds())).max().orElse(1);
      double step = niceStep(Math.max(max, 1e-3) / 6);
      Scale x = new Scale(0, Math.max(step, Math.ceil(max * 1.08 / step) * step), left, WIDTH - RIGHT - 40);
      Svg svg = new Svg(WIDTH, (int) Math.ceil(height), "Adaptation latency per adaptation");
      double bottom = top + known.size() * rowHeight;
      for (double v = 0; v <= x.d1 + 1e-9; v += step) {
        svg.line(x.at(v), top, x.at(v), bottom, "stroke=\"#eeeeee\"", null);
        svg.text(x.at(v), bottom + 14, trim(v) + " s", "text-anchor=\"middle\"");
      }
      for (int i = 0; i < known.size(); i++) {
        AdaptationMark a = known.get(i);
        double latency = Objects.requireNonNull(a.latencySeconds());
        double y = top + i * rowHeight;
        String name = deviceNames.getOrDefault(a.deviceId(), a.deviceId()) + " \u00b7 " + a.bundle();
        svg.text(left - 8, y + 14, fit(name, left - 12), "text-anchor=\"end\"", name);
        svg.rect(x.at(0), y + 4, x.at(latency) - x.at(0), rowHeight - 8, "fill=\"" + ADAPTATION + "\"", adaptationTitle(a));
        svg.text(x.at(latency) + 4, y + 14, seconds(latency), "");
      }
      Double median = fleet.medianLatencySeconds();
      if (median != null) {
        svg.line(x.at(median), top - 4, x.at(median), bottom + 2, "stroke=\"#212121\" stroke-dasharray=\"5 3\"", null);
        svg.text(x.at(median), bottom + 28, "median " + seconds(median), "text-anchor=\"middle\" class=\"title\"");
      }
      h.append(svg).append('\n');
    }
    if (!unknown.isEmpty()) {
      h.append("<p class=\"meta\">Without a known incident (no latency): ");
      for (int i = 0; i < unknown.size(); i++) {
        AdaptationMark a = unknown.get(i);
        h.append(i == 0 ? "" : ", ").append(escape(deviceNames.getOrDefault(a.deviceId(), a.deviceId()) + " \u00b7 "
            + a.bundle() + " at " + clock(a.activeSeconds())));
      }
      h.append(".</p>\n");
    }
    h.append("</section>\n");
  }

  // ---------------------------------------------------------------- bytes per device

  private void bytesSection(StringBuilder h) {
    h.append("<section id=\"bytes\">\n<h2>Bytes uploaded and downloaded</h2>\n");
    Figures fleet = summary.fleet();
    h.append("<p>Samples uploaded (UGS picks) and bundles downloaded, per device. Totals: ")
        .append(escape(bytes(fleet.bytesUploaded()))).append(" up in ").append(fleet.samplesUploaded())
        .append(" samples, ").append(escape(bytes(fleet.bytesDownloaded()))).append(" down.</p>\n");
    if (closedForNoDevices(h)) {
      return;
    }
    legend(h, List.of(new String[] {"swatch", UPLOAD, "uploaded"}, new String[] {"swatch", DOWNLOAD, "downloaded"}));
    double rowHeight = 34;
    double top = 8;
    double bottom = top + report.devices().size() * rowHeight;
    long max = 1;
    for (DeviceRun d : report.devices()) {
      max = Math.max(max, Math.max(d.bytesUploaded(), d.bytesDownloaded()));
    }
    Scale x = new Scale(0, max, LEFT + 60, WIDTH - RIGHT - 70);
    Svg svg = new Svg(WIDTH, (int) Math.ceil(bottom + 8), "Bytes uploaded and downloaded per device");
    for (int i = 0; i < report.devices().size(); i++) {
      DeviceRun d = report.devices().get(i);
      double y = top + i * rowHeight;
      String name = label(d);
      svg.text(LEFT + 52, y + 20, fit(name, LEFT + 40), "text-anchor=\"end\"", name + " (" + d.deviceId() + ")");
      svg.rect(x.at(0), y + 3, x.at(d.bytesUploaded()) - x.at(0), 12, "fill=\"" + UPLOAD + "\"",
          name + ": " + bytes(d.bytesUploaded()) + " uploaded in " + d.samplesUploaded() + " samples");
      svg.text(x.at(d.bytesUploaded()) + 4, y + 13, bytes(d.bytesUploaded()), "");
      svg.rect(x.at(0), y + 17, x.at(d.bytesDownloaded()) - x.at(0), 12, "fill=\"" + DOWNLOAD + "\"",
          name + ": " + bytes(d.bytesDownloaded()) + " downloaded");
      svg.text(x.at(d.bytesDownloaded()) + 4, y + 27, bytes(d.bytesDownloaded()), "");
    }
    svg.line(x.at(0), top, x.at(0), bottom, "stroke=\"#9e9e9e\"", null);
    h.append(svg).append("\n</section>\n");
  }

  // ---------------------------------------------------------------- bundle timeline

  private void ganttSection(StringBuilder h) {
    h.append("<section id=\"bundles\">\n<h2>Active bundle timeline</h2>\n");
    if (closedForNoDevices(h)) {
      return;
    }
    h.append("<p>Which bundle each device ran when; grey is the bare student.</p>\n");
    bundleLegend(h);
    double rowHeight = 24;
    double top = 6;
    double bottom = top + report.devices().size() * rowHeight;
    Svg svg = new Svg(WIDTH, (int) Math.ceil(bottom + 24), "Active bundle per device over time");
    timeGrid(svg, top, bottom);
    for (int i = 0; i < report.devices().size(); i++) {
      DeviceRun d = report.devices().get(i);
      double y = top + i * rowHeight;
      String name = label(d);
      svg.text(LEFT - 8, y + 16, fit(name, LEFT - 12), "text-anchor=\"end\"", name + " (" + d.deviceId() + ")");
      if (d.bundles().isEmpty()) {
        svg.text(LEFT + 4, y + 16, "bundle spans: none", "class=\"none\"");
        continue;
      }
      bundleSpans(svg, d.bundles(), y + 3, rowHeight - 6, name + ": ");
    }
    timeAxis(svg, bottom + 2);
    h.append(svg).append("\n</section>\n");
  }

  // ---------------------------------------------------------------- per device

  private void deviceSections(StringBuilder h) {
    h.append("<section id=\"per-device\">\n<h2>Per device</h2>\n");
    if (closedForNoDevices(h)) {
      return;
    }
    legend(h, lineLegend());
    for (int i = 0; i < report.devices().size(); i++) {
      deviceSection(h, i, report.devices().get(i), summary.devices().get(i));
    }
    h.append("</section>\n");
  }

  private void deviceSection(StringBuilder h, int index, DeviceRun device, Figures f) {
    h.append("<section class=\"device\" id=\"device-").append(index).append("\">\n<h3>")
        .append(escape(label(device))).append(" <span class=\"meta\">").append(escape(device.deviceId()))
        .append("</span></h3>\n<p class=\"meta\">").append(escape(device.deviceClass())).append(", student ")
        .append(escape(device.student())).append(", precisions ").append(escape(String.join(", ", device.precisions())))
        .append(", adaptor budget ").append(escape(bytes(device.adaptorBudgetBytes()))).append(". Drifted windows: ")
        .append(f.driftedFrames() == 0 ? "none"
            : escape(pct(f.driftedAccuracyAdapted())) + " adapted vs " + escape(pct(f.driftedAccuracyShadow()))
                + " shadow (" + escape(points(f.driftedGainPoints())) + " points)")
        .append("; all windows: ")
        .append(escape(pct(f.accuracyAdapted()))).append(" vs ").append(escape(pct(f.accuracyShadow()))).append(" (")
        .append(escape(points(f.gainPoints()))).append(" points). ").append(count(f.incidents(), "incident")).append(", ")
        .append(count(f.adaptations(), "adaptation")).append(", ").append(escape(bytes(device.bytesUploaded())))
        .append(" up, ").append(escape(bytes(device.bytesDownloaded()))).append(" down.</p>\n");

    double top = 18;
    double bottom = 178;
    Scale y = new Scale(0, 1, bottom, top);
    Svg svg = new Svg(WIDTH, 262, "Accuracy of " + label(device) + " with and without adaptation over time");
    accuracyFrame(svg, y, top, bottom);
    List<IncidentMark> incidents =
        report.incidents().stream().filter(i -> i.deviceId().equals(device.deviceId())).toList();
    for (IncidentMark incident : incidents) {
      double x0 = time.at(incident.openedSeconds());
      Double closed = incident.closedSeconds();
      double x1 = time.at(closed == null ? runSeconds : closed);
      svg.rect(x0, top, x1 - x0, bottom - top, "fill=\"" + INCIDENT + "\" fill-opacity=\"0.07\"", incidentTitle(incident));
      svg.polygon("fill=\"" + INCIDENT + "\"", incidentTitle(incident), x0 - 5, top - 12, x0 + 5, top - 12, x0, top - 2);
      if (closed != null) {
        String color = "RECOVERED".equals(incident.finalState()) ? RECOVERED : FAILED;
        svg.polygon("fill=\"" + color + "\"", incidentTitle(incident), x1 - 5, top - 2, x1 + 5, top - 2, x1, top - 12);
      }
    }
    for (AdaptationMark a : report.adaptations()) {
      if (!a.deviceId().equals(device.deviceId())) {
        continue;
      }
      double x = time.at(a.activeSeconds());
      svg.line(x, top, x, bottom, "stroke=\"" + ADAPTATION + "\" stroke-opacity=\"0.6\" stroke-dasharray=\"3 3\"", null);
      svg.polygon("fill=\"" + ADAPTATION + "\"", adaptationTitle(a), x, bottom - 10, x + 5, bottom - 5, x, bottom, x - 5,
          bottom - 5);
    }
    List<WindowPoint> windows = device.windows();
    List<double[]> adapted = new ArrayList<>();
    List<double[]> shadow = new ArrayList<>();
    for (WindowPoint w : windows) {
      adapted.add(new double[] {w.endSeconds(), w.frames() == 0 ? Double.NaN : w.adaptedAccuracy()});
      shadow.add(new double[] {w.endSeconds(), w.frames() == 0 ? Double.NaN : w.shadowAccuracy()});
    }
    svg.path(path(shadow, time, y),
        "fill=\"none\" stroke=\"" + SHADOW + "\" stroke-width=\"1.8\" stroke-dasharray=\"6 4\"");
    svg.path(path(adapted, time, y), "fill=\"none\" stroke=\"" + ADAPTED + "\" stroke-width=\"2\"");
    double domainTop = bottom + 8;
    double bundleTop = domainTop + 18;
    svg.text(LEFT - 6, domainTop + 11, "domain", "text-anchor=\"end\"");
    svg.text(LEFT - 6, bundleTop + 11, "bundle", "text-anchor=\"end\"");
    double typical = typicalGap(windows);
    // consecutive windows of one domain are drawn as one stretch: adjacent thin rectangles would leave seams
    int runStart = 0;
    for (int i = 0; i < windows.size(); i++) {
      WindowPoint w = windows.get(i);
      double from = windowStart(windows, i, typical);
      if (windows.size() <= 150 && w.frames() > 0) {
        String title = "window " + w.seq() + ", " + clock(from) + "\u2013" + clock(w.endSeconds()) + ", " + w.domain()
            + ": adapted " + w.correctAdapted() + "/" + w.frames() + " (" + pct(w.adaptedAccuracy()) + "), shadow "
            + w.correctShadow() + "/" + w.frames() + " (" + pct(w.shadowAccuracy()) + "), bundle " + bundleName(w.bundle());
        svg.circle(time.at(w.endSeconds()), y.at(w.adaptedAccuracy()), 2.4, "fill=\"" + ADAPTED + "\"", title);
      }
      boolean last = i + 1 == windows.size() || !windows.get(i + 1).domain().equals(w.domain());
      if (last) {
        List<WindowPoint> run = windows.subList(runStart, i + 1);
        double runFrom = windowStart(windows, runStart, typical);
        long frames = run.stream().mapToLong(WindowPoint::frames).sum();
        long adaptedFrames = run.stream().mapToLong(WindowPoint::correctAdapted).sum();
        long shadowFrames = run.stream().mapToLong(WindowPoint::correctShadow).sum();
        String title = w.domain() + ", " + clock(runFrom) + "\u2013" + clock(w.endSeconds()) + ", "
            + count(run.size(), "window") + ": adapted " + pct(frames == 0 ? null : (double) adaptedFrames / frames)
            + ", shadow " + pct(frames == 0 ? null : (double) shadowFrames / frames) + " over " + frames + " frames";
        svg.rect(time.at(runFrom), domainTop, time.at(w.endSeconds()) - time.at(runFrom), 14,
            "fill=\"" + domainColor(w.domain()) + "\"", title);
        runStart = i + 1;
      }
    }
    if (device.bundles().isEmpty()) {
      svg.text(LEFT + 4, bundleTop + 11, "bundle spans: none", "");
    }
    bundleSpans(svg, device.bundles(), bundleTop, 14, "");
    timeAxis(svg, bundleTop + 18);
    if (windows.isEmpty()) {
      svg.text((LEFT + WIDTH) / 2.0, (top + bottom) / 2, "Windows: none recorded for this device",
          "class=\"none\" text-anchor=\"middle\"");
    }
    h.append(svg).append('\n');
    domainLegend(h, device);
    h.append("<p class=\"meta\">").append(incidents.isEmpty() ? "Incidents: none." : count(incidents.size(), "incident")
        + ": red triangle when opened, green when recovered (brown when it ended otherwise), shaded while open.")
        .append("</p>\n</section>\n");
  }

  // ---------------------------------------------------------------- incidents and adaptations

  private void eventsSection(StringBuilder h) {
    h.append("<section id=\"events\">\n<h2>Incidents and adaptations</h2>\n<h3>Incidents</h3>\n");
    if (report.incidents().isEmpty()) {
      h.append("<p class=\"none\">Incidents: none.</p>\n");
    } else {
      h.append("<table>\n<thead><tr><th class=\"l\">incident</th><th class=\"l\">device</th><th class=\"l\">statistic</th>")
          .append("<th>opened</th><th>closed</th><th class=\"l\">final state</th></tr></thead>\n<tbody>\n");
      for (IncidentMark i : report.incidents()) {
        h.append("<tr>").append(cell(i.incidentId(), true))
            .append(cell(deviceNames.getOrDefault(i.deviceId(), i.deviceId()), true)).append(cell(i.statistic(), true))
            .append(cell(clock(i.openedSeconds()), false))
            .append(cell(i.closedSeconds() == null ? "open" : clock(i.closedSeconds()), false))
            .append(cell(i.finalState(), true)).append("</tr>\n");
      }
      h.append("</tbody>\n</table>\n");
    }
    h.append("<h3>Adaptations</h3>\n");
    if (report.adaptations().isEmpty()) {
      h.append("<p class=\"none\">Adaptations: none.</p>\n");
    } else {
      h.append("<table>\n<thead><tr><th class=\"l\">device</th><th class=\"l\">bundle</th><th class=\"l\">incident</th>")
          .append("<th>incident opened</th><th>active</th><th>latency</th><th>bytes</th></tr></thead>\n<tbody>\n");
      for (AdaptationMark a : report.adaptations()) {
        h.append("<tr>").append(cell(deviceNames.getOrDefault(a.deviceId(), a.deviceId()), true))
            .append(cell(a.bundle(), true)).append(cell(Objects.requireNonNullElse(a.incidentId(), "unknown"), true))
            .append(cell(a.incidentOpenedSeconds() == null ? "\u2014" : clock(a.incidentOpenedSeconds()), false))
            .append(cell(clock(a.activeSeconds()), false)).append(cell(seconds(a.latencySeconds()), false))
            .append(cell(bytes(a.bytes()), false)).append("</tr>\n");
      }
      h.append("</tbody>\n</table>\n");
    }
    h.append("</section>\n");
  }

  // ---------------------------------------------------------------- drawing helpers

  /** Accuracy grid lines and labels between {@code top} and {@code bottom}, plus the time grid. */
  private void accuracyFrame(Svg svg, Scale y, double top, double bottom) {
    timeGrid(svg, top, bottom);
    for (int p = 0; p <= 100; p += 25) {
      double at = y.at(p / 100.0);
      svg.line(LEFT, at, WIDTH - RIGHT, at, "stroke=\"" + (p == 0 ? "#9e9e9e" : "#eeeeee") + "\"", null);
      svg.text(LEFT - 6, at + 4, p + " %", "text-anchor=\"end\"");
    }
  }

  private void timeGrid(Svg svg, double top, double bottom) {
    double step = niceStep(runSeconds / 12);
    for (double t = 0; t <= runSeconds + 1e-9; t += step) {
      svg.line(time.at(t), top, time.at(t), bottom, "stroke=\"#f3f3f3\"", null);
    }
  }

  private void timeAxis(Svg svg, double y) {
    double step = niceStep(runSeconds / 12);
    svg.line(LEFT, y, WIDTH - RIGHT, y, "stroke=\"#9e9e9e\"", null);
    for (double t = 0; t <= runSeconds + 1e-9; t += step) {
      svg.line(time.at(t), y, time.at(t), y + 4, "stroke=\"#9e9e9e\"", null);
      svg.text(time.at(t), y + 16, clock(t), "text-anchor=\"middle\"");
    }
  }

  /** One bar per span between {@code top} and {@code top + height}, labelled inside where it fits. */
  private void bundleSpans(Svg svg, List<BundleSpan> spans, double top, double height, String titlePrefix) {
    for (BundleSpan span : spans) {
      double x0 = time.at(span.fromSeconds());
      double x1 = time.at(span.toSeconds());
      String bundle = bundleName(span.bundle());
      svg.rect(x0, top, x1 - x0, height, "fill=\"" + bundleColor(span.bundle()) + "\" stroke=\"#ffffff\"",
          titlePrefix + bundle + " from " + clock(span.fromSeconds()) + " to " + clock(span.toSeconds()));
      if (x1 - x0 > bundle.length() * CHAR_WIDTH + 8) {
        svg.text(x0 + 4, top + height / 2 + 4, bundle, "");
      }
    }
  }

  /** A path through the points, broken where a value is NaN. */
  static String path(List<double[]> points, Scale x, Scale y) {
    StringBuilder d = new StringBuilder();
    boolean pen = false;
    for (double[] p : points) {
      if (Double.isNaN(p[1])) {
        pen = false;
        continue;
      }
      d.append(pen ? " L" : (d.isEmpty() ? "M" : " M")).append(Svg.num(x.at(p[0]))).append(' ').append(Svg.num(y.at(p[1])));
      pen = true;
    }
    return d.toString();
  }

  private static List<String[]> lineLegend() {
    return List.of(new String[] {"solid", ADAPTED, "with adaptation"},
        new String[] {"dashed", SHADOW, "shadow (no adaptation)"},
        new String[] {"swatch", INCIDENT, "incident opened"}, new String[] {"swatch", RECOVERED, "incident recovered"},
        new String[] {"swatch", ADAPTATION, "bundle became active"});
  }

  /** An HTML legend; each entry is {kind (swatch, solid, dashed), colour, text}. */
  private static void legend(StringBuilder h, List<String[]> entries) {
    h.append("<ul class=\"legend\">");
    for (String[] e : entries) {
      String style = switch (e[0]) {
        case "solid" -> "border-top-color:" + e[1];
        case "dashed" -> "border-top-color:" + e[1];
        default -> "background:" + e[1];
      };
      String css = e[0].equals("swatch") ? "swatch" : "swatch " + e[0];
      h.append("<li><span class=\"").append(css).append("\" style=\"").append(style).append("\"></span>")
          .append(escape(e[2])).append("</li>");
    }
    h.append("</ul>\n");
  }

  /** The domains of one device, or of the whole run when {@code device} is null. */
  private void domainLegend(StringBuilder h, @Nullable DeviceRun device) {
    List<String> domains = new ArrayList<>();
    if (device == null) {
      domains.addAll(domainColors.keySet());
    } else {
      device.windows().stream().map(WindowPoint::domain).distinct().forEach(domains::add);
    }
    if (domains.isEmpty()) {
      h.append("<p class=\"none\">Domains: none.</p>\n");
      return;
    }
    List<String[]> entries = new ArrayList<>();
    for (String domain : domains) {
      entries.add(new String[] {"swatch", domainColor(domain), "domain " + domain});
    }
    legend(h, entries);
  }

  private void bundleLegend(StringBuilder h) {
    List<String[]> entries = new ArrayList<>();
    entries.add(new String[] {"swatch", BARE, "bare student"});
    for (Map.Entry<String, String> e : bundleColors.entrySet()) {
      entries.add(new String[] {"swatch", e.getValue(), e.getKey()});
    }
    legend(h, entries);
  }

  private String incidentTitle(IncidentMark incident) {
    Double closed = incident.closedSeconds();
    return "incident " + incident.incidentId() + " on " + deviceNames.getOrDefault(incident.deviceId(), incident.deviceId())
        + " (" + incident.statistic() + "): opened " + clock(incident.openedSeconds()) + ", "
        + (closed == null ? "still open at the end" : "closed " + clock(closed)) + ", " + incident.finalState();
  }

  private String adaptationTitle(AdaptationMark a) {
    Double latency = a.latencySeconds();
    return a.bundle() + " active on " + deviceNames.getOrDefault(a.deviceId(), a.deviceId()) + " at "
        + clock(a.activeSeconds()) + (latency == null ? " (incident unknown)"
        : ", " + seconds(latency) + " after incident " + Objects.requireNonNullElse(a.incidentId(), "?") + " opened")
        + ", " + bytes(a.bytes());
  }

  private String bundleColor(@Nullable String bundle) {
    if (bundle == null) {
      return BARE;
    }
    return bundleColors.computeIfAbsent(bundle, b -> BUNDLE_COLORS[bundleColors.size() % BUNDLE_COLORS.length]);
  }

  /** Colour by family (the part before {@code @}), lighter for lower severities; clean is light grey. */
  private String domainColor(String domain) {
    if (domain.equals(Segment.CLEAN)) {
      domainColors.putIfAbsent(domain, CLEAN);
      return CLEAN;
    }
    return domainColors.computeIfAbsent(domain, d -> {
      int at = d.lastIndexOf('@');
      String family = at < 0 ? d : d.substring(0, at);
      String base = familyColors.computeIfAbsent(family, f -> DOMAIN_COLORS[familyColors.size() % DOMAIN_COLORS.length]);
      int severity = 5;
      if (at >= 0) {
        try {
          severity = Math.max(1, Math.min(5, Integer.parseInt(d.substring(at + 1))));
        } catch (NumberFormatException e) {
          severity = 5;
        }
      }
      return blendWithWhite(base, 0.45 + 0.11 * severity);
    });
  }

  /** {@code color} (#rrggbb) at {@code weight} over white, as #rrggbb. */
  static String blendWithWhite(String color, double weight) {
    int rgb = Integer.parseInt(color.substring(1), 16);
    int r = (int) Math.round(255 - weight * (255 - (rgb >> 16 & 0xff)));
    int g = (int) Math.round(255 - weight * (255 - (rgb >> 8 & 0xff)));
    int b = (int) Math.round(255 - weight * (255 - (rgb & 0xff)));
    return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
  }

  // ---------------------------------------------------------------- numbers and text

  private static String label(DeviceRun device) {
    return device.name().isBlank() ? device.deviceId() : device.name();
  }

  private static String bundleName(@Nullable String bundle) {
    return bundle == null ? "bare student" : bundle;
  }

  /** {@code n} and the noun, plural unless {@code n} is 1. */
  static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /** {@code text}, cut with an ellipsis to fit about {@code pixels} of 11 px plot text. */
  static String fit(String text, double pixels) {
    return shorten(text, Math.max(4, (int) (pixels / CHAR_WIDTH)));
  }

  static String shorten(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "\u2026";
  }

  static String pct(@Nullable Double fraction) {
    return fraction == null ? "\u2014" : String.format(Locale.ROOT, "%.1f %%", 100 * fraction);
  }

  static String points(@Nullable Double points) {
    return points == null ? "\u2014" : String.format(Locale.ROOT, "%+.1f", points);
  }

  static String seconds(@Nullable Double seconds) {
    return seconds == null ? "\u2014" : String.format(Locale.ROOT, "%.1f s", seconds);
  }

  /** Seconds since the start as {@code m:ss}, or {@code h:mm:ss} from an hour on. */
  static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  static String bytes(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    if (bytes < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
    }
    if (bytes < 1_000_000_000) {
      return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
    return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  /** The smallest round step (1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, hours) that is at least {@code v}. */
  static double niceStep(double v) {
    double[] steps = {0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600};
    for (double s : steps) {
      if (s >= v) {
        return s;
      }
    }
    return Math.ceil(v / 3600) * 3600;
  }

  /** The run's length: from start to finish, stretched to cover every time in the data. */
  private static double runSeconds(SandboxReport report) {
    double seconds = Duration.between(report.startedAt(), report.finishedAt()).toMillis() / 1000.0;
    for (DeviceRun d : report.devices()) {
      for (WindowPoint w : d.windows()) {
        seconds = Math.max(seconds, w.endSeconds());
      }
      for (BundleSpan s : d.bundles()) {
        seconds = Math.max(seconds, s.toSeconds());
      }
    }
    for (IncidentMark i : report.incidents()) {
      seconds = Math.max(seconds, i.closedSeconds() == null ? i.openedSeconds() : i.closedSeconds());
    }
    for (AdaptationMark a : report.adaptations()) {
      seconds = Math.max(seconds, a.activeSeconds());
    }
    return seconds > 0 ? seconds : 1;
  }

  /** When window {@code i} began: the previous window's end, or a typical window's length before its own end. */
  private static double windowStart(List<WindowPoint> windows, int i, double typical) {
    return i > 0 ? windows.get(i - 1).endSeconds() : Math.max(0, windows.get(i).endSeconds() - typical);
  }

  private static double typicalGap(List<WindowPoint> windows) {
    List<Double> gaps = new ArrayList<>();
    for (int i = 1; i < windows.size(); i++) {
      double gap = windows.get(i).endSeconds() - windows.get(i - 1).endSeconds();
      if (gap > 0) {
        gaps.add(gap);
      }
    }
    Double median = ReportSummary.median(gaps);
    return median == null ? (windows.isEmpty() ? 0 : windows.get(0).endSeconds()) : median;
  }

  /** A linear map from data {@code [d0, d1]} to drawing {@code [r0, r1]}. */
  record Scale(double d0, double d1, double r0, double r1) {
    double at(double v) {
      return d1 == d0 ? r0 : r0 + (v - d0) / (d1 - d0) * (r1 - r0);
    }
  }
}
