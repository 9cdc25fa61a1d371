package io.driftline.teacher.adapt;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gate's verdict on an adapted bundle, with the figures it rests on.
 *
 * @param ships whether the bundle may ship
 * @param reason why, in one sentence with the figures
 * @param policy the thresholds applied
 * @param target comparison on held-out pseudo-labelled target-domain samples
 * @param source comparison on source-domain samples
 */
public record GateDecision(
    boolean ships, String reason, GatePolicy policy, GateComparison target, GateComparison source) {

  /**
   * Decides: the bundle ships only if the target gain reaches {@code policy.minGainPoints()} on at
   * least {@code policy.minTargetSamples()} held-out samples and the source accuracy drops by no
   * more than {@code policy.maxSourceRegressionPoints()}. The source check comes first: a
   * regression rejects the bundle whatever the gain.
   */
  public static GateDecision decide(GatePolicy policy, GateComparison target, GateComparison source) {
    double gain = target.gainPoints();
    double regression = -source.gainPoints();
    // compare in points rounded to 1e-9 so 1.0000000000002 from float noise is not a regression
    if (round(regression) > policy.maxSourceRegressionPoints()) {
      return new GateDecision(
          false,
          String.format(
              Locale.ROOT,
              "source regression %.2f points exceeds %.2f",
              regression,
              policy.maxSourceRegressionPoints()),
          policy,
          target,
          source);
    }
    if (target.samples() < policy.minTargetSamples()) {
      return new GateDecision(
          false,
          String.format(
              Locale.ROOT,
              "only %d held-out target samples, fewer than the %d a gain must rest on (gain %.2f points)",
              target.samples(),
              policy.minTargetSamples(),
              gain),
          policy,
          target,
          source);
    }
    if (round(gain) < policy.minGainPoints()) {
      return new GateDecision(
          false,
          String.format(
              Locale.ROOT, "target gain %.2f points below %.2f", gain, policy.minGainPoints()),
          policy,
          target,
          source);
    }
    return new GateDecision(
        true,
        String.format(
            Locale.ROOT,
            "target gain %.2f points >= %.2f, source change %+.2f points",
            gain,
            policy.minGainPoints(),
            -regression),
        policy,
        target,
        source);
  }

  private static double round(double points) {
    return Math.round(points * 1e9) / 1e9;
  }

  /** The decision and its figures as lineage entries ({@code gate.*}). */
  public Map<String, String> lineage() {
    Map<String, String> out = new TreeMap<>();
    out.put("gate.decision", ships ? "ship" : "reject");
    out.put("gate.reason", reason);
    out.put("gate.policy.minGainPoints", fmt(policy.minGainPoints()));
    out.put("gate.policy.maxSourceRegressionPoints", fmt(policy.maxSourceRegressionPoints()));
    out.put("gate.policy.minTargetSamples", Integer.toString(policy.minTargetSamples()));
    put(out, "gate.target", target);
    put(out, "gate.source", source);
    return out;
  }

  private static void put(Map<String, String> out, String prefix, GateComparison c) {
    out.put(prefix + ".samples", Integer.toString(c.samples()));
    out.put(prefix + ".unadaptedAccuracy", fmt(c.unadaptedAccuracy()));
    out.put(prefix + ".adaptedAccuracy", fmt(c.adaptedAccuracy()));
    out.put(prefix + ".gainPoints", fmt(c.gainPoints()));
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}
