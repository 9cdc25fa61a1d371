package io.driftline.drift.incident;

import io.driftline.core.events.BundleRef;
import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.core.hdc.Hypervector;
import io.driftline.drift.config.DriftProperties;
import io.driftline.drift.detect.Adwin;
import io.driftline.drift.detect.KolmogorovSmirnov;
import io.driftline.drift.detect.Statistic;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the detectors and the incident life cycle of one device over its telemetry windows, one
 * window at a time, on a {@link DeviceState} the caller keeps.
 *
 * <p>Per window: drop it if it is not newer than the last one (a replay); update the open
 * incidents (a new bundle makes an open incident adapting; statistics back at baseline for a few
 * windows with that bundle make it recovered; a deadline makes it failed); then, once the regime's
 * baseline is warm, feed each statistic's z-score to Page-Hinkley and ADWIN. The first alarm
 * becomes pending until a two-sample Kolmogorov-Smirnov test of the windows after the estimated
 * change against those before it confirms it (or the alarm is dropped). A confirmed change that
 * moves the statistics away from the device's home baseline opens an incident, unless one is
 * already open for the same domain (similar domain signature); every confirmed change starts a new
 * regime, so the detectors look for the next change from the new level.
 */
public final class DeviceMonitor {

  private static final Logger log = LoggerFactory.getLogger(DeviceMonitor.class);
  private static final Statistic[] STATISTICS = Statistic.values();

  private final DriftProperties.Detection detection;
  private final DriftProperties.Lifecycle lifecycle;

  /** Creates a monitor with the given settings. */
  public DeviceMonitor(DriftProperties properties) {
    this.detection = properties.detection();
    this.lifecycle = properties.lifecycle();
  }

  /** What one window did. */
  public record Outcome(List<DriftIncident> changes, boolean stale, boolean alarmRejected, boolean confirmed) {
    static final Outcome STALE = new Outcome(List.of(), true, false, false);
  }

  /** Returns the state of a device never seen before. */
  public DeviceState newState(String deviceId) {
    return new DeviceState(deviceId, detection.historyWindows(), detection.phDelta(), detection.phLambda());
  }

  /** Processes one window of the state's device and returns the incident changes to publish. */
  public Outcome onWindow(DeviceState state, TelemetryWindow window) {
    if (!window.deviceId().equals(state.deviceId)) {
      throw new IllegalArgumentException("window of device " + window.deviceId()
          + " given to the state of " + state.deviceId);
    }
    long seq = window.windowSeq();
    if (seq <= state.lastSeq) {
      return Outcome.STALE;
    }
    state.lastSeq = seq;
    double[] stats = new double[DeviceState.STATS];
    for (Statistic s : STATISTICS) {
      stats[s.ordinal()] = s.of(window);
    }
    state.append(seq, stats);
    state.lastSignature = window.domainSignature();
    state.lastBundle = window.activeBundle();

    List<DriftIncident> changes = new ArrayList<>();
    advanceIncidents(state, window, stats, changes);

    if (state.regimeStartSeq < 0) {
      state.startRegime(seq);
    }
    if (!state.baselineWarm(detection.warmupWindows())) {
      state.addToBaseline(stats);
      if (state.baselineWarm(detection.warmupWindows()) && !state.homeSet) {
        state.homeSet = true;
        for (int s = 0; s < DeviceState.STATS; s++) {
          state.homeMean[s] = state.baseMean[s];
          state.homeStd[s] = state.baseStd(s, detection.minStd());
        }
      }
      return new Outcome(changes, false, false, false);
    }

    detect(state, seq, stats);
    boolean rejected = false;
    for (int s = 0; s < DeviceState.STATS; s++) {
      if (!state.pending(s)) {
        continue;
      }
      KolmogorovSmirnov.@Nullable Result ks = confirm(state, s, seq);
      if (ks != null) {
        onConfirmed(state, window, s, ks, changes);
        return new Outcome(changes, false, rejected, true);
      }
      if (seq - state.pendingAlarmSeq[s] >= detection.confirmWindows()) {
        log.debug("alarm dropped device={} statistic={} detector={} window={}", state.deviceId,
            STATISTICS[s].fieldName(), state.pendingDetector[s], seq);
        state.pageHinkley[s].reset();
        state.clearPending(s);
        rejected = true;
      }
    }
    return new Outcome(changes, false, rejected, false);
  }

