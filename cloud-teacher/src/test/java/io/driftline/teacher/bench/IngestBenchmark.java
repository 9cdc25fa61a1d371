package io.driftline.teacher.bench;

import io.driftline.core.events.DeviceSample;
import io.driftline.core.events.DriftlineEvent;
import io.driftline.core.events.EventSerializer;
import io.driftline.teacher.TeacherApplication;
import io.driftline.teacher.intake.SampleStore;
import io.driftline.testsupport.KafkaTestBroker;
import io.driftline.testsupport.PostgresTestServer;
import io.driftline.testsupport.TestDatabase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.DoubleSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Measures how many 28x28 samples per second the teacher's intake persists: the real Spring
 * listener and {@link SampleStore} consume a backlog of N samples from an embedded KRaft broker
 * into a fresh local PostgreSQL database. Also measures the database insert alone, one
 * {@code unnest} INSERT per poll against a JDBC batch of single-row INSERTs (the baseline).
 *
 * <p>Not a test (surefire runs only classes ending in {@code Test}); run its {@code main}, see
 * docs/cloud-teacher.md. System properties: {@code ingest.samples} (default 100000),
 * {@code ingest.runs} (default 5), {@code ingest.devices} (default 60), {@code ingest.concurrency} (listener
 * threads, default 1 as in the service).
 */
public final class IngestBenchmark {

  private static final String LISTENER = "teacher-samples";
  private static final int POLL = 1000;

  private IngestBenchmark() {}

  /** Runs the benchmark and prints one line per run and a summary; exits 1 with the cause on failure. */
  public static void main(String[] args) {
    int status = 0;
    try {
      run();
    } catch (Exception | Error e) {
      e.printStackTrace();
      status = 1;
    }
    // The shared broker's threads are not daemons.
    System.exit(status);
  }

