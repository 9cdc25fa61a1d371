package io.driftline.catalog.bench;

import io.driftline.catalog.SemanticCatalogApplication;
import io.driftline.catalog.graph.Catalog;
import io.driftline.catalog.graph.CatalogStore;
import io.driftline.catalog.graph.DescriptionMapper;
import io.driftline.catalog.match.ArtefactProfile;
import io.driftline.catalog.match.CapabilityIndex;
import io.driftline.catalog.match.DeviceProfile;
import io.driftline.catalog.match.Matchmaker;
import io.driftline.catalog.shapes.ShapeValidator;
import io.driftline.catalog.sync.CatalogRebuild;
import io.driftline.catalog.vocab.DL;
import io.driftline.catalog.vocab.Iris;
import io.driftline.catalog.vocab.W3C;
import io.driftline.core.events.DriftlineEvent;
import io.driftline.core.events.EventSerializer;
import io.driftline.core.events.RegistryEvent;
import io.driftline.testsupport.KafkaTestBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.IntConsumer;
import org.apache.jena.datatypes.xsd.XSDDatatype;
import org.apache.jena.query.ParameterizedSparqlString;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QuerySolutionMap;
import org.apache.jena.query.ResultSet;
import org.apache.jena.rdf.model.ResourceFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The catalog benchmark (docs/performance.md): a full rebuild of a synthetic fleet from a real
 * {@code registry.events} topic into a fresh TDB2 dataset, then matchmaking latency both ways over
 * the capability index, with a pure-SPARQL artefact-to-devices query as the baseline, and how long
 * the service itself (its batch listener) takes to catch up on the same topic from an empty dataset. Each figure is
 * the median over {@code runs} repeated runs.
 *
 * <p>Not part of the suite (disabled unless {@code catalog.bench=true}); run it with
 * {@code ./mvnw -B -q -pl semantic-catalog -am verify -Dsurefire.failIfNoSpecifiedTests=false -Dtest=CatalogBenchmark -Dcatalog.bench=true}.
 * System properties: {@code catalog.bench.devices} (10000), {@code catalog.bench.artefacts} (1000),
 * {@code catalog.bench.runs} (5), {@code catalog.bench.queries} (2000 per run and direction).
 */
@EnabledIfSystemProperty(named = "catalog.bench", matches = "true",
    disabledReason = "a benchmark: run it with -Dcatalog.bench=true -Dtest=CatalogBenchmark")
class CatalogBenchmark {

  private static final double FPS = 10;

  @Test
  void run() throws Exception {
    int devices = Integer.getInteger("catalog.bench.devices", 10_000);
    int artefacts = Integer.getInteger("catalog.bench.artefacts", 1_000);
    int runs = Integer.getInteger("catalog.bench.runs", 5);
    int queries = Integer.getInteger("catalog.bench.queries", 2_000);
    StringBuilder report = new StringBuilder();
    line(report, "catalog benchmark: %,d devices x %,d artefacts, %d runs, %,d queries per run and direction, "
        + "%d cores, Java %s", devices, artefacts, runs, queries, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));

    KafkaTestBroker kafka = KafkaTestBroker.shared();
    String topic = "registry.events.bench-" + UUID.randomUUID();
    List<RegistryEvent> events = new ArrayList<>(SyntheticFleet.artefacts(artefacts, 1));
    events.addAll(SyntheticFleet.devices(devices, 2));
    publish(kafka, topic, events);

    Path root = Files.createTempDirectory("catalog-bench-");
    double[] rebuildSeconds = new double[runs];
    CatalogStore store = null;
    for (int r = 0; r < runs; r++) {
      if (store != null) {
        store.close();
      }
      store = new CatalogStore(root.resolve("run-" + r));
      Catalog catalog = new Catalog(store, new DescriptionMapper(), new ShapeValidator());
      CatalogRebuild.Summary summary = new CatalogRebuild(kafka.bootstrapServers(), topic).run(catalog);
      if (summary.applied() != events.size()) {
        throw new IllegalStateException("rebuild applied " + summary.applied() + " of " + events.size()
            + " events: " + summary.rejected().stream().limit(3).toList());
      }
      rebuildSeconds[r] = summary.elapsed().toNanos() / 1e9;
    }
    line(report, "rebuild from the event log (%,d events, one TDB2 transaction per poll of <= 2,000): "
        + "median %.1f s (runs: %s)", events.size(), median(rebuildSeconds), format(rebuildSeconds, "%.1f"));

