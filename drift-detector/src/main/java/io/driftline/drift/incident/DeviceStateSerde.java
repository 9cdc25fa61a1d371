package io.driftline.drift.incident;

import io.driftline.core.events.BundleRef;
import io.driftline.core.events.DriftIncident;
import io.driftline.core.hdc.Hypervector;
import io.driftline.drift.config.DriftProperties;
import io.driftline.drift.detect.PageHinkley;
import io.driftline.drift.detect.Statistic;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

/**
 * The state-store format of {@link DeviceState}: a versioned binary layout (big-endian numbers,
 * modified-UTF-8 strings). A state written with another {@code history-windows} setting is read
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
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + state.size * 32);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeUTF(state.deviceId);
      out.writeLong(state.lastSeq);
      out.writeShort(state.size);
      for (int i = 0; i < state.size; i++) {
        out.writeLong(state.seqAt(i));
        for (int s = 0; s < DeviceState.STATS; s++) {
          out.writeDouble(state.valueAt(s, i));
        }
      }
      out.writeLong(state.regimeStartSeq);
      out.writeInt(state.baseCount);
      writeDoubles(out, state.baseMean);
      writeDoubles(out, state.baseM2);
      out.writeBoolean(state.homeSet);
      writeDoubles(out, state.homeMean);
      writeDoubles(out, state.homeStd);
      for (int s = 0; s < DeviceState.STATS; s++) {
        PageHinkley ph = state.pageHinkley[s];
        out.writeLong(ph.count());
        out.writeDouble(ph.mean());
        out.writeDouble(ph.up());
        out.writeDouble(ph.minUp());
        out.writeLong(ph.minUpAt());
        out.writeDouble(ph.down());
        out.writeDouble(ph.maxDown());
        out.writeLong(ph.maxDownAt());
        out.writeShort(state.adwinLength[s]);
        out.writeUTF(state.pendingDetector[s]);
        out.writeDouble(state.pendingValue[s]);
        out.writeLong(state.pendingChangeSeq[s]);
        out.writeLong(state.pendingAlarmSeq[s]);
      }
      writeSignature(out, state.lastSignature);
      writeBundle(out, state.lastBundle);
      out.writeShort(state.incidents.size());
      for (OpenIncident incident : state.incidents) {
        out.writeUTF(incident.incidentId);
        out.writeByte(incident.state.ordinal());
        out.writeUTF(incident.detector);
        out.writeByte(incident.statistic.ordinal());
        out.writeDouble(incident.openingValue);
        out.writeLong(incident.openedAt.getEpochSecond());
        out.writeInt(incident.openedAt.getNano());
        out.writeLong(incident.firstWindowSeq);
        out.writeLong(incident.openWindowSeq);
        writeSignature(out, incident.signature);
        writeBundle(out, incident.bundleAtOpen);
        out.writeDouble(incident.level);
        out.writeLong(incident.bundleActiveSince);
        out.writeInt(incident.recoveryStreak);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Reads a state written by {@link #write}. */
  public DeviceState read(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new SerializationException("device state version " + version + " is not " + VERSION);
      }
      DeviceState state = monitor.newState(in.readUTF());
      state.lastSeq = in.readLong();
      int size = in.readUnsignedShort();
      double[] stats = new double[DeviceState.STATS];
      for (int i = 0; i < size; i++) {
        long seq = in.readLong();
        for (int s = 0; s < DeviceState.STATS; s++) {
          stats[s] = in.readDouble();
        }
        state.append(seq, stats);
      }
      state.regimeStartSeq = in.readLong();
      state.baseCount = in.readInt();
      readDoubles(in, state.baseMean);
      readDoubles(in, state.baseM2);
      state.homeSet = in.readBoolean();
      readDoubles(in, state.homeMean);
      readDoubles(in, state.homeStd);
      for (int s = 0; s < DeviceState.STATS; s++) {
        state.pageHinkley[s].restore(in.readLong(), in.readDouble(), in.readDouble(), in.readDouble(),
            in.readLong(), in.readDouble(), in.readDouble(), in.readLong());
        state.adwinLength[s] = Math.min(in.readUnsignedShort(), state.size);
        state.pendingDetector[s] = in.readUTF();
        state.pendingValue[s] = in.readDouble();
        state.pendingChangeSeq[s] = in.readLong();
        state.pendingAlarmSeq[s] = in.readLong();
      }
      state.lastSignature = readSignature(in);
      state.lastBundle = readBundle(in);
      int incidents = in.readUnsignedShort();
      for (int i = 0; i < incidents; i++) {
        String id = in.readUTF();
        DriftIncident.State incidentState = STATES[in.readUnsignedByte()];
        String detector = in.readUTF();
        Statistic statistic = STATISTICS[in.readUnsignedByte()];
        double openingValue = in.readDouble();
        Instant openedAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
        long first = in.readLong();
        long openSeq = in.readLong();
        Hypervector signature = readSignature(in);
        BundleRef bundle = readBundle(in);
        state.incidents.add(new OpenIncident(id, incidentState, detector, statistic, openingValue,
            openedAt, first, openSeq, signature, bundle, in.readDouble(), in.readLong(), in.readInt()));
      }
      return state;
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("unreadable device state (" + bytes.length + " bytes): " + e, e);
    }
  }

  private static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
    for (double v : values) {
      out.writeDouble(v);
    }
  }

  private static void readDoubles(DataInputStream in, double[] values) throws IOException {
    for (int i = 0; i < values.length; i++) {
      values[i] = in.readDouble();
    }
  }

  private static void writeSignature(DataOutputStream out, @Nullable Hypervector signature) throws IOException {
    if (signature == null) {
      out.writeInt(0);
      return;
    }
    out.writeInt(signature.dimension());
    for (int i = 0; i < signature.wordCount(); i++) {
      out.writeLong(signature.word(i));
    }
  }

  private static @Nullable Hypervector readSignature(DataInputStream in) throws IOException {
    int dimension = in.readInt();
    if (dimension == 0) {
      return null;
    }
    long[] words = new long[Hypervector.wordsFor(dimension)];
    for (int i = 0; i < words.length; i++) {
      words[i] = in.readLong();
    }
    return new Hypervector(dimension, words);
  }

  private static void writeBundle(DataOutputStream out, @Nullable BundleRef bundle) throws IOException {
    out.writeBoolean(bundle != null);
    if (bundle != null) {
      out.writeUTF(bundle.bundleId());
      out.writeLong(bundle.version());
    }
  }

  private static @Nullable BundleRef readBundle(DataInputStream in) throws IOException {
    return in.readBoolean() ? new BundleRef(in.readUTF(), in.readLong()) : null;
  }
}
