package io.driftline.teacher.pipeline;

import io.driftline.core.bundle.Bundle;
import io.driftline.core.bundle.BundleCodec;
import io.driftline.core.bundle.BundleMetadata;
import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.hdc.PrototypeMemory;
import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import io.driftline.core.model.StudentModel;
import io.driftline.core.model.StudentOutput;
import io.driftline.core.uncertainty.Logits;
import io.driftline.core.update.Adaptor;
import io.driftline.core.update.DomainAdaptor;
import io.driftline.core.update.DomainRouter;
import io.driftline.core.update.Precision;
import io.driftline.core.update.VisualPrompt;
import io.driftline.teacher.adapt.GateComparison;
import io.driftline.teacher.adapt.GateDecision;
import io.driftline.teacher.adapt.PromptLearner;
import io.driftline.teacher.adapt.PromptLearning;
import io.driftline.teacher.adapt.QuantizationCost;
import io.driftline.teacher.adapt.RandomProjection;
import io.driftline.teacher.adapt.RidgeAdaptorTrainer;
import io.driftline.teacher.adapt.RidgeHead;
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

/**
 * Turns uploaded samples into a signed bundle: teacher pseudo-labels → visual prompt (VPLU, mode
 * chosen automatically unless forced) → features of {@code student(prompt(x))} → one ridge adaptor
 * per domain (spec from the {@link AdaptorChooser}) → HDC domain prototypes of the real frames'
 * prompted features, encoded as the device encodes them → export at every precision and the
 * accuracy cost of each → gate on held-out pseudo-labelled samples and on source samples, both
 * replayed on the device path ({@link DeviceReplay}) → the bundle, signed with Ed25519 when the
 * gate lets it ship.
 *
 * <p>All domains of one request share one prompt (a bundle has one), learned on the pooled uploads;
 * each domain's adaptor is fitted on its own samples only. The bundle carries its HDC encoder
 * ({@link PipelineConfig#hdcDimension()} bits, centred on the mean prompted feature vector of the
 * source samples), so a device routes with exactly the projection the prototypes were made with;
 * source frames then look like no domain (similarity near 0.5) and keep the student's own head.
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
    this.studentOnnx = studentOnnx.clone();
    this.studentModelId = studentModelId;
    this.studentDigest = sha256(studentOnnx);
    this.student = Objects.requireNonNull(student, "student");
    this.labeler = new PseudoLabeler(teacher, config.labelPolicy());
    this.teacherVersion = teacherVersion;
    this.signingKey = Objects.requireNonNull(signingKey, "signingKey");
    this.config = Objects.requireNonNull(config, "config");
    this.progress = Objects.requireNonNull(progress, "progress");
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
   * Runs one adaptation.
   *
   * @throws IllegalArgumentException naming the problem if the request is unusable (no samples,
   *     repeated sample ids, a domain with fewer than 2 samples, a reserved domain id, labels out of
   *     range, frames of another channel count than the student's)
   */
  public AdaptationResult adapt(AdaptationRequest request) {
    long start = System.nanoTime();
    int classes = student.numClasses();
    int[] shape = student.inputShape();
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
    // Source samples: even positions anchor the prompt and centre the HDC encoder, odd ones are held out for the gate.
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

    Map<String, String> lineage = new TreeMap<>();
    VisualPrompt prompt = null;
    if (config.promptEnabled()) {
      List<Image> promptFrames = new ArrayList<>(labelledTrain);
      List<float[]> promptTargets = new ArrayList<>(List.of(teacherProbabilities));
      if (config.sourceAnchors()) {
        // As many anchors as uploads (at least 16), so neither side dominates the mini-batches.
        int anchors = Math.min(anchorFrames.size(), Math.max(MIN_ANCHORS, labelledTrain.size()));
        List<Image> chosenAnchors = anchorFrames.subList(0, anchors);
        for (PseudoLabel l : labeler.label(chosenAnchors)) {
          promptFrames.add(chosenAnchors.get(l.index()));
          promptTargets.add(l.probabilities());
        }
      }
      step(start, "learning the visual prompt (" + config.promptMode() + ") on " + labelledTrain.size()
          + " uploads and " + (promptFrames.size() - labelledTrain.size()) + " source anchors");
      PromptLearner.Result learned = PromptLearning.learn(studentOnnx, studentModelId, promptFrames,
          promptTargets.toArray(float[][]::new), config.promptMode(), config.whiteBox(), config.blackBox());
      lineage.put("prompt.sourceAnchors", Integer.toString(promptFrames.size() - labelledTrain.size()));
      prompt = learned.prompt();
      lineage.putAll(learned.lineage());
      step(start, String.format(Locale.ROOT, "prompt %s: loss %.4f -> %.4f", learned.lineage().get("prompt.mode"),
          learned.initialLoss(), learned.finalLoss()));
    } else {
      lineage.put("prompt.mode", "off");
    }

    StudentOutput anchorPrompted = DeviceReplay.infer(student, prompt, anchorFrames);
    HdcEncoder encoder = null;
    Map<Precision, List<DomainAdaptor>> adaptors = new EnumMap<>(Precision.class);
    if (config.adaptorEnabled()) {
      step(start, "fitting per-domain adaptors on the prompted student's features");
      encoder = HdcEncoder.builder().setFeatureDimension(student.featureDimension())
          .optDimension(config.hdcDimension()).optCenter(mean(anchorPrompted.features())).build();
      StudentOutput trainOut = DeviceReplay.infer(student, prompt, labelledTrain);
      Map<String, List<Integer>> rowsByDomain = new LinkedHashMap<>();
      for (int i = 0; i < trainLabels.size(); i++) {
        rowsByDomain.computeIfAbsent(train.get(trainLabels.get(i).index()).domainId(), d -> new ArrayList<>()).add(i);
      }
      Map<String, Integer> counts = new LinkedHashMap<>();
      Map<String, float[][]> featuresByDomain = new LinkedHashMap<>();
      Map<String, float[][]> probabilitiesByDomain = new LinkedHashMap<>();
      rowsByDomain.forEach((domain, rows) -> {
        counts.put(domain, rows.size());
        featuresByDomain.put(domain, rows.stream().map(r -> trainOut.features()[r]).toArray(float[][]::new));
        probabilitiesByDomain.put(domain, rows.stream().map(r -> teacherProbabilities[r]).toArray(float[][]::new));
      });
      AdaptorSpec spec = config.chooser().choose(new AdaptorChooser.Context(student.featureDimension(), classes,
          counts, config.precision(), featuresByDomain, probabilitiesByDomain));
      lineage.putAll(spec.lineage());
      RidgeAdaptorTrainer trainer = new RidgeAdaptorTrainer(
          new RandomProjection(student.featureDimension(), spec.randomFeatures(), spec.projectionSeed()),
          classes, spec.lambda());
      rowsByDomain.forEach((domain, rows) -> {
        float[][] targets = new float[rows.size()][];
        double[] weights = new double[rows.size()];
        for (int j = 0; j < rows.size(); j++) {
          int r = rows.get(j);
          targets[j] = spec.residual() ? correction(teacherProbabilities[r], trainOut.logits()[r])
              : teacherProbabilities[r];
          weights[j] = trainLabels.get(r).weight();
        }
        trainer.add(domain, featuresByDomain.get(domain), targets, weights);
      });
      lineage.putAll(trainer.lineage());
      // Prototypes from every real frame of the domain (training and held out), encoded as the device does.
      List<UploadedSample> all = new ArrayList<>(train);
      all.addAll(heldOut);
      List<Image> allImages = new ArrayList<>(trainImages);
      allImages.addAll(heldOutImages);
      StudentOutput allOut = DeviceReplay.infer(student, prompt, allImages);
      PrototypeMemory prototypes = new PrototypeMemory(encoder.dimension());
      for (int i = 0; i < all.size(); i++) {
        prototypes.add(all.get(i).domainId(), encoder.encode(allOut.features()[i]));
      }
      for (Precision p : Precision.values()) {
        List<DomainAdaptor> list = new ArrayList<>();
        for (String domain : trainer.domains()) {
          RidgeHead head = trainer.domainHead(domain);
          Adaptor exported = head.toAdaptor(p);
          if (spec.residual()) {
            exported = new Adaptor(exported.layers(), true);
          }
          list.add(new DomainAdaptor(domain, prototypes.prototype(domain).orElseThrow(), exported));
        }
        adaptors.put(p, List.copyOf(list));
      }
      lineage.put("hdc.dimension", Integer.toString(encoder.dimension()));
      lineage.put("hdc.seed", Long.toString(encoder.seed()));
      lineage.put("hdc.center", "mean prompted features of " + anchorFrames.size() + " source samples");
      lineage.put("hdc.routingThreshold", Double.toString(config.routingThreshold()));
    } else {
      lineage.put("adaptor.kind", "off");
    }

    step(start, "gate: replaying " + heldOutImages.size() + " held-out and " + sourceFrames.size()
        + " source samples on the device path");
    HdcEncoder routing = encoder != null ? encoder : DeviceReplay.defaultEncoder(student.featureDimension());
    int[] unadaptedHeldOut = DeviceReplay.run(student, null, List.of(), routing, 1, heldOutImages).predictions();
    int[] unadaptedSource = DeviceReplay.run(student, null, List.of(), routing, 1, sourceFrames).predictions();
    List<DomainAdaptor> shipped = adaptors.getOrDefault(config.precision(), List.of());
    int[] adaptedHeldOut = DeviceReplay.run(student, prompt, shipped, routing, config.routingThreshold(),
        heldOutImages).predictions();
    int[] adaptedSource = DeviceReplay.run(student, prompt, shipped, routing, config.routingThreshold(),
        sourceFrames).predictions();
    GateComparison target = GateComparison.ofPseudoLabels(heldOutLabels, unadaptedHeldOut, adaptedHeldOut);
    GateComparison source = GateComparison.of(sourceLabels, unadaptedSource, adaptedSource);
    GateDecision decision = GateDecision.decide(config.gate(), target, source);
    lineage.putAll(decision.lineage());

    List<QuantizationCost> quantization = new ArrayList<>();
    if (config.adaptorEnabled()) {
      double fp32 = Double.NaN;
      for (Precision p : Precision.values()) {
        List<DomainAdaptor> list = adaptors.get(p);
        int[] predicted = DeviceReplay.run(student, prompt, list, routing, config.routingThreshold(), heldOutImages)
            .predictions();
        double accuracy = GateComparison.ofPseudoLabels(heldOutLabels, predicted, predicted).adaptedAccuracy();
        fp32 = p == Precision.FP32 ? accuracy : fp32;
        long bytes = list.stream().mapToLong(d -> d.adaptor().byteSize()).sum();
        quantization.add(new QuantizationCost(p, bytes, accuracy, 100 * (fp32 - accuracy)));
      }
      lineage.putAll(QuantizationCost.lineage(quantization));
      lineage.put("quantization.shipped", config.precision().name());
    }

    lineage.put("pipeline.prompt", Boolean.toString(config.promptEnabled()));
    lineage.put("pipeline.adaptor", Boolean.toString(config.adaptorEnabled()));
    lineage.put("labels.policy", config.labelPolicy().toString());
    lineage.put("samples.domains", String.join(",", split.domains()));
    lineage.put("samples.train", String.join(",", train.stream().map(UploadedSample::sampleId).toList()));
    lineage.put("samples.heldOut", String.join(",", heldOut.stream().map(UploadedSample::sampleId).toList()));
    lineage.put("samples.source", anchorFrames.size() + " anchors/centre, " + sourceFrames.size() + " gate");
    lineage.put("student.model", studentModelId);
    lineage.put("student.digest", studentDigest);
    lineage.put("teacher.version", teacherVersion);
    lineage.put("code.version", codeVersion);

    Bundle.Builder builder = Bundle.builder()
        .setMetadata(new BundleMetadata(request.bundleId(), request.version(), studentModelId, studentDigest,
            Instant.now(), lineage))
        .optPrompt(prompt)
        .optEncoder(shipped.isEmpty() ? null : encoder);
    shipped.forEach(builder::optAdaptor);
    Bundle candidate = builder.build();
    byte[] encoded = decision.ships() ? BundleCodec.encode(candidate, signingKey) : null;
    double seconds = (System.nanoTime() - start) / 1e9;
    step(start, decision.ships()
        ? "bundle " + request.bundleId() + " v" + request.version() + " ships (" + encoded.length + " bytes): " + decision.reason()
        : "gate rejected bundle " + request.bundleId() + ": " + decision.reason());
    return new AdaptationResult(encoded, candidate, prompt, adaptors, encoder, decision, quantization, lineage,
        train.stream().map(UploadedSample::sampleId).toList(),
        heldOut.stream().map(UploadedSample::sampleId).toList(), seconds);
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
      throw new IllegalArgumentException("need at least 2 source samples (half anchor the prompt and centre the HDC"
          + " encoder, half are held out for the gate), got " + request.source().frames().size());
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

  private static float[] mean(float[][] rows) {
    float[] m = new float[rows[0].length];
    for (float[] r : rows) {
      for (int i = 0; i < m.length; i++) {
        m[i] += r[i] / rows.length;
      }
    }
    return m;
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
