package io.driftline.drift.incident;

import io.driftline.core.events.BundleRef;
import io.driftline.core.hdc.Hypervector;
import io.driftline.drift.detect.PageHinkley;
import io.driftline.drift.detect.Statistic;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything the detector keeps about one device between windows: the recent windows' statistics,
 * the baselines, the detectors' state, a pending alarm and the open incidents. Kept in a Kafka
 * Streams state store (see {@link DeviceStateSerde}), so it survives restarts.
 */
public final class DeviceState {

  static final int STATS = Statistic.values().length;

  final String deviceId;
  long lastSeq = -1;

  // Ring of recent windows, oldest first from `start`.
  final long[] seqs;
  final double[][] values;
  int start;
  int size;

  /** First window of the current regime (the baseline the detectors compare against). */
  long regimeStartSeq = -1;
  int baseCount;
  final double[] baseMean = new double[STATS];
  final double[] baseM2 = new double[STATS];

  /** The device's first regime, the level recovery returns to. */
  boolean homeSet;
  final double[] homeMean = new double[STATS];
  final double[] homeStd = new double[STATS];

  final PageHinkley[] pageHinkley = new PageHinkley[STATS];
  final int[] adwinLength = new int[STATS];

  /** Per statistic: the detector whose alarm awaits confirmation, or "" for none. */
  final String[] pendingDetector = {"", "", ""};
  final double[] pendingValue = new double[STATS];
  final long[] pendingChangeSeq = new long[STATS];
  final long[] pendingAlarmSeq = new long[STATS];

  @Nullable Hypervector lastSignature;
  @Nullable BundleRef lastBundle;
  final List<OpenIncident> incidents = new ArrayList<>();

  DeviceState(String deviceId, int historyWindows, double phDelta, double phLambda) {
    this.deviceId = deviceId;
    this.seqs = new long[historyWindows];
    this.values = new double[STATS][historyWindows];
    for (int s = 0; s < STATS; s++) {
      pageHinkley[s] = new PageHinkley(phDelta, phLambda);
    }
  }

  /** The device this state belongs to. */
  public String deviceId() {
    return deviceId;
  }

  /** The last window processed, or -1. */
  public long lastSeq() {
    return lastSeq;
  }

  /** Number of incidents of this device that are open or adapting. */
  public int openIncidents() {
    return incidents.size();
  }

  int capacity() {
    return seqs.length;
  }

  void append(long seq, double[] stats) {
    int slot;
    if (size < capacity()) {
      slot = (start + size) % capacity();
      size++;
    } else {
      slot = start;
      start = (start + 1) % capacity();
    }
    seqs[slot] = seq;
    for (int s = 0; s < STATS; s++) {
      values[s][slot] = stats[s];
    }
  }

  /** Sequence number of the i-th kept window, oldest first. */
  long seqAt(int i) {
    return seqs[(start + i) % capacity()];
  }

  double valueAt(int stat, int i) {
    return values[stat][(start + i) % capacity()];
  }

  /** Index (oldest first) of the first kept window with a sequence number >= {@code seq}. */
  int indexOf(long seq) {
    int i = 0;
    while (i < size && seqAt(i) < seq) {
      i++;
    }
    return i;
  }

  /** Values of {@code stat} for the kept windows with {@code from <= seq < to}. */
  double[] valuesBetween(int stat, long from, long to) {
    int first = indexOf(from);
    int last = indexOf(to);
    double[] out = new double[Math.max(0, last - first)];
    for (int i = first; i < last; i++) {
      out[i - first] = valueAt(stat, i);
    }
    return out;
  }

  boolean baselineWarm(int warmupWindows) {
    return baseCount >= warmupWindows;
  }

  void addToBaseline(double[] stats) {
    baseCount++;
    for (int s = 0; s < STATS; s++) {
      double d = stats[s] - baseMean[s];
      baseMean[s] += d / baseCount;
      baseM2[s] += d * (stats[s] - baseMean[s]);
    }
  }

  double baseStd(int stat, double minStd) {
    return baseCount < 2 ? minStd : Math.max(minStd, Math.sqrt(baseM2[stat] / (baseCount - 1)));
  }

  void startRegime(long seq) {
    regimeStartSeq = seq;
    baseCount = 0;
    java.util.Arrays.fill(baseMean, 0);
    java.util.Arrays.fill(baseM2, 0);
    for (int s = 0; s < STATS; s++) {
      pageHinkley[s].reset();
      adwinLength[s] = 0;
    }
    for (int s = 0; s < STATS; s++) {
      clearPending(s);
    }
  }

  boolean pending(int stat) {
    return !pendingDetector[stat].isEmpty();
  }

  void clearPending(int stat) {
    pendingDetector[stat] = "";
    pendingValue[stat] = 0;
    pendingChangeSeq[stat] = 0;
    pendingAlarmSeq[stat] = 0;
  }

  @Nullable OpenIncident incident(String incidentId) {
    for (OpenIncident incident : incidents) {
      if (incident.incidentId.equals(incidentId)) {
        return incident;
      }
    }
    return null;
  }
}
