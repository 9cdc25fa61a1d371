package io.driftline.e2e.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The benchmark's median over runs: figure by figure, NaN sorting last, text kept from the first run. */
class ScaleBenchmarkMedianTest {

  static JsonNode json(String text) {
    return ScaleBenchmark.JSON.readTree(text);
  }

  @Test
  void everyNumberIsItsMedianOverTheRuns() {
    JsonNode m = ScaleBenchmark.median(List.of(
        json("{\"load\":\"a\",\"fanOut\":{\"allReportedSeconds\":9.0,\"n\":1000},\"cpu\":{\"drift/detector\":0.3}}"),
        json("{\"load\":\"b\",\"fanOut\":{\"allReportedSeconds\":\"NaN\",\"n\":990},\"cpu\":{\"drift/detector\":0.1}}"),
        json("{\"load\":\"c\",\"fanOut\":{\"allReportedSeconds\":5.0,\"n\":995},\"cpu\":{\"drift/detector\":0.2}}")));
    assertThat(m.at("/fanOut/allReportedSeconds").asDouble()).isEqualTo(9.0);
    assertThat(m.at("/fanOut/n").asDouble()).isEqualTo(995.0);
    assertThat(m.at("/cpu/drift~1detector").asDouble()).isEqualTo(0.2);
    assertThat(m.get("load").asString()).isEqualTo("a");
  }

  @Test
  void twoRunsAverageTheMiddleAndNaNWins() {
    JsonNode m = ScaleBenchmark.median(List.of(json("{\"x\":1,\"y\":\"NaN\"}"), json("{\"x\":3,\"y\":2}")));
    assertThat(m.get("x").asDouble()).isEqualTo(2.0);
    assertThat(ScaleBenchmark.number(m.get("y"))).isNaN();
  }

  @Test
  void oneRunIsItself() {
    JsonNode only = json("{\"x\":1}");
    assertThat(ScaleBenchmark.median(List.of(only))).isSameAs(only);
  }
}
