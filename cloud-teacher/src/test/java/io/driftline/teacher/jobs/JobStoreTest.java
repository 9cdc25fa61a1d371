package io.driftline.teacher.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.testsupport.RealPostgres;
import io.driftline.teacher.TeacherTestProperties;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The job store on real PostgreSQL: cohorts, claiming, fair order, crash recovery, lost jobs, paging. */
// @RealPostgres first: its database must outlive the Spring context, which closes after the class
@RealPostgres
@SpringBootTest(properties = {
    "driftline.teacher.jobs.workers=1",
    // the pool must not take the jobs these tests queue: it waits for samples that never come
    "driftline.teacher.jobs.min-samples=1000000",
    "driftline.teacher.jobs.collect-for=1h"})
@DirtiesContext
class JobStoreTest {

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    TeacherTestProperties.register(registry, JobStoreTest.class);
  }

  @Autowired JobStore jobs;
  @Autowired JdbcClient jdbc;

  @BeforeEach
  void empty() {
    jdbc.sql("truncate jobs, job_incidents, job_samples, job_transitions, job_variants, device_service cascade").update();
  }

  static JobIncident incident(String id, String device) {
    return new JobIncident(id, device, 7, Instant.now());
  }

  @Test
  void incidentsOfOneCohortJoinItsQueuedJobAndAreIdempotent() {
    JobStore.Enqueued first = jobs.enqueue("group-a", incident("inc-1", "dev-1"));
    JobStore.Enqueued second = jobs.enqueue("group-a", incident("inc-2", "dev-2"));
    JobStore.Enqueued again = jobs.enqueue("group-a", incident("inc-1", "dev-1"));
    JobStore.Enqueued other = jobs.enqueue("group-b", incident("inc-3", "dev-3"));

    assertThat(first.created()).isTrue();
    assertThat(second.created()).isFalse();
    assertThat(second.job().jobId()).isEqualTo(first.job().jobId());
    assertThat(again.job().jobId()).isEqualTo(first.job().jobId());
    assertThat(again.created()).isFalse();
    assertThat(other.job().jobId()).isNotEqualTo(first.job().jobId());
    assertThat(jobs.incidents(first.job().jobId())).extracting(JobIncident::incidentId).containsExactly("inc-1", "inc-2");
    assertThat(jobs.queuedCount()).isEqualTo(2);
  }

  @Test
  void concurrentIncidentsOfOneCohortEndInOneJob() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    Set<String> jobIds = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 16; i++) {
      int n = i;
      pool.submit(() -> {
        go.await();
        jobIds.add(jobs.enqueue("group-race", incident("inc-r" + n, "dev-" + n)).job().jobId());
        return null;
      });
    }
    go.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    assertThat(jobIds).hasSize(1);
    assertThat(jobs.incidents(jobIds.iterator().next())).hasSize(16);
  }

  @Test
  void aRunningJobTakesNoNewIncidentsAndItsCohortGetsAFollowUpJob() {
    String jobId = jobs.enqueue("group-c", incident("inc-1", "dev-1")).job().jobId();
    assertThat(jobs.claim(jobId, "w1")).isPresent();

    JobStore.Enqueued late = jobs.enqueue("group-c", incident("inc-2", "dev-2"));

    assertThat(late.created()).isTrue();
    assertThat(late.job().jobId()).isNotEqualTo(jobId);
    assertThat(jobs.incidents(jobId)).hasSize(1);
  }

  @Test
  void onlyOneWorkerClaimsAJobAndAnotherWorkersWritesAreRefused() {
    String jobId = jobs.enqueue("group-d", incident("inc-1", "dev-1")).job().jobId();

    assertThat(jobs.claim(jobId, "w1")).hasValueSatisfying(j -> {
      assertThat(j.state()).isEqualTo(JobState.LABELLING);
      assertThat(j.attempt()).isEqualTo(1);
    });
    assertThat(jobs.claim(jobId, "w2")).isEmpty();
    assertThatThrownBy(() -> jobs.enter(jobId, "w2", JobState.TRAINING, "not mine")).isInstanceOf(JobLostException.class);

    jobs.enter(jobId, "w1", JobState.TRAINING, "prompts");
    jobs.finish(jobId, "w1", JobState.PUBLISHED, "done");

    Job done = jobs.find(jobId).orElseThrow();
    assertThat(done.state()).isEqualTo(JobState.PUBLISHED);
    assertThat(done.finishedAt()).isNotNull();
    assertThat(jobs.transitions(jobId)).extracting(JobTransition::state)
        .containsExactly(JobState.QUEUED, JobState.LABELLING, JobState.TRAINING, JobState.PUBLISHED);
  }

  @Test
  void staleRunningJobsGoBackToTheQueueUntilTheirRunsAreUsedUp() {
    String jobId = jobs.enqueue("group-e", incident("inc-1", "dev-1")).job().jobId();
    jobs.claim(jobId, "dead-worker");

    assertThat(jobs.recoverStale(Instant.now().minusSeconds(60), 2)).isEmpty(); // heartbeat is fresh
    assertThat(jobs.recoverStale(Instant.now().plusSeconds(1), 2)).containsExactly(jobId);
    assertThat(jobs.find(jobId).orElseThrow().state()).isEqualTo(JobState.QUEUED);
    assertThatThrownBy(() -> jobs.note(jobId, "dead-worker", "late write")).isInstanceOf(JobLostException.class);

    jobs.claim(jobId, "second-worker");
    assertThat(jobs.recoverStale(Instant.now().plusSeconds(1), 2)).containsExactly(jobId);
    Job failed = jobs.find(jobId).orElseThrow();
    assertThat(failed.state()).isEqualTo(JobState.FAILED);
    assertThat(failed.reason()).contains("run 2 of 2");
  }

  @Test
  void devicesServedLeastComeFirst() {
    String busy = jobs.enqueue("group-f", incident("inc-1", "busy-device")).job().jobId();
    jobs.claim(busy, "w1");
    jobs.finish(busy, "w1", JobState.PUBLISHED, "done");
    String busyAgain = jobs.enqueue("group-g", incident("inc-2", "busy-device")).job().jobId();
    String quiet = jobs.enqueue("group-h", incident("inc-3", "quiet-device")).job().jobId();

    assertThat(jobs.queuedInFairOrder(10)).extracting(Job::jobId).containsExactly(quiet, busyAgain);
  }

  @Test
  void variantsKeepTheirPublishingProgress() {
    String jobId = jobs.enqueue("group-i", incident("inc-1", "dev-1")).job().jobId();
    JobVariant v = new JobVariant("student-small:1/INT8/b1024/m4096", "student-small:1", "INT8", 1024L, 4096L,
        List.of("dev-1", "dev-2"), "REGISTERED", "adapt.x", 3L, "sha256:ab", 900L, null,
        Map.of("decision", "ship", "target", Map.of("gainPoints", 12.5)));
    jobs.saveVariant(jobId, v);
    jobs.saveVariant(jobId, new JobVariant(v.variant(), v.student(), v.precision(), v.maxBytes(), v.maxMacs(), v.devices(),
        "ROLLED_OUT", v.bundleModel(), v.bundleVersion(), v.digest(), v.bytes(), "17", v.gate()));

    assertThat(jobs.variants(jobId)).singleElement().satisfies(saved -> {
      assertThat(saved.status()).isEqualTo("ROLLED_OUT");
      assertThat(saved.rolloutId()).isEqualTo("17");
      assertThat(saved.devices()).containsExactly("dev-1", "dev-2");
      assertThat(saved.gate()).containsEntry("target", Map.of("gainPoints", 12.5));
    });
  }

  @Test
  void pagesAreStableNewestFirstAndRejectForeignCursors() {
    for (int i = 0; i < 5; i++) {
      jobs.enqueue("group-p" + i, incident("inc-p" + i, "dev-" + i));
    }
    JobStore.Page first = jobs.page(null, null, 2);
    JobStore.Page second = jobs.page(null, first.nextCursor(), 2);
    JobStore.Page third = jobs.page(null, second.nextCursor(), 2);

    assertThat(first.items()).hasSize(2);
    assertThat(third.items()).hasSize(1);
    assertThat(third.nextCursor()).isNull();
    assertThat(first.items().get(0).createdAt()).isAfterOrEqualTo(first.items().get(1).createdAt());
    assertThat(List.of(first, second, third).stream().flatMap(p -> p.items().stream()).map(Job::jobId).distinct()).hasSize(5);
    assertThatThrownBy(() -> jobs.page(null, "not-a-cursor", 2)).isInstanceOf(IllegalArgumentException.class);
    assertThat(jobs.page(JobState.PUBLISHED, null, 10).items()).isEmpty();
  }

  @Test
  void publishedDomainsAreThoseRolledOutToTheDevicesOfTheStudent() {
    String fog = publish("group-fog", "dev-1", "student-small:1", List.of("s-fog-1", "s-fog-2"));
    publish("group-other-student", "dev-1", "student-nano:1", List.of("s-nano"));
    publish("group-other-device", "dev-9", "student-small:1", List.of("s-other"));
    String current = jobs.enqueue("group-night", incident("inc-night", "dev-1")).job().jobId();

    List<JobStore.PublishedDomain> domains = jobs.publishedDomains("student-small:1", List.of("dev-1", "dev-2"), current, 3);

    assertThat(domains).singleElement().satisfies(d -> {
      assertThat(d.jobId()).isEqualTo(fog);
      assertThat(d.cohortKey()).isEqualTo("group-fog");
      assertThat(d.sampleIds()).containsExactly("s-fog-1", "s-fog-2");
    });
    assertThat(jobs.publishedDomains("student-small:1", List.of("dev-1"), current, 0)).isEmpty();
  }

  private String publish(String cohort, String device, String student, List<String> sampleIds) {
    String jobId = jobs.enqueue(cohort, incident("inc-" + cohort, device)).job().jobId();
    jobs.claim(jobId, "w1");
    jobs.saveSamples(jobId, sampleIds.stream().map(id -> new JobSample(id, device, "TRAIN", 1, 0.9f)).toList());
    jobs.saveVariant(jobId, new JobVariant(student + "/FP32/unbudgeted", student, "FP32", null, null, List.of(device),
        "ROLLED_OUT", "adapt.x", 1L, "sha256:x", 100L, "1", Map.of()));
    jobs.finish(jobId, "w1", JobState.PUBLISHED, "done");
    return jobId;
  }
}
