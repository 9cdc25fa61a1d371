package io.driftline.teacher;

import io.driftline.testsupport.TestProperties;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Points a teacher Spring test at the real broker and database, with intake topics of its own. */
public final class TeacherTestProperties {

  private TeacherTestProperties() {}

  /** Registers the infrastructure and unique {@code device.samples} / {@code drift.incidents} topics. */
  public static void register(DynamicPropertyRegistry registry, Class<?> testClass) {
    TestProperties.register(registry, testClass);
    String suffix = "." + testClass.getSimpleName().toLowerCase() + "-" + UUID.randomUUID();
    registry.add("driftline.teacher.intake.samples-topic", () -> "device.samples" + suffix);
    registry.add("driftline.teacher.intake.incidents-topic", () -> "drift.incidents" + suffix);
    registry.add("driftline.teacher.intake.partitions", () -> "2");
  }
}
