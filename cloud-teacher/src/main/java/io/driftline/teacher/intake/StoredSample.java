package io.driftline.teacher.intake;

import io.driftline.core.image.Image;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A sample as the teacher stored it: the upload's metadata and its image in Driftline's float pixel
 * space (the stored uint8 pixels divided by 255).
 *
 * @param sampleId the upload's event id
 * @param deviceId the uploading device
 * @param studentModelId the student model the device runs
 * @param windowSeq the device's telemetry window of the frame
 * @param frameIndex the frame's index in the device's stream
 * @param capturedAt when the frame was captured (microsecond precision)
 * @param receivedAt when the teacher stored it
 * @param uncertainty the student's uncertainty for the frame
 * @param oodScore the device's HDC out-of-distribution score
 * @param predictedClass the student's predicted class
 * @param domainHint the device's domain guess, or null
 * @param image the frame
 */
public record StoredSample(
    String sampleId,
    String deviceId,
    String studentModelId,
    long windowSeq,
    long frameIndex,
    Instant capturedAt,
    Instant receivedAt,
    float uncertainty,
    float oodScore,
    int predictedClass,
    @Nullable String domainHint,
    Image image) {}
