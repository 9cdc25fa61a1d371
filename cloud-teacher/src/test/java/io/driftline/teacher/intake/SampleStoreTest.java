package io.driftline.teacher.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.core.events.DeviceSample;
import io.driftline.testsupport.RealPostgres;
import io.driftline.testsupport.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sample store against a real PostgreSQL database. */
@RealPostgres
class SampleStoreTest {

  static final Instant T0 = Instant.parse("2026-11-25T10:00:00.123456Z");

  static MigratedDatabase db;
  static SampleStore store;

  @BeforeAll
  static void migrate(TestDatabase database) {
    db = MigratedDatabase.of(database);
    store = new SampleStore(db.jdbc);
  }

  static DeviceSample sample(String id, String device, long window, long frame) {
    byte[] pixels = new byte[2 * 3 * 4];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 10 + frame);
    }
    return DeviceSample.builder().setEventId(id).setDeviceId(device).setStudentModelId("student-nano:1")
        .setWindowSeq(window).setFrameIndex(frame).setCapturedAt(T0.plusSeconds(frame)).setUncertainty(0.25f)
        .setOodScore(0.75f).setPredictedClass(3).optDomainHint(frame % 2 == 0 ? null : "fog")
        .setPixels(2, 3, 4, pixels).optFeatures(new float[] {1f, -2f}).build();
  }

  @Test
  void storesEverySampleFieldAndReadsTheImageBack() {
    String id = UUID.randomUUID().toString();
    DeviceSample sample = sample(id, "cam-fields", 7, 3);

    assertThat(store.insertAll(List.of(sample))).isEqualTo(1);

    StoredSample stored = store.findAll(List.of(id)).get(0);
    assertThat(stored.sampleId()).isEqualTo(id);
    assertThat(stored.deviceId()).isEqualTo("cam-fields");
    assertThat(stored.studentModelId()).isEqualTo("student-nano:1");
    assertThat(stored.windowSeq()).isEqualTo(7);
    assertThat(stored.frameIndex()).isEqualTo(3);
    assertThat(stored.capturedAt()).isEqualTo(T0.plusSeconds(3));
    assertThat(stored.receivedAt()).isAfter(T0);
    assertThat(stored.uncertainty()).isEqualTo(0.25f);
    assertThat(stored.oodScore()).isEqualTo(0.75f);
    assertThat(stored.predictedClass()).isEqualTo(3);
    assertThat(stored.domainHint()).isEqualTo("fog");
    assertThat(stored.image()).isEqualTo(sample.image());
    assertThat(stored.image().channels()).isEqualTo(2);
    assertThat(stored.image().height()).isEqualTo(3);
    assertThat(stored.image().width()).isEqualTo(4);
    assertThat(db.jdbc.queryForObject("SELECT length(features) FROM samples WHERE sample_id = ?", Integer.class, id))
        .isEqualTo(8);
  }

  @Test
  void duplicatesAlreadyStoredOrWithinOneBatchAreSkippedAndNotCounted() {
    DeviceSample a = sample(UUID.randomUUID().toString(), "cam-dup", 1, 0);
    DeviceSample b = sample(UUID.randomUUID().toString(), "cam-dup", 1, 1);
    assertThat(store.insertAll(List.of(a))).isEqualTo(1);

    assertThat(store.insertAll(List.of(a, b, b))).isEqualTo(1);
    assertThat(store.insertAll(List.of(a, b))).isZero();
    assertThat(store.countForDevice("cam-dup", 0)).isEqualTo(2);
    assertThat(store.insertAll(List.of())).isZero();
  }

  @Test
  void forDeviceReturnsTheNewestSamplesFromAWindowOnOldestFirst() {
    List<DeviceSample> batch = new ArrayList<>();
    for (long window = 0; window < 4; window++) {
      for (long frame = 0; frame < 3; frame++) {
        batch.add(sample("w" + window + "-f" + frame, "cam-order", window, window * 100 + (2 - frame)));
      }
    }
    batch.add(sample(UUID.randomUUID().toString(), "cam-other", 3, 0));
    store.insertAll(batch);

    assertThat(store.forDevice("cam-order", 1, 4)).extracting(StoredSample::sampleId)
        .containsExactly("w2-f0", "w3-f2", "w3-f1", "w3-f0");
    assertThat(store.forDevice("cam-order", 3, 100)).extracting(StoredSample::frameIndex)
        .containsExactly(300L, 301L, 302L);
    assertThat(store.countForDevice("cam-order", 1)).isEqualTo(9);
    assertThat(store.countForDevice("cam-order", 4)).isZero();
    assertThat(store.forDevice("cam-nobody", 0, 10)).isEmpty();
    assertThatThrownBy(() -> store.forDevice("cam-order", 0, -1)).hasMessageContaining("limit");
  }

  @Test
  void findAllLeavesOutMissingIds() {
    String id = UUID.randomUUID().toString();
    store.insertAll(List.of(sample(id, "cam-find", 0, 0)));

    assertThat(store.findAll(List.of(id, "no-such-sample"))).extracting(StoredSample::sampleId).containsExactly(id);
    assertThat(store.findAll(List.of())).isEmpty();
  }

  @Test
  void retentionDeletesOnlySamplesReceivedBeforeTheCutoff() {
    DeviceSample old = sample(UUID.randomUUID().toString(), "cam-retention", 0, 0);
    DeviceSample recent = sample(UUID.randomUUID().toString(), "cam-retention", 0, 1);
    store.insertAll(List.of(old, recent));
    db.jdbc.update("UPDATE samples SET received_at = now() - interval '8 days' WHERE sample_id = ?", old.eventId());

    int deleted = store.deleteReceivedBefore(Instant.now().minusSeconds(7 * 24 * 3600));

    assertThat(deleted).isEqualTo(1);
    assertThat(store.findAll(List.of(old.eventId(), recent.eventId()))).extracting(StoredSample::sampleId)
        .containsExactly(recent.eventId());
  }

  @Test
  void retentionKeepsOldSamplesThatAJobStillNeeds() {
    DeviceSample needed = sample(UUID.randomUUID().toString(), "cam-job", 9, 0);
    DeviceSample beforeDrift = sample(UUID.randomUUID().toString(), "cam-job", 2, 1);
    DeviceSample ofEndedJob = sample(UUID.randomUUID().toString(), "cam-ended", 9, 0);
    store.insertAll(List.of(needed, beforeDrift, ofEndedJob));
    db.jdbc.update("UPDATE samples SET received_at = now() - interval '8 days' WHERE device_id IN ('cam-job', 'cam-ended')");
    db.jdbc.update("INSERT INTO jobs (job_id, cohort_key, trigger, state, lead_device, created_at, updated_at)"
        + " VALUES ('job-r1', 'g-r1', 'INCIDENT', 'TRAINING', 'cam-job', now(), now()),"
        + " ('job-r2', 'g-r2', 'INCIDENT', 'PUBLISHED', 'cam-ended', now(), now())");
    db.jdbc.update("INSERT INTO job_incidents (job_id, incident_id, device_id, first_window_seq, added_at)"
        + " VALUES ('job-r1', 'inc-r1', 'cam-job', 5, now()), ('job-r2', 'inc-r2', 'cam-ended', 5, now())");

    int deleted = store.deleteReceivedBefore(Instant.now().minusSeconds(7 * 24 * 3600));

    assertThat(deleted).isEqualTo(2);
    assertThat(store.findAll(List.of(needed.eventId(), beforeDrift.eventId(), ofEndedJob.eventId())))
        .extracting(StoredSample::sampleId).containsExactly(needed.eventId());
  }
}