  /**
   * Applies an incident event read back from the incidents topic: the teacher announces adaptation
   * ({@code ADAPTING}) or gives up ({@code FAILED}, {@code CLOSED}). Events about incidents this
   * device does not hold open (including the detector's own, already applied) change nothing.
   *
   * @return true if the state changed
   */
  public boolean onIncident(DeviceState state, DriftIncident event) {
    OpenIncident incident = state.incident(event.incidentId());
    if (incident == null) {
      return false;
    }
    switch (event.state()) {
      case ADAPTING -> {
        if (incident.state == DriftIncident.State.OPEN) {
          incident.state = DriftIncident.State.ADAPTING;
          log.info("incident adapting (announced) device={} incident={}", state.deviceId, incident.incidentId);
          return true;
        }
        return false;
      }
      case RECOVERED, FAILED, CLOSED -> {
        state.incidents.remove(incident);
        log.info("incident ended by its owner device={} incident={} state={}", state.deviceId,
            incident.incidentId, event.state());
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  private void detect(DeviceState state, long seq, double[] stats) {
    double minStd = detection.minStd();
    int regimeWindows = state.size - state.indexOf(state.regimeStartSeq);
    for (int s = 0; s < DeviceState.STATS; s++) {
      double mean = state.baseMean[s];
      double std = state.baseStd(s, minStd);
      boolean phAlarm = state.pageHinkley[s].update((stats[s] - mean) / std, seq);

      int length = Math.min(state.adwinLength[s] + 1, regimeWindows);
      double[] window = new double[length];
      for (int i = 0; i < length; i++) {
        window[i] = (state.valueAt(s, state.size - length + i) - mean) / std;
      }
      int dropped = Adwin.cut(window, 0, length, detection.adwinDelta(), detection.adwinMinSide());
      state.adwinLength[s] = length - dropped;

      if (state.pending(s)) {
        continue;
      }
      if (phAlarm) {
        pend(state, s, "page-hinkley", state.pageHinkley[s].statistic(), state.pageHinkley[s].changeStart(), seq);
      } else if (dropped > 0) {
        double older = mean(window, 0, dropped);
        double newer = mean(window, dropped, length);
        pend(state, s, "adwin", Math.abs(newer - older), state.seqAt(state.size - length + dropped), seq);
      }
    }
  }

  private static void pend(DeviceState state, int stat, String detector, double value, long changeSeq, long seq) {
    state.pendingDetector[stat] = detector;
    state.pendingValue[stat] = value;
    state.pendingChangeSeq[stat] = Math.max(changeSeq, state.regimeStartSeq + 1);
    state.pendingAlarmSeq[stat] = seq;
  }

  private KolmogorovSmirnov.@Nullable Result confirm(DeviceState state, int stat, long seq) {
    long change = state.pendingChangeSeq[stat];
    double[] before = state.valuesBetween(stat, state.regimeStartSeq, change);
    double[] after = state.valuesBetween(stat, change, seq + 1);
    if (before.length < detection.ksMinReference() || after.length < detection.ksMinPost()) {
      return null;
    }
    KolmogorovSmirnov.Result ks = KolmogorovSmirnov.test(before, after);
    return ks.pValue() < detection.ksAlpha() ? ks : null;
  }

  private void onConfirmed(DeviceState state, TelemetryWindow window, int stat, KolmogorovSmirnov.Result ks,
      List<DriftIncident> changes) {
    long seq = window.windowSeq();
    long change = state.pendingChangeSeq[stat];
    String detector = state.pendingDetector[stat];
    double value = state.pendingValue[stat];
    Statistic statistic = STATISTICS[stat];
    // The newest windows give the level after the change: the change point is an estimate, and a
    // few windows before the real change in the mean would pull a drifted level back towards home.
    long newest = Math.max(change, seq + 1 - detection.ksMinPost());
    double[] after = new double[DeviceState.STATS];
    for (int s = 0; s < DeviceState.STATS; s++) {
      after[s] = mean(state.valuesBetween(s, newest, seq + 1));
    }
    double[] before = state.baseMean.clone();
    double distanceAfter = distanceFromHome(state, after);
    boolean drifting = distanceAfter > detection.homeTolerance() && distanceAfter > distanceFromHome(state, before);
    if (drifting) {
      OpenIncident sameDomain = sameDomain(state, state.lastSignature);
      if (sameDomain == null) {
        String id = incidentId(state.deviceId, change);
        OpenIncident incident = new OpenIncident(id, DriftIncident.State.OPEN, detector,
            statistic, value, window.end(), change, seq, state.lastSignature,
            state.lastBundle, after[statistic.ordinal()], -1, 0);
        state.incidents.add(incident);
        changes.add(incident.event(state.deviceId, DriftIncident.State.OPEN, value, window.end(), seq));
        log.info("incident opened device={} incident={} detector={} statistic={} value={} ks.d={} ks.p={} "
                + "windows={}..{}", state.deviceId, id, detector, statistic.fieldName(),
            value, ks.statistic(), ks.pValue(), change, seq);
      } else {
        log.info("change within an open domain device={} incident={} windows={}..{}", state.deviceId,
            sameDomain.incidentId, change, seq);
      }
    } else {
      log.info("change towards home device={} statistic={} windows={}..{}", state.deviceId,
          statistic.fieldName(), change, seq);
    }
    state.startRegime(change);
    for (int i = state.indexOf(change); i < state.size; i++) {
      double[] stats = new double[DeviceState.STATS];
      for (int s = 0; s < DeviceState.STATS; s++) {
        stats[s] = state.valueAt(s, i);
      }
      state.addToBaseline(stats);
    }
  }

  private @Nullable OpenIncident sameDomain(DeviceState state, @Nullable Hypervector signature) {
    for (OpenIncident incident : state.incidents) {
      Hypervector other = incident.signature;
      if (signature == null || other == null || signature.dimension() != other.dimension()
          || signature.hammingSimilarity(other) >= detection.domainSimilarity()) {
        return incident;
      }
    }
    return null;
  }

  private void advanceIncidents(DeviceState state, TelemetryWindow window, double[] stats,
      List<DriftIncident> changes) {
    long seq = window.windowSeq();
    BundleRef bundle = window.activeBundle();
    for (Iterator<OpenIncident> it = state.incidents.iterator(); it.hasNext(); ) {
      OpenIncident incident = it.next();
      int s = incident.statistic.ordinal();
      double value = stats[s];
      if (incident.bundleActiveSince < 0 && bundle != null && !Objects.equals(bundle, incident.bundleAtOpen)) {
        incident.bundleActiveSince = seq;
        if (incident.state == DriftIncident.State.OPEN) {
          incident.state = DriftIncident.State.ADAPTING;
          changes.add(incident.event(state.deviceId, DriftIncident.State.ADAPTING, value, window.end(), seq));
          log.info("incident adapting device={} incident={} bundle={} v{} window={}", state.deviceId,
              incident.incidentId, bundle.bundleId(), bundle.version(), seq);
        }
      }
      DriftIncident.State end = null;
      if (incident.bundleActiveSince >= 0) {
        incident.recoveryStreak = atBaseline(state, incident, value) ? incident.recoveryStreak + 1 : 0;
        if (incident.recoveryStreak >= lifecycle.recoveryWindows()) {
          end = DriftIncident.State.RECOVERED;
        } else if (seq - incident.bundleActiveSince >= lifecycle.recoveryDeadlineWindows()) {
          end = DriftIncident.State.FAILED;
        }
      }
      if (end == null && seq - incident.firstWindowSeq >= lifecycle.adaptationTimeoutWindows()) {
        end = DriftIncident.State.FAILED;
      }
      if (end != null) {
        it.remove();
        changes.add(incident.event(state.deviceId, end, value, window.end(), seq));
        log.info("incident {} device={} incident={} statistic={} value={} window={}",
            end == DriftIncident.State.RECOVERED ? "recovered" : "failed", state.deviceId,
            incident.incidentId, incident.statistic.fieldName(), value, seq);
      }
    }
  }

  /**
   * Tells whether {@code value} is back at baseline: within {@code homeTolerance} home standard
   * deviations of the home mean, or at least {@code recoveryFraction} of the way back from the
   * incident's level to the home mean.
   */
  private boolean atBaseline(DeviceState state, OpenIncident incident, double value) {
    int s = incident.statistic.ordinal();
    double home = state.homeMean[s];
    if (Math.abs(value - home) <= detection.homeTolerance() * Math.max(state.homeStd[s], detection.minStd())) {
      return true;
    }
    double drift = incident.level - home;
    return drift != 0 && (incident.level - value) / drift >= lifecycle.recoveryFraction();
  }

  private double distanceFromHome(DeviceState state, double[] means) {
    double distance = 0;
    for (int s = 0; s < DeviceState.STATS; s++) {
      double z = Math.abs(means[s] - state.homeMean[s]) / Math.max(state.homeStd[s], detection.minStd());
      distance = Math.max(distance, z);
    }
    return distance;
  }

  /** The incident id: a name-based UUID of device and first window, so a replay yields the same id. */
  static String incidentId(String deviceId, long firstWindowSeq) {
    return "inc-" + UUID.nameUUIDFromBytes((deviceId + "/" + firstWindowSeq).getBytes(StandardCharsets.UTF_8));
  }

  private static double mean(double[] values) {
    return mean(values, 0, values.length);
  }

  private static double mean(double[] values, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += values[i];
    }
    return to > from ? sum / (to - from) : 0;
  }
}
