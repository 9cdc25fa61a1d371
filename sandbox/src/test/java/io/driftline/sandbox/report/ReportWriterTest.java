package io.driftline.sandbox.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.driftline.sandbox.report.ReportSummary.Figures;
import io.driftline.sandbox.report.SandboxReport.DeviceRun;
import io.driftline.sandbox.report.SandboxReport.WindowPoint;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class ReportWriterTest {

  private static final double EPS = 1e-9;

  @TempDir
  Path dir;

  @Test
  void jsonReadsBackEqualWithIsoInstants() throws Exception {
    SandboxReport report = ReportFixture.report();
    ReportWriter writer = new ReportWriter(dir.resolve("run"));

    writer.write(report);

    assertThat(ReportWriter.read(writer.json())).isEqualTo(report);
    String json = Files.readString(writer.json());
    assertThat(json).contains("\"startedAt\" : \"2026-11-26T07:00:00Z\"", "\"finishedAt\" : \"2026-11-26T07:02:00Z\"");
    // derived accessors (adaptedAccuracy, latencySeconds) are not stored, so they cannot disagree with the data
    assertThat(json).doesNotContain("adaptedAccuracy", "latencySeconds");
    assertThat(json.indexOf("\"summary\"")).isPositive().isLessThan(json.indexOf("\"devices\""));
    assertThat(dir.resolve("run")).isDirectoryNotContaining("glob:**.tmp");
  }

  @Test
  void summaryHasTheFiguresWorkedOutByHand() throws Exception {
    ReportWriter writer = new ReportWriter(dir);
    writer.write(ReportFixture.report());
    ReportSummary summary = ReportWriter.readSummary(writer.json());

    Figures street = summary.device("dev-a");
    assertThat(street.windows()).isEqualTo(12);
    assertThat(street.frames()).isEqualTo(120);
    assertThat(street.driftedWindows()).isEqualTo(5);
    assertThat(street.driftedFrames()).isEqualTo(50);
    assertThat(street.driftedAccuracyAdapted()).isCloseTo(0.62, within(EPS));
    assertThat(street.driftedAccuracyShadow()).isCloseTo(0.40, within(EPS));
    assertThat(street.driftedGainPoints()).isCloseTo(22.0, within(EPS));
    assertThat(street.accuracyAdapted()).isCloseTo(94 / 120.0, within(EPS));
    assertThat(street.accuracyShadow()).isCloseTo(83 / 120.0, within(EPS));
    assertThat(street.gainPoints()).isCloseTo(1100 / 120.0, within(EPS));
    assertThat(street.incidents()).isEqualTo(1);
    assertThat(street.adaptations()).isEqualTo(1);
    assertThat(street.medianLatencySeconds()).isCloseTo(13.0, within(EPS));
    assertThat(street.maxLatencySeconds()).isCloseTo(13.0, within(EPS));
    assertThat(street.bytesUploaded()).isEqualTo(30_000);
    assertThat(street.bytesDownloaded()).isEqualTo(8_000);

    Figures dock = summary.device("dev-b");
    assertThat(dock.driftedFrames()).isEqualTo(90);
    assertThat(dock.driftedAccuracyAdapted()).isCloseTo(51 / 90.0, within(EPS));
    assertThat(dock.driftedAccuracyShadow()).isCloseTo(33 / 90.0, within(EPS));
    assertThat(dock.driftedGainPoints()).isCloseTo(20.0, within(EPS));
    assertThat(dock.gainPoints()).isCloseTo(15.0, within(EPS));
    assertThat(dock.incidents()).isEqualTo(2);
    assertThat(dock.adaptations()).isEqualTo(2);
    assertThat(dock.medianLatencySeconds()).isCloseTo(17.5, within(EPS));
    assertThat(dock.maxLatencySeconds()).isCloseTo(20.0, within(EPS));

    Figures yard = summary.device("dev-c");
    assertThat(yard.frames()).isEqualTo(115);
    assertThat(yard.accuracyAdapted()).isCloseTo(103 / 115.0, within(EPS));
    assertThat(yard.gainPoints()).isCloseTo(0.0, within(EPS));
    assertThat(yard.driftedWindows()).isZero();
    assertThat(yard.driftedAccuracyAdapted()).isNull();
    assertThat(yard.driftedGainPoints()).isNull();
    assertThat(yard.medianLatencySeconds()).isNull();
    assertThat(yard.maxLatencySeconds()).isNull();

    Figures fleet = summary.fleet();
    assertThat(fleet.deviceId()).isNull();
    assertThat(fleet.windows()).isEqualTo(36);
    assertThat(fleet.frames()).isEqualTo(355);
    assertThat(fleet.accuracyAdapted()).isCloseTo(272 / 355.0, within(EPS));
    assertThat(fleet.accuracyShadow()).isCloseTo(243 / 355.0, within(EPS));
    assertThat(fleet.gainPoints()).isCloseTo(2900 / 355.0, within(EPS));
    assertThat(fleet.driftedFrames()).isEqualTo(140);
    assertThat(fleet.driftedAccuracyAdapted()).isCloseTo(82 / 140.0, within(EPS));
    assertThat(fleet.driftedAccuracyShadow()).isCloseTo(53 / 140.0, within(EPS));
    assertThat(fleet.driftedGainPoints()).isCloseTo(2900 / 140.0, within(EPS));
    assertThat(fleet.incidents()).isEqualTo(3);
    assertThat(fleet.adaptations()).isEqualTo(3);
    assertThat(fleet.medianLatencySeconds()).isCloseTo(15.0, within(EPS));
    assertThat(fleet.maxLatencySeconds()).isCloseTo(20.0, within(EPS));
    assertThat(fleet.bytesUploaded()).isEqualTo(80_000);
    assertThat(fleet.bytesDownloaded()).isEqualTo(26_500);
    assertThat(fleet.samplesUploaded()).isEqualTo(80);

    assertThat(summary).isEqualTo(ReportSummary.of(ReportFixture.report()));
  }

  @Test
  void htmlIsWellFormedWithOnePlotSectionPerDevice() throws Exception {
    ReportWriter writer = new ReportWriter(dir);
    writer.write(ReportFixture.report());

    Document page = parse(writer.html());
    XPath xpath = XPathFactory.newInstance().newXPath();
    NodeList devices = (NodeList) xpath.evaluate("//*[local-name()='section'][@class='device']", page,
        XPathConstants.NODESET);
    assertThat(devices.getLength()).isEqualTo(3);
    List<String> headings = new ArrayList<>();
    for (int i = 0; i < devices.getLength(); i++) {
      headings.add(xpath.evaluate("*[local-name()='h3']", devices.item(i)).trim());
      // each device section has its accuracy plot
      assertThat(xpath.evaluate("count(.//*[local-name()='svg'])", devices.item(i))).isEqualTo("1");
    }
    assertThat(headings).containsExactly("cam-street dev-a", "cam-dock dev-b", "cam-yard dev-c");
    // fleet, latency, bytes, bundle timeline and three devices
    assertThat(xpath.evaluate("count(//*[local-name()='svg'])", page)).isEqualTo("7");
    // one latency bar per adaptation, one pair of byte bars per device, one timeline span per bundle span
    assertThat(xpath.evaluate("count(//*[@id='latency']//*[local-name()='rect'])", page)).isEqualTo("3");
    assertThat(xpath.evaluate("count(//*[@id='bytes']//*[local-name()='rect'])", page)).isEqualTo("6");
    assertThat(xpath.evaluate("count(//*[@id='bundles']//*[local-name()='rect'])", page)).isEqualTo("6");
    // the device table has a row per device and the fleet row with its drifted gain
    assertThat(xpath.evaluate("count(//*[@id='devices']//*[local-name()='tbody']/*)", page)).isEqualTo("3");
    String html = Files.readString(writer.html());
    assertThat(html).contains("+20.7", "+22.0", "median 15.0 s", "teacher on 2 cores");
    assertThat(xpath.evaluate("*[local-name()='p']", devices.item(2))).contains("Drifted windows: none;");
  }

  @Test
  void htmlNeedsNothingFromTheNetwork() throws Exception {
    ReportWriter writer = new ReportWriter(dir);
    writer.write(ReportFixture.report());
    String html = Files.readString(writer.html());

    assertThat(html).doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<link")
        .doesNotContain("@import", "url(", "src=\"");
    Matcher urls = Pattern.compile("https?://[^\"\\s]+").matcher(html);
    List<String> found = new ArrayList<>();
    while (urls.find()) {
      found.add(urls.group());
    }
    assertThat(found).allMatch(u -> u.equals("http://www.w3.org/1999/xhtml") || u.equals("http://www.w3.org/2000/svg"));
  }

  @Test
  void escapesHostileNamesBundlesAndNotes() throws Exception {
    String hostile = "<script>alert(1)</script>";
    SandboxReport report = ReportFixture.report(hostile, "x\"><img src=x onerror=alert(2)>:1",
        List.of("note " + hostile + " & more", "bell\u0007 and nul\u0000 cannot be in XML"));
    ReportWriter writer = new ReportWriter(dir);
    writer.write(report);

    String html = Files.readString(writer.html());
    assertThat(html).doesNotContain(hostile, "<img").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    Document page = parse(writer.html());
    XPath xpath = XPathFactory.newInstance().newXPath();
    assertThat(xpath.evaluate("count(//*[local-name()='script' or local-name()='img'])", page)).isEqualTo("0");
    assertThat(xpath.evaluate("//*[local-name()='section'][@class='device'][1]/*[local-name()='h3']", page))
        .startsWith(hostile);
    assertThat(page.getDocumentElement().getTextContent()).contains("note " + hostile + " & more",
        "bell\uFFFD and nul\uFFFD cannot be in XML");
    assertThat(ReportWriter.read(writer.json())).isEqualTo(report);
  }

  @Test
  void rendersARunWithNothingInIt() throws Exception {
    SandboxReport empty = new SandboxReport("empty", ReportFixture.START, ReportFixture.START, 32, List.of(),
        List.of(), List.of(), List.of());
    ReportWriter writer = new ReportWriter(dir);

    ReportSummary summary = writer.write(empty);

    assertThat(summary.devices()).isEmpty();
    assertThat(summary.fleet().frames()).isZero();
    assertThat(summary.fleet().accuracyAdapted()).isNull();
    assertThat(summary.fleet().medianLatencySeconds()).isNull();
    assertThat(ReportWriter.read(writer.json())).isEqualTo(empty);
    assertThat(ReportWriter.readSummary(writer.json())).isEqualTo(summary);
    Document page = parse(writer.html());
    String text = page.getDocumentElement().getTextContent();
    assertThat(text).contains("Devices: none", "Incidents: none", "Adaptations: none", "Notes: none",
        "Windows: none recorded");
  }

  @Test
  void rendersADeviceWithoutWindowsIncidentsOrAdaptations() throws Exception {
    SandboxReport full = ReportFixture.report();
    DeviceRun silent = new DeviceRun("dev-z", "cam-silent", "mcu", "mcu-student:1", List.of("INT8"), 8_192, List.of(),
        List.of(), 0, 0, 0, null, null);
    List<DeviceRun> devices = new ArrayList<>(full.devices());
    devices.add(silent);
    SandboxReport report = new SandboxReport(full.scenario(), full.startedAt(), full.finishedAt(), full.windowFrames(),
        devices, full.incidents(), full.adaptations(), full.notes());
    ReportWriter writer = new ReportWriter(dir);

    ReportSummary summary = writer.write(report);

    Figures figures = summary.device("dev-z");
    assertThat(figures.windows()).isZero();
    assertThat(figures.accuracyAdapted()).isNull();
    assertThat(figures.gainPoints()).isNull();
    assertThat(summary.fleet().frames()).isEqualTo(355);
    Document page = parse(writer.html());
    XPath xpath = XPathFactory.newInstance().newXPath();
    String section = xpath.evaluate("//*[local-name()='section'][@class='device'][4]", page);
    assertThat(section).contains("cam-silent", "Windows: none recorded for this device", "bundle spans: none",
        "Incidents: none", "Domains: none");
  }

  @Test
  void rejectsAWindowWithMoreCorrectFramesThanFramesAndWritesNothing() {
    SandboxReport full = ReportFixture.report();
    DeviceRun first = full.devices().get(0);
    List<WindowPoint> windows = new ArrayList<>(first.windows());
    windows.set(3, new WindowPoint(3, 40, 10, 11, 9, "clean", null));
    DeviceRun broken = new DeviceRun(first.deviceId(), first.name(), first.deviceClass(), first.student(),
        first.precisions(), first.adaptorBudgetBytes(), windows, first.bundles(), first.bytesUploaded(),
        first.bytesDownloaded(), first.samplesUploaded(), first.desiredBundle(), first.reportedBundle());
    SandboxReport report = new SandboxReport(full.scenario(), full.startedAt(), full.finishedAt(), full.windowFrames(),
        List.of(broken), List.of(), List.of(), List.of());
    ReportWriter writer = new ReportWriter(dir.resolve("out"));

    assertThatThrownBy(() -> writer.write(report)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("device dev-a window 3").hasMessageContaining("0..10").hasMessageContaining("adapted 11");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void rejectsATimeThatIsNotFinite() {
    SandboxReport full = ReportFixture.report();
    SandboxReport report = new SandboxReport(full.scenario(), full.startedAt(), full.finishedAt(), full.windowFrames(),
        full.devices(), List.of(new SandboxReport.IncidentMark("inc-x", "dev-a", Double.NaN, null, "OPEN", "ood")),
        List.of(), List.of());

    assertThatThrownBy(() -> new ReportWriter(dir).write(report)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("incident inc-x openedSeconds").hasMessageContaining("NaN");
  }

  @Test
  void readingAFileThatIsNotAReportSaysWhich() throws Exception {
    Path notJson = Files.writeString(dir.resolve("report.json"), "<html/>");
    Path wrongShape = Files.writeString(dir.resolve("other.json"), "{\"scenario\": 3, \"devices\": \"x\"}");

    assertThatThrownBy(() -> ReportWriter.read(notJson)).hasMessageContaining("report.json is not valid JSON");
    assertThatThrownBy(() -> ReportWriter.read(wrongShape)).hasMessageContaining("other.json is not a sandbox report");
    assertThatThrownBy(() -> ReportWriter.readSummary(wrongShape)).hasMessageContaining("has no 'summary' field");
  }

  @Test
  void readingAReportWithAMissingListSaysWhichField() throws Exception {
    ReportWriter writer = new ReportWriter(dir);
    writer.write(ReportFixture.report());
    String json = Files.readString(writer.json());
    Files.writeString(writer.json(), json.replaceFirst("\"notes\" : \\[[^]]*]", "\"notes\" : null"));

    assertThatThrownBy(() -> ReportWriter.read(writer.json())).isInstanceOf(IOException.class)
        .hasMessageContaining("is not a consistent sandbox report: notes is missing");
  }

  static Document parse(Path html) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    byte[] bytes = Files.readString(html).getBytes(StandardCharsets.UTF_8);
    return factory.newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
  }
}
