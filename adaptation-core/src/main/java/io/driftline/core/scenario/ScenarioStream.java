package io.driftline.core.scenario;

import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.data.LabeledImages;
import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import io.driftline.core.random.SplitMix64;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * The frames one device sees in a scenario, in order. Every iteration replays the same frames: the
 * samples are drawn by a random generator seeded from the scenario seed and the device id, and each
 * corruption is {@link CorruptionFamily#apply} with that seed and the frame's index.
 *
 * <p>Samples are drawn without replacement from a shuffled order of the source (per class when the
 * segment shifts the label distribution), reshuffled when used up, so a stream shorter than its
 * source shows no image twice. Frames from a segment's own source are conformed to the shape of the
 * scenario's main data.
 */
public final class ScenarioStream implements Iterable<Frame> {

  private final @Nullable String deviceId;
  private final List<Segment> schedule;
  private final List<Plan> plans;
  private final int channels;
  private final int height;
  private final int width;
  private final long samplingSeed;
  private final long corruptionSeed;
  private final long length;

  private ScenarioStream(
      Scenario scenario, @Nullable String deviceId, LabeledImages main, SourceResolver resolver) {
    if (main.size() == 0) {
      throw new ScenarioException("source", "the data set " + main.source() + " is empty");
    }
    this.deviceId = deviceId;
    this.schedule = scenario.schedule(deviceId);
    Image template = main.image(0);
    this.channels = template.channels();
    this.height = template.height();
    this.width = template.width();
    int classCount = main.classNames().size();
    Map<String, Plan> byId = new HashMap<>();
    List<Plan> list = new ArrayList<>();
    for (Segment segment : schedule) {
      Plan plan = byId.get(segment.id());
      if (plan == null) {
        String path = "segments[" + scenario.indexOf(segment.id()) + "]";
        LabeledImages data = main;
        if (segment.source() != null) {
          data = resolver.resolve(segment.source(), main);
          if (data.classNames().size() > classCount) {
            throw new ScenarioException(path + ".source", segment.source().describe() + " has "
                + data.classNames().size() + " classes, more than the " + classCount + " of the scenario's data "
                + main.source() + "; its labels would not match");
          }
        }
        double[] probabilities = segment.labelShift() == null ? null
            : segment.labelShift().probabilities(classCount, path);
        plan = new Plan(segment, data, probabilities, path);
        byId.put(segment.id(), plan);
      }
      list.add(plan);
    }
    this.plans = List.copyOf(list);
    this.samplingSeed = mix(scenario.seed(), deviceId, 0x5A3C_9E1B_77D4_2F01L);
    this.corruptionSeed = mix(scenario.seed(), deviceId, 0);
    this.length = schedule.stream().mapToLong(Segment::length).sum();
    // Fail now rather than mid-stream when a shifted class has nothing to draw from.
    for (Plan plan : plans) {
      plan.checkClassesPresent();
    }
  }

  /** The stream of the segments in file order, as seen by no particular device. */
  public static ScenarioStream of(Scenario scenario, LabeledImages main) {
    return new ScenarioStream(scenario, null, main, SourceResolver.standard());
  }

  /** The stream of the segments in file order, resolving segments' own sources with {@code resolver}. */
  public static ScenarioStream of(Scenario scenario, LabeledImages main, SourceResolver resolver) {
    return new ScenarioStream(scenario, null, main, resolver);
  }

  /**
   * The stream one device sees, drawing clean frames from {@code main}.
   *
   * @throws ScenarioException if the device is not in the scenario or a segment cannot be served
   */
  public static ScenarioStream forDevice(Scenario scenario, String deviceId, LabeledImages main) {
    return new ScenarioStream(scenario, deviceId, main, SourceResolver.standard());
  }

  /** The stream one device sees, resolving segments' own sources with {@code resolver}. */
  public static ScenarioStream forDevice(
      Scenario scenario, String deviceId, LabeledImages main, SourceResolver resolver) {
    return new ScenarioStream(scenario, deviceId, main, resolver);
  }

  /** The stream one device sees, with the scenario's own source resolved by {@code resolver}. */
  public static ScenarioStream forDevice(Scenario scenario, String deviceId, SourceResolver resolver) {
    return new ScenarioStream(scenario, deviceId, resolver.resolve(scenario.source(), null), resolver);
  }

  /** The device this stream is for, or null for the default stream. */
  public @Nullable String deviceId() {
    return deviceId;
  }

  /** The segments of this stream, in order. */
  public List<Segment> schedule() {
    return schedule;
  }

  /** Number of frames. */
  public long length() {
    return length;
  }

  /** Returns a new iterator over all frames from the first. */
  @Override
  public Iterator<Frame> iterator() {
    return new FrameIterator();
  }

  /** Returns the frames as a sequential stream. */
  public Stream<Frame> stream() {
    return StreamSupport.stream(
        Spliterators.spliterator(iterator(), length, Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  private static long mix(long seed, @Nullable String deviceId, long salt) {
    long h = seed ^ salt;
    if (deviceId != null) {
      // FNV-1a over the UTF-8 bytes: stable across JVMs, unlike identity hashes.
      long fnv = 0xcbf29ce484222325L;
      for (byte b : deviceId.getBytes(StandardCharsets.UTF_8)) {
        fnv = (fnv ^ (b & 0xFF)) * 0x100000001b3L;
      }
      h ^= fnv;
    }
    return SplitMix64.mix(h);
  }

  /** A segment with its data and resolved label distribution. */
  private record Plan(Segment segment, LabeledImages data, double @Nullable [] probabilities, String path) {
    void checkClassesPresent() {
      if (probabilities == null) {
        return;
      }
      boolean[] present = new boolean[probabilities.length];
      for (int i = 0; i < data.size(); i++) {
        present[data.label(i)] = true;
      }
      for (int c = 0; c < probabilities.length; c++) {
        if (probabilities[c] > 0 && !present[c]) {
          throw new ScenarioException(path + (segment.labelShift().classes() != null ? ".classes" : ".classWeights"),
              "class " + c + " has a positive weight but no samples in " + data.source());
        }
      }
    }
  }

  /** Shuffled orders of one source, overall and per class, consumed without replacement. */
  private static final class Pool {
    private final LabeledImages data;
    private final Cycle all;
    private Cycle @Nullable [] byClass;

    Pool(LabeledImages data) {
      this.data = data;
      int[] indices = new int[data.size()];
      for (int i = 0; i < indices.length; i++) {
        indices[i] = i;
      }
      this.all = new Cycle(indices);
    }

    int draw(double @Nullable [] probabilities, SplittableRandom random) {
      if (probabilities == null) {
        return all.next(random);
      }
      Cycle[] cycles = byClass;
      if (cycles == null) {
        cycles = classCycles(probabilities.length);
        byClass = cycles;
      }
      double u = random.nextDouble();
      int c = 0;
      double cumulative = probabilities[0];
      while (u >= cumulative && c < probabilities.length - 1) {
        c++;
        cumulative += probabilities[c];
      }
      while (probabilities[c] == 0) {
        c--; // rounding put u past the last class with weight; step back to it
      }
      return cycles[c].next(random);
    }

    private Cycle[] classCycles(int classCount) {
      int[] counts = new int[classCount];
      for (int i = 0; i < data.size(); i++) {
        counts[data.label(i)]++;
      }
      int[][] members = new int[classCount][];
      for (int c = 0; c < classCount; c++) {
        members[c] = new int[counts[c]];
      }
      int[] fill = new int[classCount];
      for (int i = 0; i < data.size(); i++) {
        int c = data.label(i);
        members[c][fill[c]++] = i;
      }
      Cycle[] cycles = new Cycle[classCount];
      for (int c = 0; c < classCount; c++) {
        cycles[c] = new Cycle(members[c]);
      }
      return cycles;
    }
  }

  /** A list of indices visited in shuffled order, reshuffled after each pass. */
  private static final class Cycle {
    private final int[] order;
    private int cursor;

    Cycle(int[] order) {
      this.order = order;
      this.cursor = order.length;
    }

    int next(SplittableRandom random) {
      if (cursor == order.length) {
        for (int i = order.length - 1; i > 0; i--) {
          int j = random.nextInt(i + 1);
          int t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
        cursor = 0;
      }
      return order[cursor++];
    }
  }

  private final class FrameIterator implements Iterator<Frame> {
    private final SplittableRandom random = new SplittableRandom(samplingSeed);
    private final Map<LabeledImages, Pool> pools = new IdentityHashMap<>();
    private int position;
    private int withinSegment;
    private long index;

    @Override
    public boolean hasNext() {
      return index < length;
    }

    @Override
    public Frame next() {
      if (!hasNext()) {
        throw new NoSuchElementException("the stream has " + length + " frames");
      }
      Plan plan = plans.get(position);
      int transition = plan.segment().transition();
      if (withinSegment < transition && position > 0) {
        double fromNew = (withinSegment + 1.0) / (transition + 1.0);
        if (random.nextDouble() >= fromNew) {
          plan = plans.get(position - 1);
        }
      }
      Frame frame = render(plan);
      index++;
      if (++withinSegment == plans.get(position).segment().length()) {
        position++;
        withinSegment = 0;
      }
      return frame;
    }

    private Frame render(Plan plan) {
      Pool pool = pools.computeIfAbsent(plan.data(), Pool::new);
      int sample = pool.draw(plan.probabilities(), random);
      Image image = ImageOps.conform(plan.data().image(sample), channels, height, width);
      Segment segment = plan.segment();
      if (segment.family() != null) {
        image = segment.family().apply(image, segment.severity(), corruptionSeed, index);
      }
      return new Frame(image, plan.data().label(sample), segment.domainTag(), index);
    }
  }
}