  private static void run() throws Exception {
    int samples = Integer.getInteger("ingest.samples", 100_000);
    int runs = Integer.getInteger("ingest.runs", 5);
    int devices = Integer.getInteger("ingest.devices", 60);
    String topic = "device.samples.bench-" + UUID.randomUUID();
    KafkaTestBroker kafka = KafkaTestBroker.shared();
    TestDatabase database = PostgresTestServer.shared().createDatabase("ingest-bench");
    try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TeacherApplication.class)
        .web(WebApplicationType.NONE)
        // command-line arguments, because default properties rank below application.yml
        .run("--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
            "--spring.datasource.url=" + database.jdbcUrl(),
            "--spring.datasource.username=" + database.user(),
            "--spring.datasource.password=" + database.password(),
            "--driftline.teacher.intake.samples-topic=" + topic,
            "--driftline.teacher.intake.incidents-topic=drift.incidents.bench-" + UUID.randomUUID(),
            "--driftline.teacher.intake.max-poll-records=" + POLL,
            "--driftline.teacher.intake.auto-startup=false",
            "--driftline.teacher.intake.concurrency=" + Integer.getInteger("ingest.concurrency", 1),
            "--logging.level.root=WARN")) {
      JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
      SampleStore store = context.getBean(SampleStore.class);
      MessageListenerContainer listener = context.getBean(KafkaListenerEndpointRegistry.class)
          .getListenerContainer(LISTENER);
      Counter ingested = context.getBean(MeterRegistry.class).counter("driftline.teacher.samples.ingested");
      SplittableRandom random = new SplittableRandom(42);
      System.out.printf(Locale.ROOT, "ingest benchmark: %,d samples of 1x28x28 (%d bytes on the wire) from %d devices,"
          + " %d runs, %d listener thread(s), %d cores%n", samples, io.driftline.core.events.DeviceSampleCodec.encodedSize(
              sample(random, 0, devices)), devices, runs, Integer.getInteger("ingest.concurrency", 1), Runtime.getRuntime().availableProcessors());

      double[] intake = new double[runs];
      double[] steady = new double[runs];
      for (int run = 0; run < runs; run++) {
        double produced = produce(kafka, topic, samples, devices, random);
        jdbc.execute("TRUNCATE samples");
        double before = ingested.count();
        DoubleSupplier stored = () -> ingested.count() - before;
        long start = System.nanoTime();
        listener.start();
        long first = 0;
        while (stored.getAsDouble() < samples) {
          if (first == 0 && stored.getAsDouble() > 0) {
            first = System.nanoTime();
          }
          Thread.sleep(5);
        }
        long end = System.nanoTime();
        listener.stop();
        intake[run] = samples / seconds(end - start);
        steady[run] = (samples - POLL) / seconds(end - first);
        System.out.printf(Locale.ROOT, "run %d: produced at %,.0f/s; persisted %,.0f samples/s from listener start"
            + " (%,.0f/s after the first poll was stored, %.2f s to the first poll)%n",
            run + 1, produced, intake[run], steady[run], seconds(first - start));
      }

      double[] unnest = new double[runs];
      double[] batch = new double[runs];
      for (int run = 0; run < runs; run++) {
        List<DeviceSample> rows = new ArrayList<>(samples);
        for (int i = 0; i < samples; i++) {
          rows.add(sample(random, i, devices));
        }
        jdbc.execute("TRUNCATE samples");
        long start = System.nanoTime();
        for (int i = 0; i < samples; i += POLL) {
          store.insertAll(rows.subList(i, Math.min(samples, i + POLL)));
        }
        unnest[run] = samples / seconds(System.nanoTime() - start);
        jdbc.execute("TRUNCATE samples");
        start = System.nanoTime();
        for (int i = 0; i < samples; i += POLL) {
          jdbcBatch(jdbc, rows.subList(i, Math.min(samples, i + POLL)));
        }
        batch[run] = samples / seconds(System.nanoTime() - start);
        System.out.printf(Locale.ROOT, "db run %d: unnest INSERT %,.0f rows/s, JDBC batch %,.0f rows/s%n",
            run + 1, unnest[run], batch[run]);
      }
      System.out.printf(Locale.ROOT, "median of %d runs: intake %,.0f samples/s persisted (%,.0f/s after the first"
          + " poll); database alone: unnest INSERT %,.0f rows/s, JDBC batch %,.0f rows/s (%.1fx)%n",
          runs, median(intake), median(steady), median(unnest), median(batch), median(unnest) / median(batch));
    } finally {
      database.close();
    }
  }

  private static double produce(KafkaTestBroker kafka, String topic, int samples, int devices, SplittableRandom random)
      throws Exception {
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.LINGER_MS_CONFIG, 10, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        // the backlog is only the benchmark's input; idempotence made a loaded broker reject batches
        // with OutOfOrderSequenceException, which the producer then retried for minutes
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.ACKS_CONFIG, "1");
    long start = System.nanoTime();
    try (KafkaProducer<String, DriftlineEvent> producer = new KafkaProducer<>(config, new StringSerializer(),
        new EventSerializer<>())) {
      for (int i = 0; i < samples; i++) {
        DeviceSample sample = sample(random, i, devices);
        producer.send(new ProducerRecord<>(topic, sample.key(), sample));
      }
      producer.flush();
    }
    return samples / seconds(System.nanoTime() - start);
  }

  private static DeviceSample sample(SplittableRandom random, int i, int devices) {
    byte[] pixels = new byte[28 * 28];
    for (int p = 0; p < pixels.length; p++) {
      pixels[p] = (byte) random.nextInt(256);
    }
    return DeviceSample.builder().setEventId(UUID.randomUUID().toString()).setDeviceId("device-" + (i % devices))
        .setStudentModelId("fashion-mnist-student").setWindowSeq(i / 100).setFrameIndex(i)
        .setCapturedAt(Instant.now()).setUncertainty(random.nextFloat()).setOodScore(random.nextFloat())
        .setPredictedClass(random.nextInt(10)).setPixels(1, 28, 28, pixels).build();
  }

  // The baseline: what a plain JdbcTemplate batch of single-row INSERTs achieves on the same rows.
  private static void jdbcBatch(JdbcTemplate jdbc, List<DeviceSample> rows) {
    jdbc.batchUpdate("INSERT INTO samples (sample_id, device_id, student_model_id, window_seq, frame_index,"
        + " captured_at, uncertainty, ood_score, predicted_class, domain_hint, channels, height, width, pixels)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sample_id) DO NOTHING",
        rows, rows.size(), (ps, s) -> {
          ps.setString(1, s.eventId());
          ps.setString(2, s.deviceId());
          ps.setString(3, s.studentModelId());
          ps.setLong(4, s.windowSeq());
          ps.setLong(5, s.frameIndex());
          ps.setObject(6, s.capturedAt().truncatedTo(ChronoUnit.MICROS).atOffset(java.time.ZoneOffset.UTC));
          ps.setFloat(7, s.uncertainty());
          ps.setFloat(8, s.oodScore());
          ps.setInt(9, s.predictedClass());
          ps.setString(10, s.domainHint());
          ps.setShort(11, (short) s.channels());
          ps.setInt(12, s.height());
          ps.setInt(13, s.width());
          ps.setBytes(14, s.pixels());
        });
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
