package io.driftline.core.events;

import io.driftline.core.hdc.Hypervector;
import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A frame that a device's UGS sampler picked for upload, with what the device knew about it.
 * Travels on {@link Topics#DEVICE_SAMPLES} in the compact binary format of {@link DeviceSampleCodec};
 * the Kafka key is the device id.
 *
 * <p>The arrays are owned by the record, as in {@link Image}: callers must not modify an array
 * they passed in or got from an accessor.
 *
 * @param eventId unique id of this upload (a UUID is recommended); the CloudEvents id
 * @param deviceId the uploading device; the Kafka key
 * @param studentModelId the registered student model the device runs
 * @param activeBundle the adaptation bundle active when the frame was classified, or null if none
 * @param windowSeq the telemetry window the frame belongs to (see {@link TelemetryWindow#windowSeq()})
 * @param frameIndex the frame's index in the device's stream, counted from 0
 * @param capturedAt when the frame was captured
 * @param uncertainty the student's uncertainty for the frame (finite; its measure is the device's UGS setting)
 * @param oodScore the HDC out-of-distribution score (finite; higher = further from known data)
 * @param predictedClass the student's predicted class index (>= 0)
 * @param domainHint the device's guess of the frame's domain (e.g. an HDC domain prototype name), or null
 * @param channels pixel channels, 1 to {@value #MAX_CHANNELS}
 * @param height image rows, 1 to {@value #MAX_SIDE}
 * @param width image columns, 1 to {@value #MAX_SIDE}
 * @param pixels {@code channels * height * width} unsigned 8-bit CHW pixels (at most {@value #MAX_PIXEL_BYTES})
 * @param features the student's feature vector for the frame, or null (at most {@value #MAX_FEATURES} values, all finite)
 * @param hypervector the HDC encoding of the features, or null (at most {@value #MAX_HYPERVECTOR_BITS} bits)
 */
public record DeviceSample(
    String eventId,
    String deviceId,
    String studentModelId,
    @Nullable BundleRef activeBundle,
    long windowSeq,
    long frameIndex,
    Instant capturedAt,
    float uncertainty,
    float oodScore,
    int predictedClass,
    @Nullable String domainHint,
    int channels,
    int height,
    int width,
    byte[] pixels,
    float @Nullable [] features,
    @Nullable Hypervector hypervector)
    implements DriftlineEvent {

  /** Most channels a sample may have (RGBA). */
  public static final int MAX_CHANNELS = 4;
  /** Longest side of a sample image; the binary format stores sides as unsigned 16-bit numbers. */
  public static final int MAX_SIDE = 4096;
  /** Most pixel bytes in one sample: 4 MiB, above Kafka's default 1 MiB message limit on purpose. */
  public static final int MAX_PIXEL_BYTES = 4 << 20;
  /** Most feature values in one sample. */
  public static final int MAX_FEATURES = 1 << 16;
  /** Most hypervector bits in one sample. */
  public static final int MAX_HYPERVECTOR_BITS = Hypervector.MAX_DIMENSION;

  /** Checks every field; messages name the field that is wrong. */
  public DeviceSample {
    Checks.id(eventId, "eventId");
    Checks.id(deviceId, "deviceId");
    Checks.id(studentModelId, "studentModelId");
    Checks.nonNegative(windowSeq, "windowSeq");
    Checks.nonNegative(frameIndex, "frameIndex");
    Checks.required(capturedAt, "capturedAt");
    Checks.finite(uncertainty, "uncertainty");
    Checks.finite(oodScore, "oodScore");
    Checks.nonNegative(predictedClass, "predictedClass");
    Checks.optionalId(domainHint, "domainHint");
    if (channels < 1 || channels > MAX_CHANNELS) {
      throw new IllegalArgumentException("channels must be in [1, " + MAX_CHANNELS + "], got " + channels);
    }
    if (height < 1 || height > MAX_SIDE) {
      throw new IllegalArgumentException("height must be in [1, " + MAX_SIDE + "], got " + height);
    }
    if (width < 1 || width > MAX_SIDE) {
      throw new IllegalArgumentException("width must be in [1, " + MAX_SIDE + "], got " + width);
    }
    Checks.required(pixels, "pixels");
    long expected = (long) channels * height * width;
    if (expected > MAX_PIXEL_BYTES) {
      throw new IllegalArgumentException("pixels: a " + channels + "x" + height + "x" + width
          + " image has " + expected + " bytes, at most " + MAX_PIXEL_BYTES + " allowed; downscale it");
    }
    if (pixels.length != expected) {
      throw new IllegalArgumentException("pixels: shape " + channels + "x" + height + "x" + width
          + " needs " + expected + " bytes, got " + pixels.length);
    }
    if (features != null) {
      if (features.length > MAX_FEATURES) {
        throw new IllegalArgumentException(
            "features has " + features.length + " values, at most " + MAX_FEATURES + " allowed");
      }
      for (int i = 0; i < features.length; i++) {
        if (!Float.isFinite(features[i])) {
          throw new IllegalArgumentException("features[" + i + "] must be finite, got " + features[i]);
        }
      }
    }
    if (hypervector != null && hypervector.dimension() > MAX_HYPERVECTOR_BITS) {
      throw new IllegalArgumentException("hypervector has " + hypervector.dimension()
          + " bits, at most " + MAX_HYPERVECTOR_BITS + " allowed");
    }
  }

  /** Returns a builder; see {@link Builder} for which setters are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The Kafka key: the device id, so one device's samples stay ordered. */
  @Override
  public String key() {
    return deviceId;
  }

  @Override
  public EventType eventType() {
    return EventType.DEVICE_SAMPLE;
  }

  /** The CloudEvents id: {@link #eventId()}. */
  @Override
  public String ceId() {
    return eventId;
  }

  /** The CloudEvents source: {@code /devices/<deviceId>} (percent-encoded). */
  @Override
  public String ceSource() {
    return "/devices/" + Checks.pathSegment(deviceId);
  }

  /** The CloudEvents time: {@link #capturedAt()}. */
  @Override
  public Instant ceTime() {
    return capturedAt;
  }

  /** Converts the uint8 pixels back to Driftline's float pixel space. */
  public Image image() {
    return ImageOps.fromUint8(channels, height, width, pixels);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof DeviceSample s
        && s.eventId.equals(eventId)
        && s.deviceId.equals(deviceId)
        && s.studentModelId.equals(studentModelId)
        && Objects.equals(s.activeBundle, activeBundle)
        && s.windowSeq == windowSeq
        && s.frameIndex == frameIndex
        && s.capturedAt.equals(capturedAt)
        && Float.compare(s.uncertainty, uncertainty) == 0
        && Float.compare(s.oodScore, oodScore) == 0
        && s.predictedClass == predictedClass
        && Objects.equals(s.domainHint, domainHint)
        && s.channels == channels
        && s.height == height
        && s.width == width
        && Arrays.equals(s.pixels, pixels)
        && Arrays.equals(s.features, features)
        && Objects.equals(s.hypervector, hypervector);
  }

  @Override
  public int hashCode() {
    int h = Objects.hash(eventId, deviceId, studentModelId, activeBundle, windowSeq, frameIndex,
        capturedAt, uncertainty, oodScore, predictedClass, domainHint, channels, height, width,
        hypervector);
    h = 31 * h + Arrays.hashCode(pixels);
    return 31 * h + Arrays.hashCode(features);
  }

  @Override
  public String toString() {
    return "DeviceSample[eventId=" + eventId + ", deviceId=" + deviceId
        + ", studentModelId=" + studentModelId + ", activeBundle=" + activeBundle
        + ", windowSeq=" + windowSeq + ", frameIndex=" + frameIndex + ", capturedAt=" + capturedAt
        + ", uncertainty=" + uncertainty + ", oodScore=" + oodScore
        + ", predictedClass=" + predictedClass + ", domainHint=" + domainHint
        + ", shape=" + channels + "x" + height + "x" + width
        + ", features=" + (features == null ? "none" : features.length + " values")
        + ", hypervector=" + hypervector + "]";
  }

  /**
   * Builds a {@link DeviceSample}. Required: {@code setEventId}, {@code setDeviceId},
   * {@code setStudentModelId}, {@code setWindowSeq}, {@code setFrameIndex}, {@code setCapturedAt},
   * {@code setUncertainty}, {@code setOodScore}, {@code setPredictedClass} and one of
   * {@code setPixels} / {@code setImage}; the {@code optX} setters are optional.
   */
  public static final class Builder {
    private @Nullable String eventId;
    private @Nullable String deviceId;
    private @Nullable String studentModelId;
    private @Nullable BundleRef activeBundle;
    private @Nullable Long windowSeq;
    private @Nullable Long frameIndex;
    private @Nullable Instant capturedAt;
    private @Nullable Float uncertainty;
    private @Nullable Float oodScore;
    private @Nullable Integer predictedClass;
    private @Nullable String domainHint;
    private int channels;
    private int height;
    private int width;
    private byte @Nullable [] pixels;
    private float @Nullable [] features;
    private @Nullable Hypervector hypervector;

    private Builder() {}

    /** Sets the unique upload id. */
    public Builder setEventId(String eventId) {
      this.eventId = eventId;
      return this;
    }

    /** Sets the uploading device. */
    public Builder setDeviceId(String deviceId) {
      this.deviceId = deviceId;
      return this;
    }

    /** Sets the student model the device runs. */
    public Builder setStudentModelId(String studentModelId) {
      this.studentModelId = studentModelId;
      return this;
    }

    /** Sets the active bundle (default: none). */
    public Builder optActiveBundle(@Nullable BundleRef activeBundle) {
      this.activeBundle = activeBundle;
      return this;
    }

    /** Sets the telemetry window sequence number. */
    public Builder setWindowSeq(long windowSeq) {
      this.windowSeq = windowSeq;
      return this;
    }

    /** Sets the frame's index in the device stream. */
    public Builder setFrameIndex(long frameIndex) {
      this.frameIndex = frameIndex;
      return this;
    }

    /** Sets the capture time. */
    public Builder setCapturedAt(Instant capturedAt) {
      this.capturedAt = capturedAt;
      return this;
    }

    /** Sets the student's uncertainty for the frame. */
    public Builder setUncertainty(float uncertainty) {
      this.uncertainty = uncertainty;
      return this;
    }

    /** Sets the HDC OOD score. */
    public Builder setOodScore(float oodScore) {
      this.oodScore = oodScore;
      return this;
    }

    /** Sets the predicted class index. */
    public Builder setPredictedClass(int predictedClass) {
      this.predictedClass = predictedClass;
      return this;
    }

    /** Sets the device's domain guess (default: none). */
    public Builder optDomainHint(@Nullable String domainHint) {
      this.domainHint = domainHint;
      return this;
    }

    /** Sets the shape and uint8 CHW pixels (the array is not copied). */
    public Builder setPixels(int channels, int height, int width, byte[] pixels) {
      this.channels = channels;
      this.height = height;
      this.width = width;
      this.pixels = pixels;
      return this;
    }

    /** Sets the pixels from a float image, quantised with {@link ImageOps#toUint8}. */
    public Builder setImage(Image image) {
      return setPixels(image.channels(), image.height(), image.width(), ImageOps.toUint8(image));
    }

    /** Sets the feature vector (default: none; the array is not copied). */
    public Builder optFeatures(float @Nullable [] features) {
      this.features = features;
      return this;
    }

    /** Sets the HDC hypervector (default: none). */
    public Builder optHypervector(@Nullable Hypervector hypervector) {
      this.hypervector = hypervector;
      return this;
    }

    /**
     * Builds the sample.
     *
     * @throws IllegalStateException if a required setter was not called
     * @throws IllegalArgumentException if a value is invalid
     */
    public DeviceSample build() {
      return new DeviceSample(
          set(eventId, "setEventId"),
          set(deviceId, "setDeviceId"),
          set(studentModelId, "setStudentModelId"),
          activeBundle,
          set(windowSeq, "setWindowSeq"),
          set(frameIndex, "setFrameIndex"),
          set(capturedAt, "setCapturedAt"),
          set(uncertainty, "setUncertainty"),
          set(oodScore, "setOodScore"),
          set(predictedClass, "setPredictedClass"),
          domainHint,
          channels,
          height,
          width,
          set(pixels, "setPixels or setImage"),
          features,
          hypervector);
    }

    private static <T> T set(@Nullable T value, String setter) {
      if (value == null) {
        throw new IllegalStateException("DeviceSample.Builder: " + setter + " was not called");
      }
      return value;
    }
  }
}
