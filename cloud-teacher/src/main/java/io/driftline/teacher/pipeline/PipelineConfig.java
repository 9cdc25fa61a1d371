package io.driftline.teacher.pipeline;

import io.driftline.core.update.Precision;
import io.driftline.teacher.adapt.GatePolicy;
import io.driftline.teacher.adapt.PromptLearner;
import io.driftline.teacher.adapt.PromptLearning;
import io.driftline.teacher.adapt.SpsaPromptLearner;
import io.driftline.teacher.adapt.ZeroShotAdaptorChooser;
import io.driftline.teacher.label.PseudoLabelPolicy;

/**
 * Settings of an {@link AdaptationPipeline}; {@link #builder()} starts from the documented defaults.
 *
 * @param promptEnabled learn a visual prompt (ablation switch)
 * @param adaptorEnabled learn per-domain adaptors (ablation switch)
 * @param sourceAnchors add source samples (even positions, as many as the domain's training uploads and at
 *     least 16), with the teacher's labels, to each domain's prompt learning; off by default, because the
 *     raw-frame router keeps source frames off every prompt
 * @param promptMode white-box, black-box or automatic choice
 * @param whiteBox white-box prompt learning settings
 * @param blackBox black-box prompt learning settings
 * @param labelPolicy how teacher outputs become targets
 * @param chooser picks the adaptor spec (the seam for a budgeted chooser)
 * @param precision the device's weight precision; the bundle carries adaptors at this precision
 * @param gate the no-regression gate policy
 * @param heldOutFraction share of each domain's uploads kept out of training for the gate (at least one)
 * @param hdcDimension bits of the bundle's raw-frame routing encoder
 * @param routingMargin how much more similar than the source prototype a domain's prototype must be for a
 *     frame to go to that domain ({@link io.driftline.core.update.FrameRouting#margin()})
 * @param seed seed of the held-out split
 * @param promptOnlyFallback in each domain's gate, also evaluate the domain with its prompt only and ship that
 *     when it is strictly more accurate on the domain's held-out uploads, or passes the gate where the adaptor
 *     does not (only with the prompt and the adaptor both on)
 * @param budgetChooser chooses each domain's adaptor of a {@link Variant} with a budget (its grid sets how long the
 *     choice takes: the widest ridge candidates cost the most)
 */
