package io.driftline.agent.status;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Holds a point-in-time status of the agent, as written to {@code status.json} and served by the
 * {@code agent} actuator endpoint.
 *
 * @param deviceId the device
 * @param source the frame source
 * @param activeBundle {@code name:version} of the active bundle, null on the bare student
 * @param adaptors installed domain adaptors
 * @param evictedAdaptors domains left out for the memory budget
 * @param adaptorBytes bytes of the installed adaptors
 * @param memoryBudgetBytes the budget
 * @param frames frames processed
 * @param framesPerSecond recent frame rate
 * @param accuracy share of correct predictions among frames with ground truth (null without)
 * @param skippedFrames frames the source could not read
 * @param uploads samples chosen for upload
 * @param uploadedBytes their encoded bytes
 * @param droppedOverBudget samples the budgets cut
 * @param queue the offline queue
 * @param updates desired states per outcome ({@code UpdateOutcome} names), and {@code SKIPPED_RECORDS}:
 *     records under the device's key on the desired-state topic that were unreadable or named another device
 * @param updatedAt when the status was taken
 */
public record AgentStatus(
    String deviceId,
    String source,
    @Nullable String activeBundle,
    int adaptors,
    int evictedAdaptors,
    long adaptorBytes,
    long memoryBudgetBytes,
    long frames,
    double framesPerSecond,
    @Nullable Double accuracy,
    long skippedFrames,
    long uploads,
    long uploadedBytes,
    long droppedOverBudget,
    Queue queue,
    Map<String, Long> updates,
    Instant updatedAt) {

  /**
   * The offline queue and delivery counters.
   *
   * @param offline whether records currently go to the disk queue
   * @param records records waiting
   * @param bytes bytes waiting
   * @param delivered records acknowledged per topic
   * @param dropped records dropped by the queue bound per topic
   */
  public record Queue(boolean offline, int records, long bytes, Map<String, Long> delivered, Map<String, Long> dropped) {}
}
