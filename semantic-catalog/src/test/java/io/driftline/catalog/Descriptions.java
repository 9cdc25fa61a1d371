package io.driftline.catalog;

import io.driftline.core.events.RegistryEvent;
import java.time.Instant;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Valid registry payloads (the contract's shapes) for tests to start from and break. */
public final class Descriptions {

  public static final JsonMapper JSON = JsonMapper.builder().build();
  public static final String DIGEST = "ab".repeat(32);

  private Descriptions() {}

  /** A camera device with 256 KiB RAM, 1 MiB flash, 50 MMAC/s, INT8 + BINARY, running student-small:1. */
  public static ObjectNode device(String deviceId) {
    ObjectNode d = JSON.createObjectNode();
    d.put("deviceId", deviceId);
    d.put("deviceClass", "mcu");
    d.put("student", "student-small:1");
    ArrayNode precisions = d.putArray("precisions");
    precisions.add("INT8");
    precisions.add("BINARY");
    d.put("ramBytes", 262_144L);
    d.put("flashBytes", 1_048_576L);
    d.put("macsPerSecond", 50_000_000L);
    d.put("accelerator", "cmsis-nn");
    ObjectNode sensor = d.putArray("sensors").addObject();
    sensor.put("id", "cam0");
    sensor.put("kind", "camera");
    sensor.put("width", 96);
    sensor.put("height", 96);
    sensor.put("channels", 1);
    d.putObject("labels").put("site", "hall-3");
    return d;
  }

  /** A student version: 28x28x1 input, 100 kB, 2 MMAC per frame, INT8. */
  public static ObjectNode student(String name, int version) {
    ObjectNode v = version(name, version, "student");
    ObjectNode r = v.putObject("requirements");
    r.put("student", name + ":" + version);
    r.put("precision", "INT8");
    r.put("adaptorBytes", 100_000L);
    r.put("macs", 2_000_000L);
    r.put("inputWidth", 28);
    r.put("inputHeight", 28);
    r.put("channels", 1);
    v.put("sizeBytes", 100_000L);
    return v;
  }

  /** A bundle for {@code student}: 20 kB of adaptors at {@code precision}, 500 kMAC per frame. */
  public static ObjectNode bundle(String name, int version, String student, String precision) {
    ObjectNode v = version(name, version, "bundle");
    ObjectNode r = v.putObject("requirements");
    r.put("student", student);
    r.put("precision", precision);
    r.put("adaptorBytes", 20_000L);
    r.put("macs", 500_000L);
    r.put("inputWidth", 28);
    r.put("inputHeight", 28);
    r.put("channels", 1);
    ObjectNode lineage = v.putObject("lineage");
    lineage.put("parentStudent", student);
    lineage.put("teacher", "teacher-large:2");
    lineage.put("incidentId", "inc-42");
    lineage.putArray("sampleIds").add("s-1").add("s-2");
    lineage.putObject("hyperParameters").put("lr", 0.01);
    lineage.putObject("gate").put("passed", true).put("margin", 0.04);
    lineage.put("codeVersion", "0.1.0");
    return v;
  }

  private static ObjectNode version(String name, int version, String kind) {
    ObjectNode v = JSON.createObjectNode();
    v.put("name", name);
    v.put("kind", kind);
    v.put("version", version);
    v.put("digest", DIGEST);
    v.put("sizeBytes", 20_480L);
    v.put("status", "READY");
    v.putObject("metrics").put("accuracy", 0.87).put("samples", 512);
    return v;
  }

  /** A registry event around {@code payload}. */
  public static RegistryEvent event(String eventId, RegistryEvent.Type type, String entityId, ObjectNode payload,
      Instant at) {
    return new RegistryEvent(eventId, type, entityId, at, payload);
  }
}
