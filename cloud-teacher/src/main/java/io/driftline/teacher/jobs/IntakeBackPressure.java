package io.driftline.teacher.jobs;

import io.driftline.teacher.config.TeacherProperties;
import io.driftline.teacher.intake.IncidentListener;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * Back-pressure on incident intake: when {@code max-queued} jobs wait, the {@code drift.incidents}
 * listener is paused (its records stay in Kafka, nothing is dropped) until the queue has drained
 * below three quarters of that.
 */
@Component
public class IntakeBackPressure {

  private static final Logger LOG = LoggerFactory.getLogger(IntakeBackPressure.class);

  private final JobStore jobs;
  private final KafkaListenerEndpointRegistry listeners;
  private final int maxQueued;
  private final AtomicBoolean paused = new AtomicBoolean();

  /** Creates the valve. */
  public IntakeBackPressure(JobStore jobs, KafkaListenerEndpointRegistry listeners, TeacherProperties properties) {
    this.jobs = jobs;
    this.listeners = listeners;
    this.maxQueued = properties.jobs().maxQueued();
  }

  /** Whether incident intake is paused now. */
  public boolean paused() {
    return paused.get();
  }

  /** Pauses or resumes incident intake according to the queue depth, read now. */
  public void check() {
    check(jobs.queuedCount());
  }

  /** Pauses or resumes incident intake according to a queue depth just measured. */
  public void check(long depth) {
    MessageListenerContainer container = listeners.getListenerContainer(IncidentListener.CONTAINER_ID);
    if (depth >= maxQueued && paused.compareAndSet(false, true)) {
      LOG.warn("{} jobs queued (max {}): pausing incident intake", depth, maxQueued);
      if (container != null) {
        container.pause();
      }
    } else if (depth < Math.max(1, maxQueued * 3L / 4) && paused.compareAndSet(true, false)) {
      LOG.info("{} jobs queued: resuming incident intake", depth);
      if (container != null) {
        container.resume();
      }
    }
  }
}
