package io.driftline.teacher.evaluate;

import java.util.List;
import java.util.Map;

/**
 * Everything one {@code evaluate} run measured; written as JSON. Accuracies are fractions in [0,1]
 * on the domain's evaluation frames (the same frames for every row and column of a domain).
 *
 * @param run what was run: command line, models, scenario, options, machine, wall time
 * @param domains per domain (family × severity) the results of every sampler and budget
 * @param summary means over the families per severity, sampler and budget
 * @param recurring the recurring-domain experiments
 * @param targets the targets with the measured figures
 */
public record BenchmarkReport(
    Map<String, Object> run,
    List<DomainResult> domains,
    List<Summary> summary,
    List<Recurrence> recurring,
    List<Target> targets) {

  /**
   * One domain.
   *
   * @param domain the domain tag, e.g. {@code fog@3}
   * @param family the corruption family
   * @param severity its severity
   * @param poolFrames frames the device saw before the update (the upload pool)
   * @param evalFrames frames accuracy is measured on (the domain's other frames)
   * @param sourceOnly the unadapted student's accuracy
   * @param teacher the teacher's accuracy
   * @param cells one entry per sampler and budget that ran
   * @param skipped sampler/budget pairs that could not run, with the reason
   */
  public record DomainResult(
      String domain,
      String family,
      int severity,
      int poolFrames,
      int evalFrames,
      double sourceOnly,
      double teacher,
      List<Cell> cells,
      List<String> skipped) {}

  /**
   * One adaptation of one domain.
   *
   * @param sampler {@code ugs} or {@code random}
   * @param budget upload budget in percent of the pool
   * @param uploaded samples uploaded
   * @param bytesUp bytes of the uploaded samples ({@code DeviceSampleCodec} encoding)
   * @param bytesDown bytes of the signed prompt + adaptor bundle
   * @param seconds wall-clock time of the prompt + adaptor adaptation (labels to signed bundle)
   * @param promptMode the prompt learning mode used
   * @param shipped whether the gate let the prompt + adaptor bundle ship
   * @param gate the gate's reason
   * @param sourceChangePoints accuracy change of the prompt + adaptor bundle on the gate's source samples
   * @param adaptorOnlyShipped whether the gate let the adaptor-only bundle ship
   * @param adaptorOnlySourceChangePoints accuracy change of the adaptor-only bundle on the source samples
   * @param promptOnly accuracy with the prompt alone
   * @param adaptorOnly accuracy with adaptors fitted on unprompted features, no prompt
   * @param promptAdaptor accuracy with prompt and adaptors (fp32)
   * @param promptAdaptorBinary the same with 1-bit adaptor weights
   * @param adaptorOnlyBinary adaptor only with 1-bit weights
   * @param routedToDomain share of evaluation frames the device routed to the domain (raw-frame routing)
   * @param cleanKept share of the gate's clean source frames the router kept on the bare student
   * @param asShipped accuracy of what the device runs after the per-domain gate: the prompt + adaptor
   *     bundle if the domain passed, else the unadapted student
   * @param adaptorOnlyAsShipped the same for the adaptor-only bundle
   * @param gapClosed (promptAdaptor − sourceOnly) / (teacher − sourceOnly)
   */
  public record Cell(
      String sampler,
      double budget,
      int uploaded,
      long bytesUp,
      long bytesDown,
      double seconds,
      String promptMode,
      boolean shipped,
      String gate,
      double sourceChangePoints,
      boolean adaptorOnlyShipped,
      double adaptorOnlySourceChangePoints,
      double promptOnly,
      double adaptorOnly,
      double promptAdaptor,
      double promptAdaptorBinary,
      double adaptorOnlyBinary,
      double routedToDomain,
      double cleanKept,
      double asShipped,
      double adaptorOnlyAsShipped,
      double gapClosed) {}

  /**
   * Means over the families that ran at one severity, sampler and budget.
   *
   * @param severity the severity
   * @param sampler the sampler
   * @param budget the budget in percent
   * @param families number of families in the mean
   * @param sourceOnly mean source-only accuracy
   * @param promptOnly mean prompt-only accuracy
   * @param adaptorOnly mean adaptor-only accuracy
   * @param promptAdaptor mean prompt + adaptor accuracy
   * @param teacher mean teacher accuracy
   * @param gapClosed gap closed of the means: (promptAdaptor − sourceOnly) / (teacher − sourceOnly)
   * @param promptAdaptorBinary mean prompt + 1-bit adaptor accuracy
   * @param meanUploaded mean samples uploaded
   * @param meanBytesUp mean bytes up per update
   * @param meanBytesDown mean bytes down per update
   * @param medianSeconds median adaptation time
   * @param shipped prompt + adaptor bundles the gate let ship
   * @param adaptorOnlyShipped adaptor-only bundles the gate let ship
   * @param asShipped mean accuracy as shipped (prompt + adaptor, unadapted where the gate left the domain out)
   * @param adaptorOnlyAsShipped the same for adaptor-only bundles
   * @param gapClosedAsShipped gap closed of the means as shipped
   * @param routedToDomain mean share of evaluation frames routed to their domain
   * @param cleanKept mean share of clean source frames kept on the bare student
   */
  public record Summary(
      int severity,
      String sampler,
      double budget,
      int families,
      double sourceOnly,
      double promptOnly,
      double adaptorOnly,
      double promptAdaptor,
      double teacher,
      double gapClosed,
      double promptAdaptorBinary,
      double meanUploaded,
      double meanBytesUp,
      double meanBytesDown,
      double medianSeconds,
      int shipped,
      int adaptorOnlyShipped,
      double asShipped,
      double adaptorOnlyAsShipped,
      double gapClosedAsShipped,
      double routedToDomain,
      double cleanKept) {}

  /**
   * A domain that returns after others: adapted to it alone first, then to it and the domains seen
   * until it returns (one bundle, its adaptors routed by HDC), measured on the return's frames.
   *
   * @param domain the recurring domain
   * @param between the domains adapted to before it returns
   * @param returnFrames frames of the return measured
   * @param sourceOnly the unadapted student on them
   * @param firstAdaptation prompt + adaptor bundle of the domain alone
   * @param afterOthers prompt + adaptor bundle of all domains (nothing retrained when it returns)
   * @param routedToDomain share of the return's frames routed to the domain in that bundle
   * @param adaptorOnlyFirst adaptor-only bundle of the domain alone
   * @param adaptorOnlyAfterOthers adaptor-only bundle of all domains (the domain's head unchanged)
   */
  public record Recurrence(
      String domain,
      List<String> between,
      int returnFrames,
      double sourceOnly,
      double firstAdaptation,
      double afterOthers,
      double routedToDomain,
      double adaptorOnlyFirst,
      double adaptorOnlyAfterOthers) {}

  /**
   * One target of the issue.
   *
   * @param name what is compared
   * @param measured the measured figure
   * @param required what the target asks
   * @param met whether it was met
   */
  public record Target(String name, String measured, String required, boolean met) {}
}