public record PipelineConfig(
    boolean promptEnabled,
    boolean adaptorEnabled,
    boolean sourceAnchors,
    PromptLearning.Mode promptMode,
    PromptLearner.Config whiteBox,
    SpsaPromptLearner.Config blackBox,
    PseudoLabelPolicy labelPolicy,
    AdaptorChooser chooser,
    Precision precision,
    GatePolicy gate,
    double heldOutFraction,
    int hdcDimension,
    double routingMargin,
    long seed,
    boolean promptOnlyFallback,
    ZeroShotAdaptorChooser budgetChooser) {

  /** Default white-box prompt learning: 7×7 prompt, 150 Adam steps at 0.02, batch 32, uncertainty weighting. */
  public static final PromptLearner.Config DEFAULT_WHITE_BOX = new PromptLearner.Config(7, 7, 150, 0.02, 32, true, 5);

  /** Default black-box prompt learning: 7×7 prompt, 200 SPSA-GC steps, a = c = 0.05, q = 2, batch 32. */
  public static final SpsaPromptLearner.Config DEFAULT_BLACK_BOX =
      new SpsaPromptLearner.Config(7, 7, 200, 0.05, 0.05, 2, 32, true, 5);

  /** Checks the values. */
  public PipelineConfig {
    if (!promptEnabled && !adaptorEnabled) {
      throw new IllegalArgumentException("enable the prompt, the adaptor or both: with neither there is nothing to adapt");
    }
    if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
      throw new IllegalArgumentException("held-out fraction must be in (0, 1), got " + heldOutFraction);
    }
    if (hdcDimension < 64) {
      throw new IllegalArgumentException("HDC dimension must be >= 64, got " + hdcDimension);
    }
    if (!(routingMargin >= 0 && routingMargin < 1)) {
      throw new IllegalArgumentException("routing margin must be in [0, 1), got " + routingMargin);
    }
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder initialised from this config. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.promptEnabled = promptEnabled;
    b.adaptorEnabled = adaptorEnabled;
    b.sourceAnchors = sourceAnchors;
    b.promptMode = promptMode;
    b.whiteBox = whiteBox;
    b.blackBox = blackBox;
    b.labelPolicy = labelPolicy;
    b.chooser = chooser;
    b.precision = precision;
    b.gate = gate;
    b.heldOutFraction = heldOutFraction;
    b.hdcDimension = hdcDimension;
    b.routingMargin = routingMargin;
    b.seed = seed;
    b.promptOnlyFallback = promptOnlyFallback;
    b.budgetChooser = budgetChooser;
    return b;
  }

  /**
   * Builds a {@link PipelineConfig}. Defaults: prompt and adaptor on, source anchors off, AUTO prompt mode, the default
   * prompt settings, every pseudo-label kept with weight 1, {@link AdaptorSpec#defaults()}, FP32,
   * gate minimum gain 0 points and at most 1 point source regression, 20 % held out, 1,024-bit raw-frame
   * routing encoder, routing margin 0, seed 42, prompt-only fallback on, the zero-shot chooser's default grid with
   * the projection seed {@link AdaptorSpec#DEFAULT_PROJECTION_SEED} for budgeted variants.
   */
  public static final class Builder {
    private boolean promptEnabled = true;
    private boolean adaptorEnabled = true;
    private boolean sourceAnchors = false;
    private PromptLearning.Mode promptMode = PromptLearning.Mode.AUTO;
    private PromptLearner.Config whiteBox = DEFAULT_WHITE_BOX;
    private SpsaPromptLearner.Config blackBox = DEFAULT_BLACK_BOX;
    private PseudoLabelPolicy labelPolicy = PseudoLabelPolicy.all();
    private AdaptorChooser chooser = AdaptorChooser.fixed(AdaptorSpec.defaults());
    private Precision precision = Precision.FP32;
    private GatePolicy gate = GatePolicy.minGain(0);
    private double heldOutFraction = 0.2;
    private int hdcDimension = DeviceReplay.AGENT_HDC_DIMENSION;
    private double routingMargin = 0;
    private long seed = 42;
    private boolean promptOnlyFallback = true;
    private ZeroShotAdaptorChooser budgetChooser =
        ZeroShotAdaptorChooser.builder().optSeed(AdaptorSpec.DEFAULT_PROJECTION_SEED).build();

    private Builder() {}

    /** Turns prompt learning on or off. */
    public Builder optPrompt(boolean enabled) {
      this.promptEnabled = enabled;
      return this;
    }

    /** Turns adaptors on or off. */
    public Builder optAdaptor(boolean enabled) {
      this.adaptorEnabled = enabled;
      return this;
    }

    /** Turns the source anchors of per-domain prompt learning on or off (default off). */
    public Builder optSourceAnchors(boolean enabled) {
      this.sourceAnchors = enabled;
      return this;
    }

    /** Sets the prompt mode. */
    public Builder optPromptMode(PromptLearning.Mode mode) {
      this.promptMode = mode;
      return this;
    }

    /** Sets the white-box prompt settings. */
    public Builder optWhiteBox(PromptLearner.Config config) {
      this.whiteBox = config;
      return this;
    }

    /** Sets the black-box prompt settings. */
    public Builder optBlackBox(SpsaPromptLearner.Config config) {
      this.blackBox = config;
      return this;
    }

    /** Sets the pseudo-label policy. */
    public Builder optLabelPolicy(PseudoLabelPolicy policy) {
      this.labelPolicy = policy;
      return this;
    }

    /** Sets the adaptor chooser. */
    public Builder optChooser(AdaptorChooser chooser) {
      this.chooser = chooser;
      return this;
    }

    /** Sets the device precision. */
    public Builder optPrecision(Precision precision) {
      this.precision = precision;
      return this;
    }

    /** Sets the gate policy. */
    public Builder optGate(GatePolicy gate) {
      this.gate = gate;
      return this;
    }

    /** Sets the held-out fraction. */
    public Builder optHeldOutFraction(double fraction) {
      this.heldOutFraction = fraction;
      return this;
    }

    /** Sets the HDC encoder's bits. */
    public Builder optHdcDimension(int bits) {
      this.hdcDimension = bits;
      return this;
    }

    /** Sets the raw-frame routing margin (default 0: the nearest prototype wins, source included). */
    public Builder optRoutingMargin(double margin) {
      this.routingMargin = margin;
      return this;
    }

    /** Sets the seed of the held-out split. */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Turns the per-domain prompt-only fallback of the gate on or off (default on). */
    public Builder optPromptOnlyFallback(boolean enabled) {
      this.promptOnlyFallback = enabled;
      return this;
    }

    /** Sets the chooser of budgeted variants' adaptors (for example a smaller width grid to save time). */
    public Builder optBudgetChooser(ZeroShotAdaptorChooser chooser) {
      this.budgetChooser = chooser;
      return this;
    }

    /** Builds the config. */
    public PipelineConfig build() {
      return new PipelineConfig(promptEnabled, adaptorEnabled, sourceAnchors, promptMode, whiteBox, blackBox, labelPolicy,
          chooser, precision, gate, heldOutFraction, hdcDimension, routingMargin, seed, promptOnlyFallback,
          budgetChooser);
    }
  }
}
