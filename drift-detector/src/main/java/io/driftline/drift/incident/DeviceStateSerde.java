package io.driftline.drift.incident;

import io.driftline.core.events.BundleRef;
import io.driftline.core.events.DriftIncident;
import io.driftline.core.hdc.Hypervector;
import io.driftline.drift.config.DriftProperties;
import io.driftline.drift.detect.PageHinkley;
import io.driftline.drift.detect.Statistic;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

/**
 * The state-store format of {@link DeviceState}: a versioned binary layout (big-endian numbers,
 * strings as a 16-bit length and UTF-8), written and read with one {@link ByteBuffer} because the
 * state is read and written for every window. A state written with another {@code history-windows} setting is read
 * into the current one, keeping the newest windows.
 */
public final class DeviceStateSerde implements Serde<DeviceState> {

  private static final int VERSION = 1;
  private static final Statistic[] STATISTICS = Statistic.values();
  private static final DriftIncident.State[] STATES = DriftIncident.State.values();

  private final DeviceMonitor monitor;

  /** Creates the serde; states are read into the shape the given settings ask for. */
  public DeviceStateSerde(DriftProperties properties) {
    this.monitor = new DeviceMonitor(properties);
  }

  @Override
  public Serializer<DeviceState> serializer() {
    return (topic, state) -> state == null ? null : write(state);
  }

  @Override
  public Deserializer<DeviceState> deserializer() {
    return (topic, bytes) -> bytes == null ? null : read(bytes);
  }

  /** Writes {@code state}. */
  public byte[] write(DeviceState state) {
    Out out = new Out(512 + state.size * 32);
    {
      out.putByte(VERSION);
      out.putString(state.deviceId);
      out.putLong(state.lastSeq);
      out.putShort(state.size);
      for (int i = 0; i < state.size; i++) {
        out.putLong(state.seqAt(i));
        for (int s = 0; s < DeviceState.STATS; s++) {
          out.putDouble(state.valueAt(s, i));
        }
      }
      out.putLong(state.regimeStartSeq);
      out.putInt(state.baseCount);
      writeDoubles(out, state.baseMean);
      writeDoubles(out, state.baseM2);
      out.putBoolean(state.homeSet);
      writeDoubles(out, state.homeMean);
      writeDoubles(out, state.homeStd);
      for (int s = 0; s < DeviceState.STATS; s++) {
        PageHinkley ph = state.pageHinkley[s];
        out.putLong(ph.count());
        out.putDouble(ph.mean());
        out.putDouble(ph.up());
        out.putDouble(ph.minUp());
        out.putLong(ph.minUpAt());
        out.putDouble(ph.down());
        out.putDouble(ph.maxDown());
        out.putLong(ph.maxDownAt());
        out.putShort(state.adwinLength[s]);
        out.putString(state.pendingDetector[s]);
        out.putDouble(state.pendingValue[s]);
        out.putLong(state.pendingChangeSeq[s]);
        out.putLong(state.pendingAlarmSeq[s]);
      }
      writeSignature(out, state.lastSignature);
      writeBundle(out, state.lastBundle);
      out.putShort(state.incidents.size());
      for (OpenIncident incident : state.incidents) {
        out.putString(incident.incidentId);
        out.putByte(incident.state.ordinal());
        out.putString(incident.detector);
        out.putByte(incident.statistic.ordinal());
        out.putDouble(incident.openingValue);
        out.putLong(incident.openedAt.getEpochSecond());
        out.putInt(incident.openedAt.getNano());
        out.putLong(incident.firstWindowSeq);
        out.putLong(incident.openWindowSeq);
        writeSignature(out, incident.signature);
        writeBundle(out, incident.bundleAtOpen);
        out.putDouble(incident.level);
        out.putLong(incident.bundleActiveSince);
        out.putInt(incident.recoveryStreak);
      }
    }
    return out.bytes();
  }