    int liveRuns = Math.min(runs, 3);
    double[] liveSeconds = new double[liveRuns];
    for (int r = 0; r < liveRuns; r++) {
      liveSeconds[r] = liveCatchUp(kafka, topic, root.resolve("live-" + r), devices, artefacts);
    }
    line(report, "live consumer catching up from the start of the topic (the service, batch listener, "
        + "from application ready): median %.1f s (runs: %s)", median(liveSeconds), format(liveSeconds, "%.1f"));

    long loadStart = System.nanoTime();
    CapabilityIndex index = new CapabilityIndex(store);
    line(report, "capability index loaded from TDB2 in %.2f s", (System.nanoTime() - loadStart) / 1e9);
    Matchmaker matchmaker = new Matchmaker(index, FPS);
    List<ArtefactProfile> artefactList = new ArrayList<>(index.artefacts());
    artefactList.sort(Comparator.comparing(a -> a.ref().toString()));
    List<DeviceProfile> deviceList = new ArrayList<>(index.devices());

    SplittableRandom random = new SplittableRandom(3);
    long matched = 0;
    IntConsumer artefactQuery = i -> matchmaker.devicesFor(artefactList.get(i % artefactList.size()).ref(), 100);
    IntConsumer deviceQuery = i -> matchmaker.fitFor(deviceList.get(i % deviceList.size()).deviceId());
    // Warm-up: let the JIT compile the scan.
    time(artefactQuery, 3_000, random);
    time(deviceQuery, 3_000, random);
    for (int i = 0; i < artefactList.size(); i++) {
      matched += matchmaker.devicesFor(artefactList.get(i).ref(), 0).deviceCount();
    }
    line(report, "matches: %.1f devices per artefact on average", matched / (double) artefactList.size());

    double[][] a = new double[2][runs];
    double[][] d = new double[2][runs];
    for (int r = 0; r < runs; r++) {
      double[] at = time(artefactQuery, queries, random);
      double[] dt = time(deviceQuery, queries, random);
      a[0][r] = percentile(at, 50);
      a[1][r] = percentile(at, 99);
      d[0][r] = percentile(dt, 50);
      d[1][r] = percentile(dt, 99);
    }
    line(report, "artefact -> devices (index): p50 %.3f ms, p99 %.3f ms (run p50s %s; p99s %s)",
        median(a[0]), median(a[1]), format(a[0], "%.3f"), format(a[1], "%.3f"));
    line(report, "device -> students + budgets (index): p50 %.3f ms, p99 %.3f ms (run p50s %s; p99s %s)",
        median(d[0]), median(d[1]), format(d[0], "%.3f"), format(d[1], "%.3f"));
    double[] inventory = time(i -> matchmaker.inventory(), 200, random);
    line(report, "fleet inventory (index): p50 %.3f ms", percentile(inventory, 50));

    List<ArtefactProfile> bundles = artefactList.stream().filter(ArtefactProfile::isBundle).toList();
    CatalogStore sparqlStore = store;
    IntConsumer sparqlQuery = i -> sparqlDevicesFor(sparqlStore, index, bundles.get(i % bundles.size()));
    time(sparqlQuery, 10, random);
    double[] sp = new double[runs];
    double[] sp99 = new double[runs];
    for (int r = 0; r < runs; r++) {
      double[] t = time(sparqlQuery, 40, random);
      sp[r] = percentile(t, 50);
      sp99[r] = percentile(t, 99);
    }
    line(report, "baseline, artefact -> devices as one SPARQL query on TDB2: p50 %.1f ms, p99 %.1f ms "
        + "(run p50s %s); index is %.0fx faster at p50", median(sp), median(sp99), format(sp, "%.1f"),
        median(sp) / median(a[0]));
    int check = sparqlDevicesFor(store, index, bundles.get(0));
    int expected = matchmaker.devicesFor(bundles.get(0).ref(), 0).deviceCount();
    line(report, "check: SPARQL and index agree on %s: %d vs %d devices", bundles.get(0).ref(), check, expected);

