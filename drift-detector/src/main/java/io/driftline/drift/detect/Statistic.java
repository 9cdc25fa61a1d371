package io.driftline.drift.detect;

import io.driftline.core.events.TelemetryWindow;

/** The window statistics the detectors monitor, with the names incidents report them by. */
public enum Statistic {
  /** The mean HDC OOD score of the window's frames; rises under drift. */
  OOD_MEAN("oodScore.mean"),
  /** The mean predictive entropy (nats); usually rises under drift. */
  ENTROPY("meanEntropy"),
  /** The mean Hamming similarity to the nearest class prototype; falls under drift. */
  HDC_SIMILARITY("meanHdcSimilarity");

  private final String fieldName;

  Statistic(String fieldName) {
    this.fieldName = fieldName;
  }

  /** The name in {@code DriftIncident.statistic}: the telemetry field it is read from. */
  public String fieldName() {
    return fieldName;
  }

  /** Reads this statistic from a window. */
  public double of(TelemetryWindow window) {
    return switch (this) {
      case OOD_MEAN -> window.oodScore().mean();
      case ENTROPY -> window.meanEntropy();
      case HDC_SIMILARITY -> window.meanHdcSimilarity();
    };
  }
}
