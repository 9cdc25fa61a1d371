package io.driftline.teacher.pipeline;

import io.driftline.core.bundle.Bundle;
import io.driftline.core.bundle.BundleCodec;
import io.driftline.core.bundle.BundleMetadata;
import io.driftline.core.bundle.DomainPrototype;
import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.hdc.Hypervector;
import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import io.driftline.core.model.StudentModel;
import io.driftline.core.model.StudentOutput;
import io.driftline.core.uncertainty.Logits;
import io.driftline.core.update.Adaptor;
import io.driftline.core.update.DomainAdaptor;
import io.driftline.core.update.DomainRouter;
import io.driftline.core.update.FrameRouter;
import io.driftline.core.update.FrameRouting;
import io.driftline.core.update.Precision;
import io.driftline.core.update.VisualPrompt;
import io.driftline.teacher.adapt.AdaptorBudget;
import io.driftline.teacher.adapt.AdaptorCandidate;
import io.driftline.teacher.adapt.AdaptorChoice;
import io.driftline.teacher.adapt.GateComparison;
import io.driftline.teacher.adapt.GateDecision;
import io.driftline.teacher.adapt.PromptLearner;
import io.driftline.teacher.adapt.PromptLearning;
import io.driftline.teacher.adapt.QuantizationCost;
import io.driftline.teacher.adapt.RandomProjection;
import io.driftline.teacher.adapt.RidgeAdaptorTrainer;
import io.driftline.teacher.adapt.ZeroShotAdaptorChooser;
import io.driftline.teacher.bootstrap.CodeVersion;
import io.driftline.teacher.label.PseudoLabel;
import io.driftline.teacher.label.PseudoLabeler;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Turns uploaded samples into a signed bundle: teacher pseudo-labels → raw-frame routing (descriptor
 * standardisation and source prototype from the source anchors, one prototype per domain from its
 * uploads) → one visual prompt per domain (VPLU on that domain's uploads, mode chosen automatically
 * unless forced) → one ridge adaptor per domain on the features of {@code student(prompt_d(x))} (spec
 * from the {@link AdaptorChooser}) → export at every precision and the accuracy cost of each → a gate
 * per domain on its held-out pseudo-labelled samples and on the source samples it takes over, both
 * replayed on the device path ({@link DeviceReplay}) → the bundle of the surviving domains (format
 * version 2), signed with Ed25519 when at least one domain survives.
 *
 * <p>{@link #adaptVariants} emits one bundle per {@link Variant} (precision and budget class of the cohort's
 * devices): everything up to the prompted features runs once, then each variant gets its own adaptors (chosen
 * within its budget by {@link ZeroShotAdaptorChooser} if it has one), gate and signed bundle. A domain whose prompt
 * alone does better than prompt and adaptor in its gate ships the prompt only
 * ({@link PipelineConfig#promptOnlyFallback()}).
 *
 * <p>The device decides a frame's domain on the raw frame before any prompt ({@link FrameRouter}),
 * so source frames keep the bare student and a domain's prompt only ever sees that domain's frames;
 * prompts therefore need no source anchors ({@link PipelineConfig#sourceAnchors()} is off by default).
 *
 * <p>Not thread-safe; the models are owned by the caller.
 */
public final class AdaptationPipeline {

  /** Fewest source anchors added to prompt learning. */
  static final int MIN_ANCHORS = 16;

  private final byte[] studentOnnx;
  private final String studentModelId;
  private final String studentDigest;
  private final StudentModel student;
  private final PseudoLabeler labeler;
  private final String teacherVersion;
  private final PrivateKey signingKey;
  private final PipelineConfig config;
  private final Consumer<String> progress;
  private final PipelineListener listener;
  private final String codeVersion;

  /**
   * Creates a pipeline.
   *
   * @param studentOnnx the student's ONNX bytes (imported for white-box prompt learning; digested
   *     into the bundle)
   * @param studentModelId the student's id, e.g. {@code student-small}
   * @param student the same student loaded in ONNX Runtime (the device path)
   * @param teacher the teacher model
   * @param teacherVersion the teacher's version for the lineage (e.g. its name and SHA-256)
   * @param signingKey the Ed25519 key bundles are signed with
   * @param config the settings
   * @param progress receives one line per step
   */
  public AdaptationPipeline(
      byte[] studentOnnx,
      String studentModelId,
      StudentModel student,
      StudentModel teacher,
      String teacherVersion,
      PrivateKey signingKey,
      PipelineConfig config,
      Consumer<String> progress) {
    this(studentOnnx, studentModelId, student, teacher, teacherVersion, signingKey, config, progress,
        PipelineListener.NONE);
  }

  /**
   * Creates a pipeline that also reports each {@link Phase} to {@code listener}; the other parameters are those of
   * {@link #AdaptationPipeline(byte[], String, StudentModel, StudentModel, String, PrivateKey, PipelineConfig,
   * Consumer)}.
   *
   * @param listener hears LABELLING, TRAINING and, once per variant, GATING as each starts
   */
  public AdaptationPipeline(
      byte[] studentOnnx,
      String studentModelId,
      StudentModel student,
      StudentModel teacher,
      String teacherVersion,
      PrivateKey signingKey,
      PipelineConfig config,
      Consumer<String> progress,
      PipelineListener listener) {
    this.studentOnnx = studentOnnx.clone();
    this.studentModelId = studentModelId;
    this.studentDigest = sha256(studentOnnx);
    this.student = Objects.requireNonNull(student, "student");
    this.labeler = new PseudoLabeler(teacher, config.labelPolicy());
    this.teacherVersion = teacherVersion;
    this.signingKey = Objects.requireNonNull(signingKey, "signingKey");
    this.config = Objects.requireNonNull(config, "config");
    this.progress = Objects.requireNonNull(progress, "progress");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.codeVersion = CodeVersion.detect();
    if (teacher.numClasses() != student.numClasses()) {
      throw new IllegalArgumentException("teacher has " + teacher.numClasses() + " classes, student "
          + studentModelId + " has " + student.numClasses());
    }
  }

  /** The settings. */
  public PipelineConfig config() {
    return config;
  }

  /** SHA-256 (hex) of the student's ONNX bytes, the bundles' {@code studentDigest}. */
  public String studentDigest() {
    return studentDigest;
  }

  /**
   * Runs one adaptation: one variant with the request's bundle id and version, the config's precision and
   * its {@link AdaptorChooser}.
   *
   * @throws IllegalArgumentException naming the problem if the request is unusable (no samples,
   *     repeated sample ids, a domain with fewer than 2 samples, a reserved domain id, labels out of
   *     range, frames of another channel count than the student's)
   */
  public AdaptationResult adapt(AdaptationRequest request) {
    return adaptVariants(request, List.of(new Variant(request.bundleId(), request.version(), config.precision(), null)))
        .get(0);
  }

  /**
   * Runs one adaptation and emits one bundle per variant. The expensive part — validation and split,
   * pseudo-labels, raw-frame routing, per-domain prompts and the prompted features — runs once and is
   * shared; each variant then gets its own adaptors (at its precision, within its budget if it has one),
   * per-domain gate, quantization figures, bundle and signature. The request's {@code bundleId()} and
   * {@code version()} are ignored: each result carries its variant's. Every result's {@code seconds} counts
   * from the start of the shared part to the end of that variant.
   *
   * @param request the samples
   * @param variants the bundles to emit, at least one, with distinct (bundle id, version)
   * @return one result per variant, in the variants' order
   * @throws IllegalArgumentException naming the problem if the request or the variant list is unusable
   */
  public List<AdaptationResult> adaptVariants(AdaptationRequest request, List<Variant> variants) {
    if (variants.isEmpty()) {
      throw new IllegalArgumentException("no variant: an adaptation needs at least one bundle to emit");
    }
    Set<String> keys = new HashSet<>();
    for (Variant v : variants) {
      if (!keys.add(v.bundleId() + " v" + v.version())) {
        throw new IllegalArgumentException("variant " + v.bundleId() + " v" + v.version() + " appears twice");
      }
    }
    long start = System.nanoTime();
    Prepared prepared = prepare(request, start, variants.size());
    List<Fitted> fitted = variants.stream().map(v -> fit(prepared, v, start)).toList();
    List<AdaptationResult> results = new ArrayList<>();
    for (int i = 0; i < variants.size(); i++) {
      Variant v = variants.get(i);
      listener.phase(Phase.GATING, "gating " + v.bundleId() + " v" + v.version() + " (" + v.precision() + ")");
      results.add(gateAndBundle(prepared, v, fitted.get(i), start));
    }
    return List.copyOf(results);
  }

  private static Map<String, PseudoLabel> labelsBySample(Prepared p) {
    Map<String, PseudoLabel> labels = new LinkedHashMap<>();
    p.trainLabels().forEach(l -> labels.put(p.split().train().get(l.index()).sampleId(), l));
    p.heldOutLabels().forEach(l -> labels.put(p.split().heldOut().get(l.index()).sampleId(), l));
    return labels;
  }

  /** What every variant shares: the split, the labels, the routing, the prompts and the prompted features. */
  private record Prepared(
      Split split,
      List<Image> heldOutImages,
      List<PseudoLabel> trainLabels,
      List<PseudoLabel> heldOutLabels,
      float[][] teacherProbabilities,
      List<Image> sourceFrames,
      int[] sourceLabels,
      int anchorCount,
      FrameRouting routing,
      Map<String, List<Integer>> rowsByDomain,
      Map<String, Hypervector> prototypes,
      Map<String, VisualPrompt> prompts,
      Map<String, String> lineage,
      Map<String, float[][]> featuresByDomain,
      Map<String, float[][]> logitsByDomain,
      Map<String, float[][]> probabilitiesByDomain,
      int[] unadaptedHeldOut,
      int[] unadaptedSource,
      DeviceReplay.@Nullable Outcome promptOnlyHeldOut,
      DeviceReplay.@Nullable Outcome promptOnlySource) {}

  /** One variant's adaptors: every domain's at each exported precision, and its own lineage. */
  private record Fitted(Map<Precision, List<DomainAdaptor>> adaptors, Map<String, String> lineage) {}

  private Prepared prepare(AdaptationRequest request, long start, int variants) {
    int classes = student.numClasses();
    int[] shape = student.inputShape();
    listener.phase(Phase.LABELLING, "labelling " + request.samples().size() + " uploaded samples");
    Split split = validateAndSplit(request, classes, shape[0]);
    List<UploadedSample> train = split.train();
    List<UploadedSample> heldOut = split.heldOut();
    step(start, "labelling " + request.samples().size() + " uploaded samples in " + split.domains().size()
        + " domain(s) with the teacher (" + train.size() + " to train, " + heldOut.size() + " held out)");
    List<Image> trainImages = conform(train, shape);
    List<Image> heldOutImages = conform(heldOut, shape);
    List<PseudoLabel> trainLabels = labeler.label(trainImages);
    List<PseudoLabel> heldOutLabels = labeler.label(heldOutImages);
    if (trainLabels.isEmpty()) {
      throw new IllegalArgumentException("the label policy " + config.labelPolicy() + " kept none of the "
          + train.size() + " training samples; lower its minimum confidence");
    }
    if (heldOutLabels.isEmpty()) {
      throw new IllegalArgumentException("the label policy " + config.labelPolicy() + " kept none of the "
          + heldOut.size() + " held-out samples, so the gate has nothing to compare on");
    }
    List<Image> labelledTrain = new ArrayList<>();
    float[][] teacherProbabilities = new float[trainLabels.size()][];
    for (int i = 0; i < trainLabels.size(); i++) {
      labelledTrain.add(trainImages.get(trainLabels.get(i).index()));
      teacherProbabilities[i] = trainLabels.get(i).probabilities();
    }
    // Source samples: even positions fit the raw-frame routing (and anchor prompts if asked), odd ones are held out for the gate.
    List<Image> anchorFrames = new ArrayList<>();
    List<Image> sourceFrames = new ArrayList<>();
    List<Integer> sourceLabelList = new ArrayList<>();
    int[] allSourceLabels = request.source().labels();
    for (int i = 0; i < request.source().frames().size(); i++) {
      if (i % 2 == 0) {
        anchorFrames.add(request.source().frames().get(i));
      } else {
        sourceFrames.add(request.source().frames().get(i));
        sourceLabelList.add(allSourceLabels[i]);
      }
    }
    int[] sourceLabels = sourceLabelList.stream().mapToInt(Integer::intValue).toArray();

    listener.phase(Phase.TRAINING, "routing, prompts of " + split.domains().size() + " domain(s), adaptors of "
        + variants + " variant(s)");
    Map<String, String> lineage = new TreeMap<>();
    // Raw-frame routing first: standardised on the source anchors, source prototype from them, one prototype per
    // domain from its real uploads (training and held out). It decides, before any prompt, which domain a frame is.
    step(start, "fitting the raw-frame routing on " + anchorFrames.size() + " source anchors");
    FrameRouting routing = FrameRouting.fit(anchorFrames, anchorFrames, config.hdcDimension(), HdcEncoder.DEFAULT_SEED,
        config.routingMargin());
    Map<String, List<Image>> framesByDomain = new LinkedHashMap<>();
    Map<String, List<Integer>> rowsByDomain = new LinkedHashMap<>();
    for (String domain : split.domains()) {
      framesByDomain.put(domain, new ArrayList<>());
      rowsByDomain.put(domain, new ArrayList<>());
    }
    for (int i = 0; i < train.size(); i++) {
      framesByDomain.get(train.get(i).domainId()).add(trainImages.get(i));
    }
    for (int i = 0; i < heldOut.size(); i++) {
      framesByDomain.get(heldOut.get(i).domainId()).add(heldOutImages.get(i));
    }
    for (int i = 0; i < trainLabels.size(); i++) {
      rowsByDomain.get(train.get(trainLabels.get(i).index()).domainId()).add(i);
    }
    Map<String, Hypervector> prototypes = new LinkedHashMap<>();
    framesByDomain.forEach((domain, frames) -> prototypes.put(domain, routing.prototype(frames)));
    lineage.put("routing.dimension", Integer.toString(routing.encoder().dimension()));
    lineage.put("routing.seed", Long.toString(routing.encoder().seed()));
    lineage.put("routing.margin", Double.toString(routing.margin()));
    lineage.put("routing.bias", Double.toString(FrameRouting.DEFAULT_BIAS));
    lineage.put("routing.fit", "raw-frame descriptors of " + anchorFrames.size() + " source samples");

    // One prompt per domain, learned on that domain's uploads only: the router keeps source frames off it.
    Map<String, VisualPrompt> prompts = new LinkedHashMap<>();
    if (config.promptEnabled()) {
      for (Map.Entry<String, List<Integer>> e : rowsByDomain.entrySet()) {
        String domain = e.getKey();
        List<Image> promptFrames = new ArrayList<>();
        List<float[]> promptTargets = new ArrayList<>();
        for (int r : e.getValue()) {
          promptFrames.add(labelledTrain.get(r));
          promptTargets.add(teacherProbabilities[r]);
        }
        int uploadsOfDomain = promptFrames.size();
        if (config.sourceAnchors()) {
          int anchors = Math.min(anchorFrames.size(), Math.max(MIN_ANCHORS, uploadsOfDomain));
          List<Image> chosenAnchors = anchorFrames.subList(0, anchors);
          for (PseudoLabel l : labeler.label(chosenAnchors)) {
            promptFrames.add(chosenAnchors.get(l.index()));
            promptTargets.add(l.probabilities());
          }
        }
        step(start, "learning the visual prompt of " + domain + " (" + config.promptMode() + ") on " + uploadsOfDomain
            + " uploads" + (config.sourceAnchors() ? " and " + (promptFrames.size() - uploadsOfDomain) + " source anchors" : ""));
        PromptLearner.Result learned = PromptLearning.learn(studentOnnx, studentModelId, promptFrames,
            promptTargets.toArray(float[][]::new), config.promptMode(), config.whiteBox(), config.blackBox());
        prompts.put(domain, learned.prompt());
        learned.lineage().forEach((k, v) -> {
          lineage.put(k, v);
          lineage.put(k.replaceFirst("^prompt\\.", "prompt." + domain + "."), v);
        });
        lineage.put("prompt." + domain + ".sourceAnchors", Integer.toString(promptFrames.size() - uploadsOfDomain));
        step(start, String.format(Locale.ROOT, "prompt of %s %s: loss %.4f -> %.4f", domain,
            learned.lineage().get("prompt.mode"), learned.initialLoss(), learned.finalLoss()));
      }
      lineage.put("prompt.scope", "per domain, on the domain's uploads");
    } else {
      lineage.put("prompt.mode", "off");
    }

    Map<String, float[][]> featuresByDomain = new LinkedHashMap<>();
    Map<String, float[][]> logitsByDomain = new LinkedHashMap<>();
    Map<String, float[][]> probabilitiesByDomain = new LinkedHashMap<>();
    if (config.adaptorEnabled()) {
      rowsByDomain.forEach((domain, rows) -> {
        StudentOutput out = DeviceReplay.infer(student, prompts.get(domain),
            rows.stream().map(labelledTrain::get).toList());
        featuresByDomain.put(domain, out.features());
        logitsByDomain.put(domain, out.logits());
        probabilitiesByDomain.put(domain, rows.stream().map(r -> teacherProbabilities[r]).toArray(float[][]::new));
      });
    }
    int[] unadaptedHeldOut = DeviceReplay.bare(student, heldOutImages).predictions();
    int[] unadaptedSource = DeviceReplay.bare(student, sourceFrames).predictions();
    DeviceReplay.Outcome promptOnlyHeldOut = null;
    DeviceReplay.Outcome promptOnlySource = null;
    if (promptOnlyFallback()) {
      // every variant compares its adaptors with the same prompt-only bundle, so replay that once
      FrameRouter promptOnly = new FrameRouter(routing, domains(split.domains(), prototypes, prompts, List.of()));
      promptOnlyHeldOut = DeviceReplay.run(student, promptOnly, heldOutImages);
      promptOnlySource = DeviceReplay.run(student, promptOnly, sourceFrames);
    }
    return new Prepared(split, heldOutImages, trainLabels, heldOutLabels, teacherProbabilities, sourceFrames,
        sourceLabels, anchorFrames.size(), routing, rowsByDomain, prototypes, prompts, lineage, featuresByDomain,
        logitsByDomain, probabilitiesByDomain, unadaptedHeldOut, unadaptedSource, promptOnlyHeldOut,
        promptOnlySource);
  }

  private boolean promptOnlyFallback() {
    return config.promptOnlyFallback() && config.promptEnabled() && config.adaptorEnabled();
  }

  private Fitted fit(Prepared p, Variant variant, long start) {
    Map<String, String> lineage = new TreeMap<>();
    lineage.put("variant.precision", variant.precision().name());
    AdaptorBudget budget = variant.budget();
    if (budget == null) {
      lineage.put("variant.budget", "none: the config's adaptor chooser");
    } else {
      lineage.put("variant.budget.maxBytes", Long.toString(budget.maxBytes()));
      lineage.put("variant.budget.maxMacsPerFrame", Long.toString(budget.maxMacsPerFrame()));
      lineage.put("variant.budget.precisions", budget.precisions().stream().sorted().toList().toString());
    }
    Map<Precision, List<DomainAdaptor>> adaptors = new EnumMap<>(Precision.class);
    if (!config.adaptorEnabled()) {
      lineage.put("adaptor.kind", "off");
      return new Fitted(adaptors, lineage);
    }
    if (budget != null) {
      adaptors.put(variant.precision(), fitWithinBudget(p, variant, budget, lineage, start));
      return new Fitted(adaptors, lineage);
    }
    step(start, "fitting per-domain adaptors on each domain's prompted student features");
    Map<String, Integer> counts = new LinkedHashMap<>();
    p.rowsByDomain().forEach((domain, rows) -> counts.put(domain, rows.size()));
    AdaptorSpec spec = config.chooser().choose(new AdaptorChooser.Context(student.featureDimension(),
        student.numClasses(), counts, variant.precision(), p.featuresByDomain(), p.probabilitiesByDomain()));
    lineage.putAll(spec.lineage());
    RidgeAdaptorTrainer trainer = new RidgeAdaptorTrainer(
        new RandomProjection(student.featureDimension(), spec.randomFeatures(), spec.projectionSeed()),
        student.numClasses(), spec.lambda());
    p.rowsByDomain().forEach((domain, rows) -> {
      if (rows.isEmpty()) {
        return;
      }
      float[][] targets = new float[rows.size()][];
      double[] weights = new double[rows.size()];
      for (int j = 0; j < rows.size(); j++) {
        int r = rows.get(j);
        targets[j] = spec.residual() ? correction(p.teacherProbabilities()[r], p.logitsByDomain().get(domain)[j])
            : p.teacherProbabilities()[r];
        weights[j] = p.trainLabels().get(r).weight();
      }
      trainer.add(domain, p.featuresByDomain().get(domain), targets, weights);
    });
    lineage.putAll(trainer.lineage());
    for (Precision precision : Precision.values()) {
      List<DomainAdaptor> list = new ArrayList<>();
      for (String domain : trainer.domains()) {
        Adaptor exported = trainer.domainHead(domain).toAdaptor(precision);
        if (spec.residual()) {
          exported = new Adaptor(exported.layers(), true);
        }
        list.add(new DomainAdaptor(domain, p.prototypes().get(domain), exported));
      }
      adaptors.put(precision, List.copyOf(list));
    }
    for (String domain : trainer.domains()) {
      lineage.put("variant.domain." + domain + ".adaptor", String.format(Locale.ROOT,
          "ridge width=%d lambda=%s precision=%s (%s)", spec.randomFeatures(), spec.lambda(), variant.precision(),
          spec.chosenBy()));
    }
    return new Fitted(adaptors, lineage);
  }

  /**
   * Each domain's adaptor chosen by the zero-shot chooser within the budget at the variant's precision, fitted to
   * the teacher's soft labels (the chooser scores heads that replace the student's, so no residual); a domain for
   * which nothing fits gets no adaptor and the reason in the lineage.
   */
  private List<DomainAdaptor> fitWithinBudget(Prepared p, Variant variant, AdaptorBudget budget,
      Map<String, String> lineage, long start) {
    step(start, "choosing per-domain adaptors within " + budget.maxBytes() + " bytes and " + budget.maxMacsPerFrame()
        + " MACs at " + variant.precision() + " for " + variant.bundleId());
    lineage.put("adaptor.kind", "zero-shot choice within the budget");
    lineage.put("adaptor.choice", "zero-shot");
    List<DomainAdaptor> list = new ArrayList<>();
    for (Map.Entry<String, List<Integer>> e : p.rowsByDomain().entrySet()) {
      String domain = e.getKey();
      String key = "variant.domain." + domain + ".";
      List<Integer> rows = e.getValue();
      if (!budget.precisions().contains(variant.precision())) {
        lineage.put(key + "adaptor", "none: the budget allows " + budget.precisions().stream().sorted().toList()
            + ", not " + variant.precision());
        continue;
      }
      if (rows.isEmpty()) {
        lineage.put(key + "adaptor", "none: no training sample of the domain kept a teacher label");
        continue;
      }
      AdaptorBudget narrowed = new AdaptorBudget(budget.maxBytes(), budget.maxMacsPerFrame(),
          Set.of(variant.precision()));
      float[][] features = p.featuresByDomain().get(domain);
      float[][] targets = p.probabilitiesByDomain().get(domain);
      double[] weights = rows.stream().mapToDouble(r -> p.trainLabels().get(r).weight()).toArray();
      AdaptorChoice choice;
      try {
        choice = config.budgetChooser().choose(narrowed, features, targets, weights);
      } catch (IllegalArgumentException ex) {
        lineage.put(key + "adaptor", "none: " + ex.getMessage());
        step(start, domain + " ships its prompt only in " + variant.bundleId() + ": " + ex.getMessage());
        continue;
      }
      Adaptor adaptor = choice.fit(features, targets, weights);
      if (!budget.admits(adaptor)) {
        throw new IllegalStateException("the chosen " + adaptor + " of " + domain + " exceeds the budget " + budget);
      }
      list.add(new DomainAdaptor(domain, p.prototypes().get(domain), adaptor));
      AdaptorCandidate c = choice.chosen();
      lineage.put(key + "adaptor", String.format(Locale.ROOT, "%s width=%d lambda=%s precision=%s bytes=%d macs=%d",
          c.kind().name().toLowerCase(Locale.ROOT), c.width(), c.lambda(), c.precision(), c.bytes(), c.macs()));
      choice.lineage().forEach((k, v) -> {
        if (!k.startsWith("choice.candidate.")) {
          lineage.put(key + k, v);
        }
      });
    }
    return List.copyOf(list);
  }

  /**
   * A domain's gate: its held-out uploads (teacher labels) under {@code heldOut}, and the held-out source frames
   * with the domain's route as in {@code source} and every other frame unadapted.
   */
  private GateDecision domainGate(Prepared p, String domain, DeviceReplay.Outcome heldOut,
      DeviceReplay.Outcome source) {
    List<PseudoLabel> own = p.heldOutLabels().stream()
        .filter(l -> p.split().heldOut().get(l.index()).domainId().equals(domain)).toList();
    int[] sourceAdapted = new int[p.sourceFrames().size()];
    for (int i = 0; i < sourceAdapted.length; i++) {
      sourceAdapted[i] = source.routes()[i].equals(domain) ? source.predictions()[i] : p.unadaptedSource()[i];
    }
    GateComparison sourceComparison = GateComparison.of(p.sourceLabels(), p.unadaptedSource(), sourceAdapted);
    return own.isEmpty()
        ? new GateDecision(false, "no held-out sample of the domain kept a teacher label", config.gate(),
            new GateComparison(0, 0, 0), sourceComparison)
        : GateDecision.decide(config.gate(),
            GateComparison.ofPseudoLabels(own, p.unadaptedHeldOut(), heldOut.predictions()), sourceComparison);
  }

  /** Whether the prompt-only option beats the prompt+adaptor one: it ships where the other does not, or is more accurate. */
  private static boolean promptOnlyWins(GateDecision withAdaptor, GateDecision promptOnly) {
    if (!promptOnly.ships()) {
      return false;
    }
    if (!withAdaptor.ships()) {
      return true;
    }
    return promptOnly.target().adaptedAccuracy() > withAdaptor.target().adaptedAccuracy();
  }

  private AdaptationResult gateAndBundle(Prepared p, Variant variant, Fitted fitted, long start) {
    List<String> domainIds = p.split().domains();
    List<Image> heldOutImages = p.heldOutImages();
    List<Image> sourceFrames = p.sourceFrames();
    Map<String, String> lineage = new TreeMap<>(p.lineage());
    lineage.putAll(fitted.lineage());
    Map<Precision, List<DomainAdaptor>> adaptors = fitted.adaptors();
    List<DomainAdaptor> variantAdaptors = adaptors.getOrDefault(variant.precision(), List.of());
    Set<String> withAdaptor = variantAdaptors.stream().map(DomainAdaptor::domainId).collect(Collectors.toSet());

    step(start, "gate per domain: replaying " + heldOutImages.size() + " held-out and " + sourceFrames.size()
        + " source samples on the device path");
    FrameRouter candidateRouter = new FrameRouter(p.routing(),
        domains(domainIds, p.prototypes(), p.prompts(), variantAdaptors));
    DeviceReplay.Outcome candidateHeldOut = DeviceReplay.run(student, candidateRouter, heldOutImages);
    DeviceReplay.Outcome candidateSource = DeviceReplay.run(student, candidateRouter, sourceFrames);
    Map<String, GateDecision> domainGates = new LinkedHashMap<>();
    List<String> survivors = new ArrayList<>();
    Set<String> promptOnlyDomains = new HashSet<>();
    for (String domain : domainIds) {
      GateDecision gate = domainGate(p, domain, candidateHeldOut, candidateSource);
      String prefix = "gate.domain." + domain + ".";
      if (!withAdaptor.contains(domain) && !p.prompts().containsKey(domain)) {
        gate = new GateDecision(false, "neither a prompt nor an adaptor to ship", config.gate(), gate.target(),
            gate.source());
      } else if (withAdaptor.contains(domain) && p.promptOnlyHeldOut() != null && p.promptOnlySource() != null) {
        GateDecision promptOnly = domainGate(p, domain, p.promptOnlyHeldOut(), p.promptOnlySource());
        gate.lineage().forEach((k, v) -> lineage.put(k.replaceFirst("^gate\\.", prefix + "promptAdaptor."), v));
        promptOnly.lineage().forEach((k, v) -> lineage.put(k.replaceFirst("^gate\\.", prefix + "promptOnly."), v));
        if (promptOnlyWins(gate, promptOnly)) {
          gate = promptOnly;
          promptOnlyDomains.add(domain);
        }
      }
      if (gate.ships()) {
        survivors.add(domain);
        lineage.put(prefix + "shipped", withAdaptor.contains(domain) && !promptOnlyDomains.contains(domain)
            ? (p.prompts().containsKey(domain) ? "prompt+adaptor" : "adaptor only") : "prompt only");
      }
      domainGates.put(domain, gate);
      gate.lineage().forEach((k, v) -> lineage.put(k.replaceFirst("^gate\\.", prefix), v));
    }
    lineage.put("gate.domains.shipped", String.join(",", survivors));
    lineage.put("gate.domains.left", String.join(",",
        domainIds.stream().filter(d -> !survivors.contains(d)).toList()));

    // What ships: the surviving domains only; the gate's figures are those of that bundle on every held-out frame.
    Map<String, VisualPrompt> shippedPrompts = new LinkedHashMap<>(p.prompts());
    shippedPrompts.keySet().retainAll(survivors);
    List<DomainAdaptor> shipped = variantAdaptors.stream()
        .filter(d -> survivors.contains(d.domainId()) && !promptOnlyDomains.contains(d.domainId())).toList();
    FrameRouter shippedRouter = new FrameRouter(p.routing(), domains(survivors, p.prototypes(), shippedPrompts, shipped));
    int[] adaptedHeldOut = DeviceReplay.run(student, shippedRouter, heldOutImages).predictions();
    int[] adaptedSource = DeviceReplay.run(student, shippedRouter, sourceFrames).predictions();
    GateComparison target = GateComparison.ofPseudoLabels(p.heldOutLabels(), p.unadaptedHeldOut(), adaptedHeldOut);
    GateComparison source = GateComparison.of(p.sourceLabels(), p.unadaptedSource(), adaptedSource);
    String reasons = domainGates.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue().reason()).collect(Collectors.joining("; "));
    GateDecision decision = new GateDecision(!survivors.isEmpty(), survivors.isEmpty()
        ? "no domain passed the gate: " + reasons
        : survivors.size() + " of " + domainIds.size() + " domain(s) pass: " + reasons,
        config.gate(), target, source);
    lineage.putAll(decision.lineage());

    List<QuantizationCost> quantization = new ArrayList<>();
    if (config.adaptorEnabled() && !variantAdaptors.isEmpty()) {
      double fp32 = Double.NaN;
      for (Precision precision : Precision.values()) {
        List<DomainAdaptor> list = adaptors.get(precision);
        if (list == null) {
          continue;
        }
        FrameRouter router = new FrameRouter(p.routing(), domains(domainIds, p.prototypes(), p.prompts(), list));
        int[] predicted = DeviceReplay.run(student, router, heldOutImages).predictions();
        double accuracy = GateComparison.ofPseudoLabels(p.heldOutLabels(), predicted, predicted).adaptedAccuracy();
        fp32 = precision == Precision.FP32 ? accuracy : fp32;
        long bytes = list.stream().mapToLong(d -> d.adaptor().byteSize()).sum();
        quantization.add(new QuantizationCost(precision, bytes, accuracy, 100 * (fp32 - accuracy)));
      }
      lineage.putAll(QuantizationCost.lineage(quantization));
      lineage.put("quantization.shipped", variant.precision().name());
    }

    List<UploadedSample> train = p.split().train();
    List<UploadedSample> heldOut = p.split().heldOut();
    lineage.put("pipeline.prompt", Boolean.toString(config.promptEnabled()));
    lineage.put("pipeline.adaptor", Boolean.toString(config.adaptorEnabled()));
    lineage.put("pipeline.promptOnlyFallback", Boolean.toString(promptOnlyFallback()));
    lineage.put("labels.policy", config.labelPolicy().toString());
    lineage.put("samples.domains", String.join(",", domainIds));
    lineage.put("samples.train", String.join(",", train.stream().map(UploadedSample::sampleId).toList()));
    lineage.put("samples.heldOut", String.join(",", heldOut.stream().map(UploadedSample::sampleId).toList()));
    lineage.put("samples.source", p.anchorCount() + " routing, " + sourceFrames.size() + " gate");
    lineage.put("student.model", studentModelId);
    lineage.put("student.digest", studentDigest);
    lineage.put("teacher.version", teacherVersion);
    lineage.put("code.version", codeVersion);

    Bundle.Builder builder = Bundle.builder()
        .setMetadata(new BundleMetadata(variant.bundleId(), variant.version(), studentModelId, studentDigest,
            Instant.now(), lineage))
        .optRouting(p.routing());
    shipped.forEach(builder::optAdaptor);
    Set<String> shippedWithAdaptor = shipped.stream().map(DomainAdaptor::domainId).collect(Collectors.toSet());
    for (String domain : survivors) {
      if (!shippedWithAdaptor.contains(domain)) {
        builder.optExtraPrototype(new DomainPrototype(domain, p.prototypes().get(domain)));
      }
    }
    shippedPrompts.forEach(builder::optDomainPrompt);
    Bundle candidate = builder.build();
    byte[] encoded = decision.ships() ? BundleCodec.encode(candidate, signingKey) : null;
    double seconds = (System.nanoTime() - start) / 1e9;
    step(start, decision.ships()
        ? "bundle " + variant.bundleId() + " v" + variant.version() + " ships (" + encoded.length + " bytes): "
            + decision.reason()
        : "gate rejected bundle " + variant.bundleId() + ": " + decision.reason());
    return new AdaptationResult(encoded, candidate, p.prompts(), adaptors, p.routing(), p.prototypes(), decision,
        domainGates, quantization, lineage, train.stream().map(UploadedSample::sampleId).toList(),
        heldOut.stream().map(UploadedSample::sampleId).toList(), labelsBySample(p), seconds);
  }

  /** Routable domains: each id with its prototype, its prompt (if any) and its adaptor from {@code adaptors} (if any). */
  static List<FrameRouter.Domain> domains(List<String> ids, Map<String, Hypervector> prototypes,
      Map<String, VisualPrompt> prompts, List<DomainAdaptor> adaptors) {
    Map<String, Adaptor> byId = new LinkedHashMap<>();
    adaptors.forEach(d -> byId.put(d.domainId(), d.adaptor()));
    return ids.stream().map(id -> new FrameRouter.Domain(id, prototypes.get(id), prompts.get(id), byId.get(id))).toList();
  }

  private record Split(List<String> domains, List<UploadedSample> train, List<UploadedSample> heldOut) {}

  private Split validateAndSplit(AdaptationRequest request, int classes, int channels) {
    if (request.samples().isEmpty()) {
      throw new IllegalArgumentException("no uploaded samples: an adaptation needs at least 2 per domain");
    }
    Set<String> ids = new HashSet<>();
    Map<String, List<UploadedSample>> byDomain = new LinkedHashMap<>();
    for (UploadedSample s : request.samples()) {
      if (!ids.add(s.sampleId())) {
        throw new IllegalArgumentException("sample id '" + s.sampleId() + "' appears twice");
      }
      if (s.domainId().equals(DomainRouter.STUDENT_ROUTE)) {
        throw new IllegalArgumentException("domain id '" + DomainRouter.STUDENT_ROUTE
            + "' is reserved for the student's own head; rename the domain of sample '" + s.sampleId() + "'");
      }
      if (s.image().channels() != channels) {
        throw new IllegalArgumentException("sample '" + s.sampleId() + "' has " + s.image().channels()
            + " channels, the student " + studentModelId + " takes " + channels);
      }
      byDomain.computeIfAbsent(s.domainId(), d -> new ArrayList<>()).add(s);
    }
    if (request.source().frames().size() < 2) {
      throw new IllegalArgumentException("need at least 2 source samples (half fit the raw-frame routing"
          + ", half are held out for the gate), got " + request.source().frames().size());
    }
    for (int label : request.source().labels()) {
      if (label < 0 || label >= classes) {
        throw new IllegalArgumentException("source label " + label + " is outside [0, " + classes + ")");
      }
    }
    List<UploadedSample> train = new ArrayList<>();
    List<UploadedSample> heldOut = new ArrayList<>();
    for (Map.Entry<String, List<UploadedSample>> e : byDomain.entrySet()) {
      List<UploadedSample> samples = new ArrayList<>(e.getValue());
      if (samples.size() < 2) {
        throw new IllegalArgumentException("domain '" + e.getKey() + "' has " + samples.size()
            + " sample; it needs at least 2 (one to train on, one held out for the gate)");
      }
      SplittableRandom random = new SplittableRandom(config.seed() ^ e.getKey().hashCode());
      for (int i = samples.size() - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        UploadedSample t = samples.get(i);
        samples.set(i, samples.get(j));
        samples.set(j, t);
      }
      int held = Math.max(1, (int) Math.floor(config.heldOutFraction() * samples.size()));
      heldOut.addAll(samples.subList(0, held));
      train.addAll(samples.subList(held, samples.size()));
    }
    return new Split(List.copyOf(byDomain.keySet()), train, heldOut);
  }

  private static List<Image> conform(List<UploadedSample> samples, int[] shape) {
    return samples.stream().map(s -> ImageOps.conform(s.image(), shape[0], shape[1], shape[2])).toList();
  }

  /** The residual target {@code log p_teacher − log_softmax(student)} (probabilities floored at 1e-4). */
  static float[] correction(float[] teacherProbabilities, float[] studentLogits) {
    double logSumExp = Logits.logSumExp(studentLogits, 1.0);
    float[] out = new float[teacherProbabilities.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = (float) (Math.log(Math.max(1e-4, teacherProbabilities[k])) - (studentLogits[k] - logSumExp));
    }
    return out;
  }

  private void step(long start, String message) {
    progress.accept(String.format(Locale.ROOT, "[%6.1f s] %s", (System.nanoTime() - start) / 1e9, message));
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
