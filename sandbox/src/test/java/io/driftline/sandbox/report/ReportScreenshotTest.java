package io.driftline.sandbox.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Renders the fixture's report.html in headless Chromium, offline, and keeps the PNG in
 * {@code target/report-screenshots/} for a person to look at. Skipped where Chromium is not installed.
 */
class ReportScreenshotTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @Test
  void chromiumDrawsThePlotsOffline() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM);
    Path out = Path.of("target", "report-screenshots").toAbsolutePath();
    ReportWriter writer = new ReportWriter(out);
    writer.write(ReportFixture.report());
    Path png = out.resolve("report.png");
    Files.deleteIfExists(png);

    Process chromium = new ProcessBuilder(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--hide-scrollbars", "--screenshot=" + png, "--window-size=1400,4600",
        writer.html().toUri().toString()))
        .redirectErrorStream(true).redirectOutput(out.resolve("chromium.log").toFile()).start();
    assertThat(chromium.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1400);
    // the plots' own colours are on the page: adapted line, shadow line, incident marker, upload bars
    assertThat(count(image, ReportHtml.ADAPTED)).isGreaterThan(500);
    assertThat(count(image, ReportHtml.SHADOW)).isGreaterThan(200);
    assertThat(count(image, ReportHtml.INCIDENT)).isGreaterThan(20);
    assertThat(count(image, ReportHtml.UPLOAD)).isGreaterThan(500);
  }

  private static int count(BufferedImage image, String hex) {
    int rgb = Integer.parseInt(hex.substring(1), 16);
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int p = image.getRGB(x, y) & 0xffffff;
        if (Math.abs((p >> 16) - (rgb >> 16)) + Math.abs((p >> 8 & 0xff) - (rgb >> 8 & 0xff))
            + Math.abs((p & 0xff) - (rgb & 0xff)) <= 12) {
          n++;
        }
      }
    }
    return n;
  }
}
