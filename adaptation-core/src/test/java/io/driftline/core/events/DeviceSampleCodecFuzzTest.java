package io.driftline.core.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.driftline.core.fuzz.AllocationBudget;
import io.driftline.core.hdc.Hypervector;
import java.time.DateTimeException;
import java.time.Instant;
import io.driftline.core.fuzz.SeedCorpus;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Coverage-guided fuzz tests of {@link DeviceSampleCodec}, the binary sample payload every
 * {@code device.samples} consumer reads. The normal build replays the inputs under
 * {@code src/test/resources/io/driftline/core/events/DeviceSampleCodecFuzzTestInputs}; run with
 * {@code JAZZER_FUZZ=1} to fuzz (see {@code docs/testing.md#fuzzing}).
 */
class DeviceSampleCodecFuzzTest {

  private static final String TOPIC = "device.samples";

  /** The decoder copies pixels, features and words once and decodes strings to chars. */
  private static final AllocationBudget BUDGET = AllocationBudget.of(16, 64 << 10);

  /**
   * Any bytes decode to a sample or fail with an {@link EventFormatException} naming the topic; a
   * decoded sample re-encodes to exactly the same bytes (the format has one encoding per sample).
   */
  @FuzzTest(maxDuration = "6m")
  void anyRecordDecodesCanonicallyOrIsRejected(byte[] record) throws Exception {
    DeviceSample sample;
    try {
      sample = BUDGET.decode(record.length, "a sample record", () -> DeviceSampleCodec.decode(TOPIC, record));
    } catch (EventFormatException e) {
      assertThat(e.topic()).isEqualTo(TOPIC);
      assertThat(e.reason()).isNotBlank();
      return;
    }
    assertThat(DeviceSampleCodec.encode(sample)).isEqualTo(record);
    // what the teacher does with a stored sample
    assertThat(sample.image().channels()).isEqualTo(sample.channels());
  }

  /**
   * Every sample the record's checks accept, built field by field from fuzzer data (any strings,
   * floats, times, shapes, optional sections), decodes to itself: decode(encode(x)) == x.
   */
  @FuzzTest(maxDuration = "2m")
  void everyValidSampleRoundTrips(FuzzedDataProvider data) {
    DeviceSample sample;
    try {
      sample = sample(data);
    } catch (IllegalArgumentException | DateTimeException e) {
      return; // not a valid sample: nothing to round-trip
    }
    byte[] record = DeviceSampleCodec.encode(sample);
    assertThat(record).hasSize(DeviceSampleCodec.encodedSize(sample));
    assertThat(DeviceSampleCodec.decode(TOPIC, record)).isEqualTo(sample);
  }

  private static DeviceSample sample(FuzzedDataProvider data) {
    int channels = data.consumeInt(1, DeviceSample.MAX_CHANNELS);
    int height = data.consumeInt(1, 64);
    int width = data.consumeInt(1, 64);
    DeviceSample.Builder builder = DeviceSample.builder()
        .setEventId(data.consumeString(300))
        .setDeviceId(data.consumeString(300))
        .setStudentModelId(data.consumeString(300))
        .setWindowSeq(data.consumeLong())
        .setFrameIndex(data.consumeLong())
        .setCapturedAt(Instant.ofEpochSecond(data.consumeLong(Instant.MIN.getEpochSecond(),
            Instant.MAX.getEpochSecond()), data.consumeInt(0, 999_999_999)))
        .setUncertainty(data.consumeFloat())
        .setOodScore(data.consumeFloat())
        .setPredictedClass(data.consumeInt());
    if (data.consumeBoolean()) {
      builder.optActiveBundle(new BundleRef(data.consumeString(300), data.consumeLong()));
    }
    if (data.consumeBoolean()) {
      builder.optDomainHint(data.consumeString(300));
    }
    if (data.consumeBoolean()) {
      float[] features = new float[data.consumeInt(0, 256)];
      for (int i = 0; i < features.length; i++) {
        features[i] = data.consumeFloat();
      }
      builder.optFeatures(features);
    }
    if (data.consumeBoolean()) {
      int dimension = data.consumeInt(1, 4096);
      long[] words = new long[Hypervector.wordsFor(dimension)];
      for (int i = 0; i < words.length; i++) {
        words[i] = data.consumeLong();
      }
      if (dimension % 64 != 0) {
        words[words.length - 1] &= (1L << (dimension % 64)) - 1;
      }
      builder.optHypervector(new Hypervector(dimension, words));
    }
    return builder.setPixels(channels, height, width, data.consumeBytes(channels * height * width)).build();
  }

  /** Writes the seed inputs from real samples; run with {@code -Ddriftline.fuzz.seeds=src/test/resources}. */
  @Test
  @EnabledIfSystemProperty(named = SeedCorpus.PROPERTY, matches = ".+")
  void writeSeeds() {
    SeedCorpus records = SeedCorpus.of(getClass(), "anyRecordDecodesCanonicallyOrIsRejected");
    SplittableRandom rnd = new SplittableRandom(42);
    // one sample for each combination of optional sections
    for (int optionals = 0; optionals < 16; optionals++) {
      DeviceSample sample;
      do {
        sample = EventFixtures.sample(rnd, optionals);
      } while (sample.pixels().length > 400 || sample.features() != null && sample.features().length > 32);
      records.add(DeviceSampleCodec.encode(sample));
    }
    SeedCorpus valid = SeedCorpus.of(getClass(), "everyValidSampleRoundTrips");
    for (int i = 0; i < 5; i++) {
      byte[] choices = new byte[256];
      rnd.nextBytes(choices);
      valid.add(choices);
    }
  }
}
