package io.driftline.registry.bench;

import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.events.DesiredState;
import io.driftline.core.events.EventDeserializer;
import io.driftline.core.model.SyntheticStudents;
import io.driftline.registry.Api;
import io.driftline.registry.ModelRegistryApplication;
import io.driftline.registry.RegistryTest;
import io.driftline.registry.TestArtefacts;
import io.driftline.testsupport.KafkaTestBroker;
import io.driftline.testsupport.PostgresTestServer;
import io.driftline.testsupport.TestDatabase;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Measures the registry on real PostgreSQL and Kafka (the test infrastructure: local server or
 * {@code DRIFTLINE_TEST_JDBC_URL}, embedded broker or {@code DRIFTLINE_TEST_KAFKA}):
 *
 * <ol>
 *   <li>download latency of a 64 KB bundle by 200 concurrent devices, each with its own device
 *       token (authentication, the device-may-download check and the file stream all count);
 *   <li>desired-state fan-out: from the rollout API call for a 10,000-device cohort until every
 *       device's record is on {@code fleet.desired-state}.
 * </ol>
 *
 * Each figure is measured in several runs and the median is reported. Options (system
 * properties): {@code bench.runs} (5), {@code bench.clients} (200), {@code bench.requests} per
 * client per run (50), {@code bench.devices} (10000), {@code bench.bundleBytes} (65536),
 * {@code bench.paceMillis} (500), {@code bench.serverThreads} (200, Tomcat's worker threads),
 * {@code bench.acceptCount} (100, Tomcat's accept queue),
 * {@code bench.client} (the downloads' load generator: {@code httpclient}, 200 threads on
 * {@code java.net.http.HttpClient}, or {@code nio}, {@link NioLoadGenerator}), {@code bench.nioThreads}
 * (1, its selector threads).
 */
public final class RegistryBenchmark {

  private static final int RUNS = Integer.getInteger("bench.runs", 5);
  private static final int CLIENTS = Integer.getInteger("bench.clients", 200);
  private static final int REQUESTS = Integer.getInteger("bench.requests", 50);
  private static final int DEVICES = Integer.getInteger("bench.devices", 10_000);
  private static final int BUNDLE_BYTES = Integer.getInteger("bench.bundleBytes", 64 * 1024);
  /** Tomcat's worker threads (200 is Tomcat's default). */
  private static final int SERVER_THREADS = Integer.getInteger("bench.serverThreads", 200);
  /** Tomcat's accept queue (its {@code acceptCount}; 100 is Tomcat's default). */
  private static final int ACCEPT_COUNT = Integer.getInteger("bench.acceptCount", 100);
  /** Pause between one client's downloads in the paced runs (0: skip them). */
  private static final int PACE_MILLIS = Integer.getInteger("bench.paceMillis", 500);
  /** The downloads' load generator: {@code httpclient} or {@code nio}. */
  private static final String CLIENT = System.getProperty("bench.client", "httpclient");
  /** Selector threads of the {@code nio} load generator. */
  private static final int NIO_THREADS = Integer.getInteger("bench.nioThreads", 1);
  /** Tomcat's threads: acceptor, poller, workers (the server's CPU). */
  private static final Predicate<String> SERVER = name -> name.startsWith("http-nio-");
  /** The {@code httpclient} load generator's threads: the 200 clients, the client's executor and selector. */
  private static final Predicate<String> HTTPCLIENT = name -> name.startsWith("bench-client-")
      || name.startsWith("HttpClient-") && name.endsWith("-SelectorManager");

  /** Runs every client's downloads of one run (the benchmark's two load generators). */
  @FunctionalInterface
  private interface LoadGenerator {
    NioLoadGenerator.Result run(int requests, long paceNanos) throws Exception;
  }

  private RegistryBenchmark() {}

  /** Runs both benchmarks, prints the figures and exits (the embedded broker has non-daemon threads). */
  public static void main(String[] args) throws Exception {
    run();
    System.exit(0);
  }

  /** Runs both benchmarks and prints the figures. */
  public static void run() throws Exception {
    Path data = Files.createTempDirectory("registry-bench-");
    KeyPair teacher = Ed25519Keys.generate();
    try (TestDatabase db = PostgresTestServer.shared().createDatabase("registry_bench")) {
      Map<String, String> settings = new HashMap<>(RegistryTest.settings(RegistryBenchmark.class, data));
      settings.put("spring.datasource.url", db.jdbcUrl());
      settings.put("spring.datasource.username", db.user());
      settings.put("spring.datasource.password", db.password());
      settings.put("spring.kafka.bootstrap-servers", KafkaTestBroker.bootstrap());
      settings.put("driftline.registry.signing.trusted-keys[0]", Ed25519Keys.toRawBase64(teacher.getPublic()));
      settings.put("server.port", "0");
      settings.put("logging.level.root", "WARN");
      settings.put("server.tomcat.threads.max", Integer.toString(SERVER_THREADS));
      settings.put("server.tomcat.accept-count", Integer.toString(ACCEPT_COUNT));
      String[] appArgs = settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
          .toArray(String[]::new);
      try (ConfigurableApplicationContext app = new SpringApplicationBuilder(ModelRegistryApplication.class).run(appArgs)) {
        int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
        Api api = new Api(port);
        String student = setUpModels(api, teacher);
        log("registry on port %d, student %s, bundle bench-bundle:1 and :2 (%d bytes)", port, student, BUNDLE_BYTES);
        downloads(api, port, student);
        fanOut(api, app.getBean(JdbcClient.class), student, settings.get("driftline.registry.topics.desired-state"));
      }
    }
  }

  private static String setUpModels(Api api, KeyPair teacher) {
    String onnx = api.upload(Api.OPERATOR, "application/onnx", SyntheticStudents.nano(1)).json().get("digest").asString();
    api.post("/api/v1/models", Api.OPERATOR, Map.of("name", "bench-student", "kind", "student"));
    api.post("/api/v1/models/bench-student/versions", Api.OPERATOR, Map.of("digest", onnx));
    api.post("/api/v1/models", Api.OPERATOR, Map.of("name", "bench-bundle", "kind", "bundle"));
    for (int v = 1; v <= 2; v++) {
      // the lineage padding makes the signed file BUNDLE_BYTES long
      byte[] probe = TestArtefacts.bundle("bench-bundle", v, "bench-student:1", 0, teacher.getPrivate());
      byte[] file = TestArtefacts.bundle("bench-bundle", v, "bench-student:1", BUNDLE_BYTES - probe.length, teacher.getPrivate());
      String digest = api.upload(Api.OPERATOR, "application/vnd.driftline.bundle", file).json().get("digest").asString();
      api.post("/api/v1/models/bench-bundle/versions", Api.OPERATOR,
          Map.of("digest", digest, "requirements", Map.of("student", "bench-student:1")));
      api.put("/api/v1/models/bench-bundle/aliases/production", Api.OPERATOR, Map.of("version", v));
    }
    return "bench-student:1";
  }

  private static void downloads(Api api, int port, String student) throws Exception {
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      JsonNode enrolment = api.post("/api/v1/devices", Api.OPERATOR, Map.of("deviceClass", "bench-dl",
          "student", student, "precisions", List.of("INT8"), "ramBytes", 1_000_000, "flashBytes", 4_000_000,
          "macsPerSecond", 100_000_000)).json();
      tokens.add(enrolment.get("token").asString());
    }
    api.post("/api/v1/rollouts", Api.OPERATOR, Map.of("bundle", "bench-bundle:2", "cohort", Map.of("deviceClass", "bench-dl")));
    String digest = api.get("/api/v1/models/bench-bundle/versions/2", Api.VIEWER).json().get("signedDigest").asString();
    String path = "/api/v1/artefacts/" + digest;
    if (CLIENT.equals("nio")) {
      try (NioLoadGenerator nio = new NioLoadGenerator(new InetSocketAddress("127.0.0.1", port), path, tokens,
          BUNDLE_BYTES, NIO_THREADS)) {
        runAll(nio::run, "nio client: " + nio);
      }
    } else if (CLIENT.equals("httpclient")) {
      URI uri = URI.create("http://127.0.0.1:" + port + path);
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .executor(Executors.newFixedThreadPool(8, named("bench-client-http-"))).build();
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS, named("bench-client-"));
      try {
        runAll((requests, pace) -> runDownloads(client, pool, uri, tokens, requests, pace),
            "java.net.http.HttpClient, one thread per client");
      } finally {
        pool.shutdownNow();
      }
    } else {
      throw new IllegalArgumentException("bench.client must be httpclient or nio, not '" + CLIENT + "'");
    }
  }

  private static java.util.concurrent.ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The warm-up run, then the closed-loop runs and the paced runs. */
  private static void runAll(LoadGenerator load, String client) throws Exception {
    log("download: %d devices, %d requests each per run, %d runs (+1 warm-up run); %s", CLIENTS, REQUESTS, RUNS, client);
    check(load.run(REQUESTS, 0));
    measure(load, 0);
    if (PACE_MILLIS > 0) {
      measure(load, PACE_MILLIS);
    }
  }

  private static void check(NioLoadGenerator.Result result) {
    if (result.errors() > 0) {
      log("download errors: %d (first: %s)", result.errors(), result.firstError());
    }
  }

  private static void measure(LoadGenerator load, int pace) throws Exception {
    String mode = pace == 0 ? "closed loop" : "paced, one download per client every " + pace + " ms";
    double[] p50 = new double[RUNS];
    double[] p99 = new double[RUNS];
    double[] rate = new double[RUNS];
    double[] serverCpu = new double[RUNS];
    double[] clientCpu = new double[RUNS];
    double[] processCpu = new double[RUNS];
    int errors = 0;
    for (int run = 0; run < RUNS; run++) {
      Map<Long, Long> serverBefore = threadCpu(SERVER);
      long processBefore = processCpuNanos();
      long gcBefore = gcMillis();
      long start = System.nanoTime();
      NioLoadGenerator.Result result = load.run(REQUESTS, pace * 1_000_000L);
      double seconds = (System.nanoTime() - start) / 1e9;
      long[] latencies = result.latencies();
      int downloads = latencies.length + result.errors();
      serverCpu[run] = cpuSince(serverBefore, SERVER) / 1e3 / downloads;
      processCpu[run] = (processCpuNanos() - processBefore) / 1e3 / downloads;
      clientCpu[run] = result.clientCpuNanos() / 1e3 / downloads;
      errors += result.errors();
      check(result);
      Arrays.sort(latencies);
      p50[run] = percentile(latencies, 0.50);
      p99[run] = percentile(latencies, 0.99);
      rate[run] = latencies.length / seconds;
      log("download (%s) run %d: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms, %.0f downloads/s (%.1f MB/s), "
          + "%d errors, %d reconnects, GC %d ms; CPU per download: server threads %.0f us, client threads %.0f us, "
          + "whole JVM %.0f us", mode, run + 1, p50[run], p99[run], percentile(latencies, 0.999),
          percentile(latencies, 1.0), rate[run], rate[run] * BUNDLE_BYTES / 1e6, result.errors(), result.reconnects(),
          gcMillis() - gcBefore, serverCpu[run], clientCpu[run], processCpu[run]);
    }
    log("RESULT download %d KB x %d clients (%s, %s client): median p50 %.2f ms, median p99 %.2f ms, "
        + "median %.0f downloads/s, %d errors, median CPU per download %.0f us on server threads, %.0f us on client "
        + "threads, %.0f us in the JVM (goal p99 <= 50 ms)",
        BUNDLE_BYTES / 1024, CLIENTS, mode, CLIENT, median(p50), median(p99), median(rate), errors,
        median(serverCpu), median(clientCpu), median(processCpu));
  }

  /**
   * Lets every client download {@code requests} times on {@code java.net.http.HttpClient}, one thread per
   * client. With {@code paceNanos} 0 each client sends its next request as soon as the last one is
   * answered (closed loop: the server is saturated). Otherwise each client sends one every
   * {@code paceNanos} (clients spread evenly over the interval), and
   * latency counts from the scheduled send time, so time spent queueing behind a slow answer counts.
   */
  private static NioLoadGenerator.Result runDownloads(HttpClient client, ExecutorService pool, URI uri,
      List<String> tokens, int requests, long paceNanos) throws Exception {
    Map<Long, Long> cpuBefore = threadCpu(HTTPCLIENT);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<long[]>> futures = new ArrayList<>();
    for (int c = 0; c < tokens.size(); c++) {
      String token = tokens.get(c);
      long offset = paceNanos * c / tokens.size();
      futures.add(pool.submit(() -> {
        HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(30)).GET().build();
        long[] out = new long[requests];
        byte[] buffer = new byte[16 * 1024];
        start.await();
        long base = System.nanoTime() + offset;
        for (int i = 0; i < requests; i++) {
          long t0 = System.nanoTime();
          if (paceNanos > 0) {
            long scheduled = base + i * paceNanos;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
              Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
            }
            t0 = scheduled;
          }
          HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
          long bytes = 0;
          try (InputStream body = response.body()) {
            // read into one buffer per client: a fresh 64 KB array per download would make the
            // benchmark's own garbage collection part of the latency
            for (int n; (n = body.read(buffer)) != -1; ) {
              bytes += n;
            }
          }
          out[i] = System.nanoTime() - t0;
          if (response.statusCode() != 200 || bytes != BUNDLE_BYTES) {
            throw new IllegalStateException("download answered " + response.statusCode() + " with " + bytes + " bytes");
          }
        }
        return out;
      }));
    }
    start.countDown();
    long[] all = new long[tokens.size() * requests];
    int at = 0;
    for (Future<long[]> f : futures) {
      long[] part = f.get();
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    // an error ends the run with an exception above, so every download here succeeded
    return new NioLoadGenerator.Result(all, 0, null, 0, cpuSince(cpuBefore, HTTPCLIENT));
  }

  /** CPU time so far of each live thread whose name matches, by thread id. */
  private static Map<Long, Long> threadCpu(Predicate<String> name) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<Long, Long> cpu = new HashMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (name.test(t.getName())) {
        long nanos = threads.getThreadCpuTime(t.getId());
        if (nanos >= 0) {
          cpu.put(t.getId(), nanos);
        }
      }
    }
    return cpu;
  }

  /** CPU time the matching threads used since {@code before} (threads started meanwhile count from zero). */
  private static long cpuSince(Map<Long, Long> before, Predicate<String> name) {
    long total = 0;
    for (Map.Entry<Long, Long> now : threadCpu(name).entrySet()) {
      total += now.getValue() - before.getOrDefault(now.getKey(), 0L);
    }
    return total;
  }

  /** Time the JVM's garbage collectors spent so far (for G1 mostly pauses). */
  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(gc -> Math.max(0, gc.getCollectionTime())).sum();
  }

  /** CPU time of the whole JVM: server, the benchmark's HTTP clients, GC, JIT, broker. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static void fanOut(Api api, JdbcClient jdbc, String student, String topic) throws Exception {
    long t0 = System.nanoTime();
    jdbc.sql("""
            insert into device (id, device_class, student, domain, description, token_sha256, status)
            select 'bench-fan-' || g, 'bench-fan', ?, 'bench',
              jsonb_build_object('deviceClass', 'bench-fan', 'student', ?, 'precisions', jsonb_build_array('INT8'),
                'ramBytes', 1000000, 'flashBytes', 4000000, 'macsPerSecond', 100000000),
              sha256(convert_to(? || g, 'UTF8')), 'ACTIVE'
            from generate_series(1, ?) g""")
        .params(student, student, UUID.randomUUID().toString(), DEVICES).update();
    log("fan-out: %d devices inserted in %.1f s; %d runs (+1 warm-up run)", DEVICES, (System.nanoTime() - t0) / 1e9, RUNS);
    EventDeserializer<DesiredState> deserializer = new EventDeserializer<>(DesiredState.class);
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrap(),
        ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(),
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic)) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      consumer.assign(partitions);
      double[] total = new double[RUNS];
      double[] call = new double[RUNS];
      for (int run = -1; run < RUNS; run++) {
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        int version = (run & 1) == 0 ? 1 : 2;
        long start = System.nanoTime();
        Api.Response response = api.post("/api/v1/rollouts", Api.OPERATOR,
            Map.of("bundle", "bench-bundle:" + version, "cohort", Map.of("deviceClass", "bench-fan")));
        long answered = System.nanoTime();
        if (response.status() != 201 || response.json().get("deviceCount").asInt() != DEVICES) {
          throw new IllegalStateException("rollout answered " + response);
        }
        int seen = 0;
        while (seen < DEVICES) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            DesiredState state = deserializer.deserialize(r.topic(), r.headers(), r.value());
            if (state != null && state.bundle().version() == version && state.deviceId().startsWith("bench-fan-")) {
              seen++;
            }
          }
          if (System.nanoTime() - start > Duration.ofSeconds(120).toNanos()) {
            throw new IllegalStateException("only " + seen + " of " + DEVICES + " desired states arrived in 120 s");
          }
        }
        long done = System.nanoTime();
        if (run >= 0) {
          call[run] = (answered - start) / 1e6;
          total[run] = (done - start) / 1e6;
          log("fan-out run %d: API call %.0f ms, all %d records in Kafka after %.0f ms", run + 1, call[run], DEVICES, total[run]);
        }
      }
      log("RESULT fan-out %d devices: median API call %.0f ms, median until all in Kafka %.0f ms (goal <= 10000 ms)",
          DEVICES, median(call), median(total));
    }
  }

  private static double percentile(long[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }

  private static double median(double[] values) {
    double[] copy = values.clone();
    Arrays.sort(copy);
    int n = copy.length;
    return n % 2 == 1 ? copy[n / 2] : (copy[n / 2 - 1] + copy[n / 2]) / 2;
  }

  private static void log(String format, Object... args) {
    System.out.println("[registry-bench] " + String.format(Locale.ROOT, format, args));
  }
}