    store.close();
    deleteTree(root);
    Path out = Path.of("target", "catalog-benchmark.txt");
    Files.writeString(out, report.toString());
    System.out.println(report);
  }

  /** Starts the catalog service on an empty dataset and times how long it takes to apply the whole topic. */
  private static double liveCatchUp(KafkaTestBroker kafka, String topic, Path dataset, int devices, int artefacts)
      throws InterruptedException {
    // Command-line arguments, because they override application.yml (builder properties would not).
    try (ConfigurableApplicationContext service = new SpringApplicationBuilder(SemanticCatalogApplication.class)
        .run("--server.port=0",
            "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
            "--driftline.catalog.dataset=" + dataset,
            "--driftline.catalog.events.topic=" + topic,
            "--driftline.catalog.events.group-id=bench-" + UUID.randomUUID(),
            "--logging.level.io.driftline.catalog.graph.Catalog=WARN")) {
      long start = System.nanoTime();
      CapabilityIndex index = service.getBean(CapabilityIndex.class);
      while (index.devices().size() < devices || index.artefacts().size() < artefacts) {
        if (System.nanoTime() - start > 600_000_000_000L) {
          throw new IllegalStateException("the service did not catch up within 10 minutes: "
              + index.devices().size() + " devices, " + index.artefacts().size() + " versions");
        }
        Thread.sleep(20);
      }
      return (System.nanoTime() - start) / 1e9;
    }
  }

  /** Artefact -> devices for a bundle as one SPARQL query with numeric filters, values bound. */
  private static int sparqlDevicesFor(CatalogStore store, CapabilityIndex index, ArtefactProfile bundle) {
    ArtefactProfile student = index.artefact(bundle.student());
    ParameterizedSparqlString pss = new ParameterizedSparqlString("""
        SELECT ?id WHERE {
          ?d dl:runsStudent ?student ; dl:deviceId ?id ; ssys:hasSystemCapability ?cap .
          ?cap dl:supportsPrecision ?precision ; dl:ramBytes ?ram ; dl:flashBytes ?flash ; dl:macsPerSecond ?mps .
          FILTER NOT EXISTS { ?d dl:revoked true }
          FILTER(?ram >= ?need && ?flash - ?studentBytes >= ?need && FLOOR(?mps / ?fps) - ?studentMacs >= ?macs)
        }""");
    pss.setNsPrefix("dl", DL.NS);
    pss.setNsPrefix("ssys", W3C.SSN_SYSTEM);
    QuerySolutionMap values = new QuerySolutionMap();
    values.add("student", ResourceFactory.createResource(Iris.version(bundle.student())));
    values.add("precision", DL.precision(bundle.requiredPrecision().name()));
    values.add("need", ResourceFactory.createTypedLiteral(String.valueOf(bundle.adaptorBytes()), XSDDatatype.XSDlong));
    values.add("macs", ResourceFactory.createTypedLiteral(String.valueOf(bundle.macs()), XSDDatatype.XSDlong));
    values.add("studentBytes", ResourceFactory.createTypedLiteral(String.valueOf(student.sizeBytes()), XSDDatatype.XSDlong));
    values.add("studentMacs", ResourceFactory.createTypedLiteral(String.valueOf(student.macs()), XSDDatatype.XSDlong));
    values.add("fps", ResourceFactory.createTypedLiteral(String.valueOf((long) FPS), XSDDatatype.XSDlong));
    return store.read(() -> {
      try (QueryExecution execution = QueryExecution.dataset(store.dataset()).query(pss.asQuery())
          .substitution(values).build()) {
        ResultSet results = execution.execSelect();
        int count = 0;
        while (results.hasNext()) {
          results.next();
          count++;
        }
        return count;
      }
    });
  }

  private static double[] time(IntConsumer query, int count, SplittableRandom random) {
    double[] millis = new double[count];
    for (int i = 0; i < count; i++) {
      int pick = random.nextInt(Integer.MAX_VALUE);
      long start = System.nanoTime();
      query.accept(pick);
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    return millis;
  }

  private static void publish(KafkaTestBroker kafka, String topic, List<RegistryEvent> events) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
    }
    try (KafkaProducer<String, DriftlineEvent> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 20),
        new StringSerializer(), new EventSerializer<>())) {
      List<java.util.concurrent.Future<?>> sent = new ArrayList<>(events.size());
      for (RegistryEvent event : events) {
        sent.add(producer.send(new ProducerRecord<>(topic, event.key(), event)));
      }
      producer.flush();
      for (java.util.concurrent.Future<?> future : sent) {
        future.get();
      }
    }
  }

  private static double percentile(double[] values, int p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static double median(double[] values) {
    return percentile(values, 50);
  }

  private static String format(double[] values, String pattern) {
    return String.join(", ", Arrays.stream(values).mapToObj(v -> String.format(pattern, v)).toList());
  }

  private static void line(StringBuilder report, String pattern, Object... args) {
    String text = String.format(pattern, args);
    report.append(text).append('\n');
    System.out.println(text);
  }

  private static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
