package io.driftline.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The streaming {@link TelemetryWindowJson} reader against the general {@link EventJson#read}. */
class TelemetryWindowJsonTest {

  private static final String TOPIC = Topics.DEVICE_TELEMETRY;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static Instant randomInstant(SplittableRandom rnd) {
    long seconds = rnd.nextLong(Instant.parse("0000-01-01T00:00:00Z").getEpochSecond(),
        Instant.parse("9999-12-31T23:59:59Z").getEpochSecond());
    int nanos = switch (rnd.nextInt(4)) {
      case 0 -> 0;
      case 1 -> rnd.nextInt(1000) * 1_000_000;
      case 2 -> rnd.nextInt(1_000_000) * 1000;
      default -> rnd.nextInt(1_000_000_000);
    };
    return Instant.ofEpochSecond(seconds, nanos);
  }

  private static TelemetryWindow window(SplittableRandom rnd) {
    TelemetryWindow base = EventFixtures.telemetry(rnd, rnd.nextBoolean(), rnd.nextBoolean());
    Instant start = rnd.nextInt(4) == 0 ? randomInstant(rnd) : base.start();
    Instant end = rnd.nextBoolean() ? start : start.plusNanos(rnd.nextLong(0, 100_000_000_000L));
    return new TelemetryWindow(base.deviceId(), base.windowSeq(), start, end, base.frameCount(),
        base.oodScore(), base.meanEntropy(), base.meanHdcSimilarity(), base.uploads(), base.dropped(),
        base.activeBundle(), base.classHistogram(),
        rnd.nextBoolean() ? EventFixtures.hypervector(rnd, 1 + rnd.nextInt(1024)) : null);
  }

  private static ObjectNode tree(TelemetryWindow w) {
    return (ObjectNode) EventJson.MAPPER.readTree(EventJson.write(TOPIC, w));
  }

  private static byte[] bytes(JsonNode node) {
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Shuffles the fields, adds unknown ones (also in nested objects) and writes optional nulls explicitly or not at all. */
  private static ObjectNode reshaped(ObjectNode tree, SplittableRandom rnd) {
    ObjectNode out = NODES.objectNode();
    List<String> names = new ArrayList<>(tree.propertyNames());
    Collections.shuffle(names, new java.util.Random(rnd.nextLong()));
    for (String name : names) {
      JsonNode value = tree.get(name);
      if (value.isNull() && rnd.nextBoolean()) {
        continue;
      }
      if (value.isObject() && rnd.nextBoolean()) {
        ((ObjectNode) value).put("extra", "x").putArray("more").add(1).addObject().put("deep", true);
      }
      if (rnd.nextInt(3) == 0) {
        out.putObject("unknown" + rnd.nextInt(100)).putArray("a").add(NODES.nullNode()).add(2.5);
      }
      out.set(name, value);
    }
    if (rnd.nextBoolean()) {
      out.put("zz", "trailing unknown");
    }
    return out;
  }

  @Test
  void readsGeneratedWindowsExactlyAsTheGeneralReader() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 2_000; i++) {
      TelemetryWindow w = window(rnd);
      byte[] json = i % 2 == 0 ? EventJson.write(TOPIC, w) : bytes(reshaped(tree(w), rnd));
      TelemetryWindow fast = TelemetryWindowJson.readFast(json);
      assertThat(fast).as("fast path taken for %s", new String(json, StandardCharsets.UTF_8)).isNotNull();
      assertThat(fast).isEqualTo(w).isEqualTo(EventJson.read(TOPIC, json, TelemetryWindow.class));
    }
  }

  @Test
  void parsesTheWritersInstantsLikeTheJavaTimeParser() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int i = 0; i < 20_000; i++) {
      Instant instant = randomInstant(rnd);
      String written = EventJson.MAPPER.writeValueAsString(instant);
      String text = written.substring(1, written.length() - 1);
      assertThat(TelemetryWindowJson.parseInstant(text.toCharArray(), 0, text.length()))
          .as(text).isEqualTo(Instant.parse(text)).isEqualTo(instant);
    }
    for (String text : List.of("2024-02-29T23:59:59.5Z", "0000-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z",
        "1900-03-01T00:00:00.1Z", "2000-02-29T12:00:00.12Z")) {
      assertThat(TelemetryWindowJson.parseInstant(text.toCharArray(), 0, text.length())).isEqualTo(Instant.parse(text));
    }
  }

  @Test
  void otherIsoFormsGoToTheGeneralReaderWithTheSameResult() {
    for (String text : List.of("2025-03-14T10:26:53+01:00", "2025-03-14t09:26:53z", "+10000-01-01T00:00:00Z",
        "2025-03-14T09:26:53.1234567890Z", "2025-03-14T24:00:00Z", "2016-12-31T23:59:60Z",
        "2023-02-29T00:00:00Z", "2025-13-01T00:00:00Z", "2025-03-14 09:26:53Z", "2025-03-14T09:26Z",
        "2025-03-14T09:26:53.Z", " 2025-03-14T09:26:53Z", "1741944413", "", "2025-03-14T09:26:5aZ")) {
      assertThat(TelemetryWindowJson.parseInstant(text.toCharArray(), 0, text.length())).as(text).isNull();
      ObjectNode tree = tree(window(new SplittableRandom(3)));
      tree.put("start", text);
      tree.put("end", "9999-12-31T23:59:59Z");
      assertSameOutcome(bytes(tree));
    }
  }

  @Test
  void rejectsEveryKindOfMalformedInputWithTheGeneralReadersMessage() {
    ObjectNode good = tree(window(new SplittableRandom(5)));
    good.set("activeBundle", NODES.objectNode().put("bundleId", "b-1").put("version", 2));
    good.set("domainSignature", EventJson.MAPPER.valueToTree(EventFixtures.hypervector(new SplittableRandom(1), 70)));
    List<byte[]> bad = new ArrayList<>();
    for (String s : List.of("", " ", "null", "[]", "42", "\"x\"", "{", "{\"deviceId\":", "{}",
        new String(bytes(good), StandardCharsets.UTF_8) + " {}", new String(bytes(good), StandardCharsets.UTF_8) + "x",
        "{\"deviceId\":\"d\",\"deviceId\":\"e\"}", "{'deviceId':1}", "{\"windowSeq\":NaN}")) {
      bad.add(s.getBytes(StandardCharsets.UTF_8));
    }
    List<JsonNode> wrong = List.of(NODES.nullNode(), NODES.stringNode("7"), NODES.stringNode("abc"),
        NODES.numberNode(-1), NODES.numberNode(1.5), NODES.numberNode(1e300), NODES.numberNode(3_000_000_000L),
        NODES.numberNode(new java.math.BigInteger("123456789012345678901234567890")), NODES.booleanNode(true),
        NODES.objectNode(), NODES.arrayNode().add(1), NODES.arrayNode().add(NODES.nullNode()));
    for (String path : paths(good, "")) {
      ObjectNode missing = good.deepCopy();
      remove(missing, path);
      bad.add(bytes(missing));
      for (JsonNode value : wrong) {
        ObjectNode changed = good.deepCopy();
        set(changed, path, value);
        bad.add(bytes(changed));
      }
    }
    ObjectNode duplicate = good.deepCopy();
    bad.add(bytes(duplicate).length > 0
        ? (new String(bytes(duplicate), StandardCharsets.UTF_8).replaceFirst("\\{", "{\"frameCount\":0,"))
            .getBytes(StandardCharsets.UTF_8) : new byte[0]);
    ObjectNode hugeHistogram = good.deepCopy();
    ArrayNode histogram = hugeHistogram.putArray("classHistogram");
    for (int i = 0; i < 40; i++) {
      histogram.add(i == 0 ? hugeHistogram.get("frameCount").asInt() + 1 : 0);
    }
    bad.add(bytes(hugeHistogram));
    int rejected = 0;
    for (byte[] json : bad) {
      rejected += assertSameOutcome(json) ? 0 : 1;
    }
    assertThat(rejected).as("malformed inputs rejected").isGreaterThan(bad.size() * 3 / 4);
    // Random byte damage: the same outcome, value or message, as the general reader.
    SplittableRandom rnd = new SplittableRandom(9);
    byte[] json = bytes(good);
    for (int i = 0; i < 3_000; i++) {
      byte[] damaged = json.clone();
      damaged[rnd.nextInt(damaged.length)] = (byte) "{}[]\":,0-9.eEtnx Z\\".charAt(rnd.nextInt(19));
      assertSameOutcome(damaged);
    }
  }

  @Test
  void namesTheFieldInTheMessage() {
    ObjectNode tree = tree(window(new SplittableRandom(5)));
    tree.set("dropped", NODES.objectNode().put("overBudget", 1));
    assertThatThrownBy(() -> TelemetryWindowJson.read(TOPIC, bytes(tree)))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("required field 'dropped.bufferFull' of DropCounts is missing");
    tree.set("dropped", NODES.objectNode().put("overBudget", 1).put("bufferFull", -2));
    assertThatThrownBy(() -> TelemetryWindowJson.read(TOPIC, bytes(tree)))
        .isInstanceOf(EventFormatException.class).hasMessageContaining("dropped.bufferFull");
  }

  /** Returns true if both readers read the same window, false if both threw the same message. */
  private static boolean assertSameOutcome(byte[] json) {
    String text = new String(json, StandardCharsets.UTF_8);
    Object general;
    try {
      general = EventJson.read(TOPIC, json, TelemetryWindow.class);
    } catch (EventFormatException e) {
      general = e.getMessage();
    }
    Object streaming;
    try {
      streaming = TelemetryWindowJson.read(TOPIC, json);
    } catch (EventFormatException e) {
      streaming = e.getMessage();
    }
    assertThat(streaming).as(text).isEqualTo(general);
    if (general instanceof String message) {
      assertThat(message).as(text).startsWith("bad record on topic '" + TOPIC + "'");
      return false;
    }
    return true;
  }

  private static List<String> paths(JsonNode node, String prefix) {
    List<String> out = new ArrayList<>();
    for (String name : node.propertyNames()) {
      JsonNode child = node.get(name);
      out.add(prefix + name);
      if (child.isObject()) {
        out.addAll(paths(child, prefix + name + "."));
      }
    }
    return out;
  }

  private static ObjectNode parent(ObjectNode root, String path) {
    ObjectNode node = root;
    String[] parts = path.split("\\.");
    for (int i = 0; i < parts.length - 1; i++) {
      node = (ObjectNode) node.get(parts[i]);
    }
    return node;
  }

  private static void remove(ObjectNode root, String path) {
    parent(root, path).remove(path.substring(path.lastIndexOf('.') + 1));
  }

  private static void set(ObjectNode root, String path, JsonNode value) {
    parent(root, path).set(path.substring(path.lastIndexOf('.') + 1), value);
  }
}
