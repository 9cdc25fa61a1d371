package io.driftline.drift.incident;

import io.driftline.core.events.BundleRef;
import io.driftline.core.events.DriftIncident;
import io.driftline.core.hdc.Hypervector;
import io.driftline.drift.detect.Statistic;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** An incident of one device that is open or adapting, as kept in the device's state. */
final class OpenIncident {

  final String incidentId;
  DriftIncident.State state;
  final String detector;
  final Statistic statistic;
  final double openingValue;
  final Instant openedAt;
  final long firstWindowSeq;
  final long openWindowSeq;
  final @Nullable Hypervector signature;
  final @Nullable BundleRef bundleAtOpen;
  /** The statistic's mean over the windows after the change: the drifted level recovery is measured from. */
  final double level;
  /** First window with a bundle other than {@link #bundleAtOpen}, or -1. */
  long bundleActiveSince;
  int recoveryStreak;

  OpenIncident(String incidentId, DriftIncident.State state, String detector, Statistic statistic,
      double openingValue, Instant openedAt, long firstWindowSeq, long openWindowSeq,
      @Nullable Hypervector signature, @Nullable BundleRef bundleAtOpen, double level,
      long bundleActiveSince, int recoveryStreak) {
    this.incidentId = incidentId;
    this.state = state;
    this.detector = detector;
    this.statistic = statistic;
    this.openingValue = openingValue;
    this.openedAt = openedAt;
    this.firstWindowSeq = firstWindowSeq;
    this.openWindowSeq = openWindowSeq;
    this.signature = signature;
    this.bundleAtOpen = bundleAtOpen;
    this.level = level;
    this.bundleActiveSince = bundleActiveSince;
    this.recoveryStreak = recoveryStreak;
  }

  /** Builds the event announcing this incident in {@code newState}. */
  DriftIncident event(String deviceId, DriftIncident.State newState, double value, Instant at, long windowSeq) {
    Instant changedAt = at.isBefore(openedAt) ? openedAt : at;
    return new DriftIncident(incidentId, deviceId, newState, detector, statistic.fieldName(), value,
        openedAt, changedAt, firstWindowSeq, Math.max(windowSeq, firstWindowSeq), signature);
  }
}
