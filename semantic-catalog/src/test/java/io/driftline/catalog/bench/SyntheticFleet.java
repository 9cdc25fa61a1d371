package io.driftline.catalog.bench;

import io.driftline.catalog.Descriptions;
import io.driftline.core.events.RegistryEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A seeded, heterogeneous synthetic fleet as registry events: students, bundles for them, and
 * devices of three classes (mcu, phone, gateway) with the capabilities typical of each.
 */
final class SyntheticFleet {

  static final int STUDENTS = 50;
  private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");

  private SyntheticFleet() {}

  /** Student and bundle version events, {@code artefacts} in all ({@value #STUDENTS} students). */
  static List<RegistryEvent> artefacts(int artefacts, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<RegistryEvent> events = new ArrayList<>(artefacts);
    for (int s = 0; s < STUDENTS; s++) {
      ObjectNode student = Descriptions.student("student-" + s, 1);
      boolean tiny = s % 2 == 0;
      student.put("sizeBytes", tiny ? 30_000 + random.nextInt(200_000) : 1_000_000 + random.nextInt(20_000_000));
      ObjectNode r = (ObjectNode) student.get("requirements");
      r.put("precision", tiny ? "INT8" : "FP32");
      r.put("macs", tiny ? 500_000 + random.nextInt(5_000_000) : 50_000_000 + random.nextInt(500_000_000));
      r.put("inputWidth", tiny ? 28 : 96).put("inputHeight", tiny ? 28 : 96).put("channels", tiny ? 1 : 3);
      events.add(new RegistryEvent("v-student-" + s, RegistryEvent.Type.VERSION_CREATED, "student-" + s + ":1",
          T0, student));
    }
    String[] precisions = {"FP32", "INT8", "BINARY"};
    for (int b = 0; b < artefacts - STUDENTS; b++) {
      int s = random.nextInt(STUDENTS);
      ObjectNode bundle = Descriptions.bundle("bundle-" + b, 1, "student-" + s + ":1",
          precisions[random.nextInt(precisions.length)]);
      ObjectNode r = (ObjectNode) bundle.get("requirements");
      r.put("adaptorBytes", 1_000 + random.nextInt(400_000));
      r.put("macs", 10_000 + random.nextInt(5_000_000));
      events.add(new RegistryEvent("v-bundle-" + b, RegistryEvent.Type.BUNDLE_CREATED, "bundle-" + b + ":1",
          T0, bundle));
    }
    return events;
  }

  /** {@code devices} enrolment events. */
  static List<RegistryEvent> devices(int devices, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<RegistryEvent> events = new ArrayList<>(devices);
    for (int i = 0; i < devices; i++) {
      String id = String.format("dev-%05d", i);
      ObjectNode d = Descriptions.device(id);
      int kind = random.nextInt(10);
      ArrayNode precisions = d.putArray("precisions");
      ObjectNode sensor = (ObjectNode) d.get("sensors").get(0);
      if (kind < 6) {
        d.put("deviceClass", "mcu");
        d.put("student", "student-" + 2 * random.nextInt(STUDENTS / 2) + ":1");
        d.put("ramBytes", 131_072L + random.nextInt(917_504));
        d.put("flashBytes", 524_288L + random.nextInt(3_670_016));
        d.put("macsPerSecond", 10_000_000L + random.nextInt(190_000_000));
        precisions.add("INT8");
        if (random.nextBoolean()) {
          precisions.add("BINARY");
        }
        int side = random.nextBoolean() ? 96 : 64;
        sensor.put("width", side).put("height", side).put("channels", 1);
      } else if (kind < 9) {
        d.put("deviceClass", "phone");
        d.put("student", "student-" + random.nextInt(STUDENTS) + ":1");
        d.put("ramBytes", 67_108_864L + random.nextInt(469_762_048));
        d.put("flashBytes", 268_435_456L + random.nextInt(1_000_000_000));
        d.put("macsPerSecond", 1_000_000_000L + random.nextInt(1_000_000_000) * 9L);
        precisions.add("FP32").add("INT8");
        if (random.nextInt(10) < 3) {
          precisions.add("BINARY");
        }
        sensor.put("width", 224).put("height", 224).put("channels", 3);
        d.put("accelerator", "npu");
      } else {
        d.put("deviceClass", "gateway");
        d.put("student", "student-" + random.nextInt(STUDENTS) + ":1");
        d.put("ramBytes", 1_073_741_824L);
        d.put("flashBytes", 8_589_934_592L);
        d.put("macsPerSecond", 10_000_000_000L + random.nextInt(1_000_000_000) * 40L);
        precisions.add("FP32").add("INT8");
        sensor.put("width", 640).put("height", 480).put("channels", 3);
        d.remove("accelerator");
      }
      events.add(new RegistryEvent("d-" + id, RegistryEvent.Type.DEVICE_ENROLLED, id, T0.plusMillis(i), d));
    }
    return events;
  }
}
