package io.driftline.core.update;

import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.data.FashionMnist;
import io.driftline.core.data.LabeledImages;
import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.image.Image;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * How well the raw-frame routing identifies domains on corrupted Fashion-MNIST test frames: 500
 * clean frames fit the routing and the source prototype, 25 uploads per domain (family × severity 3
 * and 5) make its prototype, 300 other frames per domain and 500 other clean frames are routed.
 * Run with {@code -Ddriftline.bench=true}; writes {@code target/routing-accuracy.md}.
 */
@EnabledIfSystemProperty(named = "driftline.bench", matches = "true")
class RoutingAccuracyBenchmarkTest {

  @Test
  void report() throws IOException {
    LabeledImages test = FashionMnist.fromEnvironment(false).test();
    List<Image> source = new ArrayList<>();
    List<Image> clean = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      source.add(test.image(i));
      clean.add(test.image(500 + i));
    }
    Map<String, List<Image>> uploads = new LinkedHashMap<>();
    Map<String, List<Image>> evaluation = new LinkedHashMap<>();
    int offset = 1000;
    for (CorruptionFamily family : CorruptionFamily.values()) {
      for (int severity : new int[] {3, 5}) {
        List<Image> up = new ArrayList<>();
        List<Image> eval = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
          int index = (offset + i) % test.size();
          up.add(family.apply(test.image(index), severity, 42, index));
        }
        for (int i = 0; i < 300; i++) {
          int index = (offset + 100 + i) % test.size();
          eval.add(family.apply(test.image(index), severity, 42, index));
        }
        offset += 400;
        uploads.put(family.id() + "@" + severity, up);
        evaluation.put(family.id() + "@" + severity, eval);
      }
    }
    FrameRouting routing = FrameRouting.fit(source, source, 1024, HdcEncoder.DEFAULT_SEED, 0);
    StringBuilder md = new StringBuilder("| domain | one-domain bundle: own frames routed to it | clean frames kept |"
        + " 30-domain bundle: own frames routed to it | to another severity of the family | to the source |\n"
        + "|---|---:|---:|---:|---:|---:|\n");
    List<FrameRouter.Domain> all = new ArrayList<>();
    uploads.forEach((id, up) -> all.add(new FrameRouter.Domain(id, routing.prototype(up), null, null)));
    FrameRouter everything = new FrameRouter(routing, all);
    double ownSum = 0;
    double keptSum = 0;
    int exact = 0;
    int family = 0;
    int total = 0;
    for (String id : uploads.keySet()) {
      FrameRouter single = new FrameRouter(routing,
          List.of(new FrameRouter.Domain(id, routing.prototype(uploads.get(id)), null, null)));
      int own = 0;
      int ownAll = 0;
      int sibling = 0;
      int toSource = 0;
      for (Image frame : evaluation.get(id)) {
        own += single.route(frame).isStudent() ? 0 : 1;
        String got = everything.route(frame).routeId();
        ownAll += got.equals(id) ? 1 : 0;
        sibling += !got.equals(id) && got.split("@")[0].equals(id.split("@")[0]) ? 1 : 0;
        toSource += got.equals(DomainRouter.STUDENT_ROUTE) ? 1 : 0;
      }
      int kept = 0;
      for (Image frame : clean) {
        kept += single.route(frame).isStudent() ? 1 : 0;
      }
      int n = evaluation.get(id).size();
      md.append(String.format(Locale.ROOT, "| %s | %.0f %% | %.0f %% | %.0f %% | %.0f %% | %.0f %% |%n", id,
          100.0 * own / n, 100.0 * kept / clean.size(), 100.0 * ownAll / n, 100.0 * sibling / n, 100.0 * toSource / n));
      ownSum += (double) own / n;
      keptSum += (double) kept / clean.size();
      exact += ownAll;
      family += ownAll + sibling;
      total += n;
    }
    int keptAll = 0;
    for (Image frame : clean) {
      keptAll += everything.route(frame).isStudent() ? 1 : 0;
    }
    long start = System.nanoTime();
    int routed = 0;
    for (int round = 0; round < 5; round++) {
      for (Image frame : clean) {
        everything.route(frame);
        routed++;
      }
    }
    double micros = (System.nanoTime() - start) / 1e3 / routed;
    md.append(String.format(Locale.ROOT, "%nOne-domain bundles (as in each evaluate cell), mean over the 30 domains: "
            + "%.1f %% of a domain's frames routed to it, %.1f %% of clean frames kept on the bare student.%n"
            + "One bundle of all 30 domains: %.1f %% of the frames routed to their own domain, %.1f %% to their family,"
            + " %.1f %% of clean frames kept on the bare student. Route: %.1f µs a frame with 30 domains.%n",
        100 * ownSum / uploads.size(), 100 * keptSum / uploads.size(), 100.0 * exact / total, 100.0 * family / total,
        100.0 * keptAll / clean.size(), micros));
    System.out.println(md);
    Path out = Path.of("target", "routing-accuracy.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, md);
  }
}