  /** Reads a state written by {@link #write}. */
  public DeviceState read(byte[] bytes) {
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      int version = (in.get() & 0xFF);
      if (version != VERSION) {
        throw new SerializationException("device state version " + version + " is not " + VERSION);
      }
      DeviceState state = monitor.newState(readString(in));
      state.lastSeq = in.getLong();
      int size = (in.getShort() & 0xFFFF);
      double[] stats = new double[DeviceState.STATS];
      for (int i = 0; i < size; i++) {
        long seq = in.getLong();
        for (int s = 0; s < DeviceState.STATS; s++) {
          stats[s] = in.getDouble();
        }
        state.append(seq, stats);
      }
      state.regimeStartSeq = in.getLong();
      state.baseCount = in.getInt();
      readDoubles(in, state.baseMean);
      readDoubles(in, state.baseM2);
      state.homeSet = (in.get() != 0);
      readDoubles(in, state.homeMean);
      readDoubles(in, state.homeStd);
      for (int s = 0; s < DeviceState.STATS; s++) {
        state.pageHinkley[s].restore(in.getLong(), in.getDouble(), in.getDouble(), in.getDouble(),
            in.getLong(), in.getDouble(), in.getDouble(), in.getLong());
        state.adwinLength[s] = Math.min((in.getShort() & 0xFFFF), state.size);
        state.pendingDetector[s] = readString(in);
        state.pendingValue[s] = in.getDouble();
        state.pendingChangeSeq[s] = in.getLong();
        state.pendingAlarmSeq[s] = in.getLong();
      }
      state.lastSignature = readSignature(in);
      state.lastBundle = readBundle(in);
      int incidents = (in.getShort() & 0xFFFF);
      for (int i = 0; i < incidents; i++) {
        String id = readString(in);
        DriftIncident.State incidentState = STATES[(in.get() & 0xFF)];
        String detector = readString(in);
        Statistic statistic = STATISTICS[(in.get() & 0xFF)];
        double openingValue = in.getDouble();
        Instant openedAt = Instant.ofEpochSecond(in.getLong(), in.getInt());
        long first = in.getLong();
        long openSeq = in.getLong();
        Hypervector signature = readSignature(in);
        BundleRef bundle = readBundle(in);
        state.incidents.add(new OpenIncident(id, incidentState, detector, statistic, openingValue,
            openedAt, first, openSeq, signature, bundle, in.getDouble(), in.getLong(), in.getInt()));
      }
      return state;
    } catch (BufferUnderflowException | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      throw new SerializationException("unreadable device state (" + bytes.length + " bytes): " + e, e);
    }
  }

  private static void writeDoubles(Out out, double[] values) {
    for (double v : values) {
      out.putDouble(v);
    }
  }

  private static void readDoubles(ByteBuffer in, double[] values) {
    for (int i = 0; i < values.length; i++) {
      values[i] = in.getDouble();
    }
  }

  private static String readString(ByteBuffer in) {
    byte[] utf8 = new byte[in.getShort() & 0xFFFF];
    in.get(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  private static void writeSignature(Out out, @Nullable Hypervector signature) {
    if (signature == null) {
      out.putInt(0);
      return;
    }
    out.putInt(signature.dimension());
    for (int i = 0; i < signature.wordCount(); i++) {
      out.putLong(signature.word(i));
    }
  }

  private static @Nullable Hypervector readSignature(ByteBuffer in) {
    int dimension = in.getInt();
    if (dimension == 0) {
      return null;
    }
    if (dimension < 0 || dimension > Hypervector.MAX_DIMENSION) {
      throw new IllegalArgumentException("signature dimension " + dimension);
    }
    long[] words = new long[Hypervector.wordsFor(dimension)];
    for (int i = 0; i < words.length; i++) {
      words[i] = in.getLong();
    }
    return new Hypervector(dimension, words);
  }

  private static void writeBundle(Out out, @Nullable BundleRef bundle) {
    out.putBoolean(bundle != null);
    if (bundle != null) {
      out.putString(bundle.bundleId());
      out.putLong(bundle.version());
    }
  }

  private static @Nullable BundleRef readBundle(ByteBuffer in) {
    return in.get() != 0 ? new BundleRef(readString(in), in.getLong()) : null;
  }

  /** A growable big-endian buffer. */
  private static final class Out {
    private ByteBuffer buffer;

    Out(int capacity) {
      buffer = ByteBuffer.allocate(capacity);
    }

    private ByteBuffer room(int bytes) {
      if (buffer.remaining() < bytes) {
        buffer = ByteBuffer.wrap(Arrays.copyOf(buffer.array(), Math.max(2 * buffer.capacity(), buffer.position() + bytes)))
            .position(buffer.position());
      }
      return buffer;
    }

    void putByte(int v) {
      room(1).put((byte) v);
    }

    void putBoolean(boolean v) {
      putByte(v ? 1 : 0);
    }

    void putShort(int v) {
      room(2).putShort((short) v);
    }

    void putInt(int v) {
      room(4).putInt(v);
    }

    void putLong(long v) {
      room(8).putLong(v);
    }

    void putDouble(double v) {
      room(8).putDouble(v);
    }

    void putString(String v) {
      byte[] utf8 = v.getBytes(StandardCharsets.UTF_8);
      putShort(utf8.length);
      room(utf8.length).put(utf8);
    }

    byte[] bytes() {
      return Arrays.copyOf(buffer.array(), buffer.position());
    }
  }
}
