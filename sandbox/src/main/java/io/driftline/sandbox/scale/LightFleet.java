package io.driftline.sandbox.scale;

import io.driftline.agent.config.AgentProperties;
import io.driftline.agent.pipeline.FramePipeline;
import io.driftline.agent.pipeline.SnapshotFactory;
import io.driftline.agent.update.BundleStore;
import io.driftline.agent.update.BundleUpdater;
import io.driftline.agent.update.DeviceIdentity;
import io.driftline.agent.update.RegistryClient;
import io.driftline.agent.upload.WindowUploader;
import io.driftline.core.events.DesiredState;
import io.driftline.core.events.DeviceSample;
import io.driftline.core.events.EventDeserializer;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.core.events.Topics;
import io.driftline.core.model.StudentModel;
import io.driftline.core.sampling.SamplingPolicy;
import io.driftline.sandbox.DeviceClass;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A fleet of {@link LightDevice}s in this JVM. What a real fleet does per device and this one
 * shares, to fit a thousand devices into one process: one Kafka producer (a {@link GatewaySender})
 * per {@value #DEVICES_PER_SENDER} devices, one consumer of
 * {@code fleet.desired-state} for all devices (the agent's watcher reads one partition per device)
 * handing each record to its device on a pool of {@value #UPDATE_THREADS} update threads, one ONNX session per student (only to
 * build each device's pipeline, never run), and {@value #TICK_THREADS} threads that play the due
 * frames of every device each {@value #TICK_MILLIS} ms.
 */
final class LightFleet implements AutoCloseable {

  static final int DEVICES_PER_SENDER = 100;
  static final int TICK_THREADS = 2;
  static final long TICK_MILLIS = 50;
  static final int HDC_DIMENSION = 1024;
  /** Devices applying a desired state at the same time (download, verify, install, report). */
  static final int UPDATE_THREADS = 16;

  private final ScaleSystem system;
  private final int windowFrames;
  private final Map<String, Double> fps;
  private final List<LightDevice> devices = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, LightDevice> byId = new ConcurrentHashMap<>();
  private final List<GatewaySender> senders = new ArrayList<>();
  private final Map<String, StudentModel> students = new ConcurrentHashMap<>();
  private final Map<String, FrameStats> stats = new ConcurrentHashMap<>();
  private final ScheduledExecutorService ticker = Executors.newScheduledThreadPool(TICK_THREADS, named("scale-tick"));
  private final ExecutorService updates = Executors.newFixedThreadPool(UPDATE_THREADS, named("scale-update"));
  private final Map<String, DesiredState> pendingUpdates = new ConcurrentHashMap<>();
  private final Set<String> scheduledUpdates = ConcurrentHashMap.newKeySet();
  private final AtomicLong maxLateMicros = new AtomicLong();
  private final AtomicLong desiredRecords = new AtomicLong();
  private final RegistryClient registry;
  private volatile boolean running = true;
  private final Thread hub;
  private volatile boolean hubCaughtUp;

  LightFleet(ScaleSystem system, int windowFrames, Map<String, Double> fps) {
    this.system = system;
    this.windowFrames = windowFrames;
    this.fps = fps;
    this.registry = new RegistryClient(system.registryUrl(), Duration.ofSeconds(30));
    this.hub = new Thread(this::followDesiredStates, "scale-desired-state");
    hub.setDaemon(true);
  }

  private static java.util.concurrent.ThreadFactory named(String prefix) {
    AtomicLong n = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Computes every (student, stream) pair's frame results once with the real student; returns the frames computed. */
  long precompute() throws InterruptedException {
    long frames = 0;
    for (DeviceClass c : DeviceClass.ALL) {
      StudentModel student = students.computeIfAbsent(c.student(),
          s -> StudentModel.builder().setModel(system.models().resolve(s + ".onnx")).build());
      for (String stream : system.streams()) {
        String key = c.student() + "/" + stream;
        // the student's results do not depend on the class (ramBytes only bounds adaptors), so mcu,
        // camera and gateway devices on the same student and stream share them
        if (!stats.containsKey(key)) {
          FrameStats s = FrameStats.compute(student, system.stream().apply(stream), HDC_DIMENSION, c.ramBytes(),
              10 * windowFrames);
          stats.put(key, s);
          frames += s.length();
        }
      }
    }
    return frames;
  }

  /** Enrols devices {@code from} (inclusive) to {@code to} (exclusive) over REST, {@code parallel} at a time. */
  void enrol(int from, int to, int parallel) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(parallel, named("scale-enrol"));
    try {
      List<Future<LightDevice>> futures = new ArrayList<>();
      for (int i = from; i < to; i++) {
        int index = i;
        futures.add(pool.submit(() -> create(index)));
      }
      for (Future<LightDevice> f : futures) {
        LightDevice d = f.get();
        devices.add(d);
        byId.put(d.deviceId(), d);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private LightDevice create(int index) {
    DeviceClass c = DeviceClass.of(index);
    List<String> streams = system.streams();
    String stream = streams.get(index % streams.size());
    String name = stream + "-" + (index / streams.size() + 1);
    double rate = fps.getOrDefault(c.name(), 10.0);
    String studentRef = c.student() + ":1";
    Path model = system.models().resolve(c.student() + ".onnx");
    Path dataDir = system.out().resolve("devices").resolve(name);
    AgentProperties config = c.agentConfig(name, studentRef, model, dataDir, system.kafka(), system.registryUrl(),
        system.adminToken(), rate, windowFrames);
    StudentModel student = students.get(c.student());
    DeviceIdentity identity = DeviceIdentity.loadOrEnrol(config, registry, student.inputShape());
    SnapshotFactory snapshots = new SnapshotFactory(student.featureDimension(), HDC_DIMENSION,
        config.hdc().routingThreshold(), config.memoryBudgetBytes());
    FramePipeline pipeline = new FramePipeline(student, snapshots.bare(), config.hdc().oodWarmupFrames());
    String token = java.util.Objects.requireNonNull(identity.token());
    LightDevice[] self = new LightDevice[1];
    BundleUpdater updater = new BundleUpdater(identity.deviceId(), java.util.Objects.requireNonNull(identity.registryKey()),
        new BundleStore(dataDir), snapshots, pipeline, url -> registry.download(url, token),
        (active, health) -> {
          registry.report(identity.deviceId(), token, active, health);
          self[0].noteReported(active, System.nanoTime());
        });
    GatewaySender sender = sender(index / DEVICES_PER_SENDER);
    AgentProperties.Upload u = config.upload();
    SamplingPolicy policy = u.samplingPolicy();
    String deviceId = identity.deviceId();
    WindowUploader uploader = new WindowUploader(deviceId, studentRef, u.windowFrames(), rate, u.includeFeatures(),
        policy, student.numClasses(), new WindowUploader.Sink() {
          @Override
          public void sample(DeviceSample sample) {
            sender.send(Topics.DEVICE_SAMPLES, deviceId, sample);
          }

          @Override
          public void telemetry(TelemetryWindow window) {
            sender.send(Topics.DEVICE_TELEMETRY, deviceId, window);
          }

          @Override
          public long takeBufferDrops() {
            return 0; // no offline queue: nothing is dropped for lack of space
          }
        }, System::currentTimeMillis);
    LightDevice device = new LightDevice(index, name, c, studentRef, rate, identity,
        stats.get(c.student() + "/" + stream), pipeline, updater, uploader);
    self[0] = device;
    return device;
  }

  private synchronized GatewaySender sender(int shard) {
    while (senders.size() <= shard) {
      int k = senders.size();
      senders.add(new GatewaySender(system.kafka(), "scale-sender-" + k));
    }
    return senders.get(shard);
  }

  /** Starts following desired states and playing frames, each device's clock at a random moment within {@code spreadSeconds}. */
  void start(double spreadSeconds) {
    hub.start();
    List<LightDevice> all = devices();
    long now = System.nanoTime();
    for (LightDevice d : all) {
      // spread the starts so a thousand devices do not close their windows in lockstep
      d.startAt(now + (long) (new SplittableRandom(d.index).nextDouble() * spreadSeconds * 1e9));
    }
    int shards = Math.max(1, (all.size() + DEVICES_PER_SENDER - 1) / DEVICES_PER_SENDER);
    for (int s = 0; s < shards; s++) {
      List<LightDevice> shard = all.subList(s * all.size() / shards, (s + 1) * all.size() / shards);
      ticker.scheduleAtFixedRate(() -> tick(shard), s * TICK_MILLIS / shards, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private void tick(List<LightDevice> shard) {
    long now = System.nanoTime();
    double late = 0;
    for (LightDevice d : shard) {
      try {
        late = Math.max(late, d.advance(now));
      } catch (RuntimeException e) {
        system.say().accept("device " + d.name + " frame tick failed: " + e);
      }
    }
    long micros = (long) (late * 1e6);
    maxLateMicros.accumulateAndGet(micros, Math::max);
  }

  private void followDesiredStates() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafka());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "scale-desired-state");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    EventDeserializer<DesiredState> deserializer = new EventDeserializer<>(DesiredState.class);
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.FLEET_DESIRED_STATE, Duration.ofSeconds(30))
          .stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          LightDevice d = r.key() == null ? null : byId.get(r.key());
          if (d == null || r.value() == null) {
            continue;
          }
          DesiredState state;
          try {
            state = deserializer.deserialize(r.topic(), r.headers(), r.value());
          } catch (RuntimeException e) {
            continue; // the agent's watcher skips unreadable records the same way
          }
          if (state == null || !state.deviceId().equals(d.deviceId())) {
            continue; // as the agent's watcher: a desired state must name the device of its key
          }
          desiredRecords.incrementAndGet();
          d.noteDesired(state, System.nanoTime());
          pendingUpdates.put(d.deviceId(), state);
          if (scheduledUpdates.add(d.deviceId())) {
            updates.submit(() -> {
              scheduledUpdates.remove(d.deviceId());
              DesiredState latest = pendingUpdates.remove(d.deviceId());
              if (latest != null) {
                d.apply(latest);
              }
            });
          }
        }
        if (!hubCaughtUp && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
          hubCaughtUp = true;
        }
      }
    } catch (org.apache.kafka.common.errors.InterruptException | org.apache.kafka.common.errors.WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      system.say().accept("desired-state follower stopped: " + e);
    }
  }

  List<LightDevice> devices() {
    synchronized (devices) {
      return List.copyOf(devices);
    }
  }

  /** The latest any frame was played since the last call, in seconds after it was due. */
  double maxLateSeconds() {
    return maxLateMicros.getAndSet(0) / 1e6;
  }

  boolean desiredStatesCaughtUp() {
    return hubCaughtUp;
  }

  long desiredRecords() {
    return desiredRecords.get();
  }

  /** Records of {@code topic} the senders delivered and those that failed. */
  long[] senderCounts(String topic) {
    long delivered = 0;
    long failed = 0;
    synchronized (this) {
      for (GatewaySender s : senders) {
        delivered += s.delivered(topic);
        failed += s.failed(topic);
      }
    }
    return new long[] {delivered, failed};
  }

  int senderCount() {
    synchronized (this) {
      return senders.size();
    }
  }

  /** Stops the frame ticks and flushes the senders, so their delivered counts are final. */
  void stopPlaying() throws InterruptedException {
    ticker.shutdownNow();
    ticker.awaitTermination(5, TimeUnit.SECONDS);
    synchronized (this) {
      for (GatewaySender s : senders) {
        s.flush();
      }
    }
  }

  @Override
  public void close() {
    running = false;
    ticker.shutdownNow();
    updates.shutdownNow();
    try {
      hub.join(5000);
      ticker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      senders.forEach(GatewaySender::close);
    }
    students.values().forEach(StudentModel::close);
  }
}
