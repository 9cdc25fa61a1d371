package io.driftline.sandbox;

import java.util.List;

/**
 * The kinds of simulated device, so the fleet is heterogeneous: different students, precisions,
 * memory (and so adaptor budgets) and upload budgets. Device {@code i} gets class {@code i mod 3}.
 *
 * @param name the device class the registry and catalog see
 * @param student the reference student it runs
 * @param precisions precisions it can run
 * @param ramBytes RAM it declares (the catalog's adaptor budget is at most this)
 * @param flashBytes flash it declares
 * @param macsPerSecond compute it declares
 * @param uploadFraction most frames a telemetry window may upload
 * @param uploadBytesPerSecond upload byte rate
 */
record DeviceClass(String name, String student, List<String> precisions, long ramBytes, long flashBytes,
    long macsPerSecond, double uploadFraction, double uploadBytesPerSecond) {

  /** A microcontroller: the nano student, integer and 1-bit adaptors only, 16 KB for adaptors. */
  static final DeviceClass MCU = new DeviceClass("mcu", "student-nano", List.of("INT8", "BINARY"), 16 * 1024,
      2L * 1024 * 1024, 200_000_000L, 0.1, 8 * 1024);
  /** A smart camera: the small student, fp32 and int8, 64 KB for adaptors. */
  static final DeviceClass CAMERA = new DeviceClass("camera", "student-small", List.of("FP32", "INT8"), 64 * 1024,
      16L * 1024 * 1024, 2_000_000_000L, 0.15, 32 * 1024);
  /** An edge gateway: the small student, every precision, plenty of memory. */
  static final DeviceClass GATEWAY = new DeviceClass("gateway", "student-small", List.of("FP32", "INT8", "BINARY"),
      4L * 1024 * 1024, 256L * 1024 * 1024, 20_000_000_000L, 0.2, 64 * 1024);

  static final List<DeviceClass> ALL = List.of(MCU, CAMERA, GATEWAY);

  /** The class of device number {@code index}. */
  static DeviceClass of(int index) {
    return ALL.get(index % ALL.size());
  }
}
