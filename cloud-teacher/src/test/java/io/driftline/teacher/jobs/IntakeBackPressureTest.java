package io.driftline.teacher.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.teacher.TeacherTestProperties;
import io.driftline.teacher.intake.IncidentListener;
import io.driftline.testsupport.RealPostgres;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A full queue pauses the real incident listener; a drained one resumes it. */
// @RealPostgres first: its database must outlive the Spring context, which closes after the class
@RealPostgres
@SpringBootTest(properties = {
    "driftline.teacher.jobs.max-queued=4",
    // the pool must not take the queued jobs: it waits for samples that never come
    "driftline.teacher.jobs.min-samples=1000000",
    "driftline.teacher.jobs.collect-for=1h"})
@DirtiesContext
class IntakeBackPressureTest {

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    TeacherTestProperties.register(registry, IntakeBackPressureTest.class);
  }

  @Autowired JobStore jobs;
  @Autowired IntakeBackPressure backPressure;
  @Autowired KafkaListenerEndpointRegistry listeners;

  @Test
  void aFullQueuePausesIncidentIntakeUntilItDrainsBelowThreeQuarters() {
    MessageListenerContainer incidents = listeners.getListenerContainer(IncidentListener.CONTAINER_ID);
    assertThat(incidents).isNotNull();
    String[] queued = new String[4];
    for (int i = 0; i < 4; i++) {
      queued[i] = jobs.enqueue("cohort-" + i, new JobIncident("inc-" + i, "dev-" + i, 0, Instant.now())).job().jobId();
      backPressure.check();
      assertThat(backPressure.paused()).as("after %d queued jobs", i + 1).isEqualTo(i == 3);
    }
    assertThat(incidents.isPauseRequested()).isTrue();

    jobs.failQueued(queued[0], "test drains the queue");
    backPressure.check();
    assertThat(backPressure.paused()).as("3 queued is not below three quarters of 4").isTrue();

    jobs.failQueued(queued[1], "test drains the queue");
    backPressure.check();
    assertThat(backPressure.paused()).isFalse();
    assertThat(incidents.isPauseRequested()).isFalse();
  }
}
