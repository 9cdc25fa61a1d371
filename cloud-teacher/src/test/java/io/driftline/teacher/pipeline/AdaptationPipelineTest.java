package io.driftline.teacher.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.core.bundle.Bundle;
import io.driftline.core.bundle.BundleCodec;
import io.driftline.core.bundle.DomainPrototype;
import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.data.FashionMnist;
import io.driftline.core.data.LabeledImages;
import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import io.driftline.core.model.Prediction;
import io.driftline.core.model.StudentModel;
import io.driftline.core.update.DomainRouter;
import io.driftline.core.update.FrameRouter;
import io.driftline.core.update.Precision;
import io.driftline.core.update.DenseLayer;
import io.driftline.core.update.DomainAdaptor;
import io.driftline.teacher.adapt.AdaptorBudget;
import io.driftline.teacher.adapt.GatePolicy;
import io.driftline.teacher.adapt.PromptLearner;
import io.driftline.teacher.bootstrap.BootstrapModels;
import io.driftline.teacher.label.PseudoLabel;
import io.driftline.teacher.label.PseudoLabelPolicy;
import io.driftline.teacher.label.PseudoLabeler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline end to end on quick models: a signed bundle the device path reproduces, routing by
 * domain, a gate that can say no, and bad requests rejected.
 */
class AdaptationPipelineTest {

  private static final List<CorruptionFamily> DOMAINS = List.of(CorruptionFamily.FOG, CorruptionFamily.CONTRAST);

  @TempDir
  static Path models;

  static byte[] studentOnnx;
  static StudentModel student;
  static StudentModel teacher;
  static KeyPair key;
  static List<UploadedSample> uploads;
  static Map<String, List<Image>> fresh;
  static SourceSamples source;
  static AdaptationResult result;
  static List<String> log = new ArrayList<>();
  static final List<Variant> VARIANTS = List.of(
      new Variant("fog-contrast-fp32", 11, Precision.FP32,
          new AdaptorBudget(1 << 20, 10_000_000, Set.of(Precision.values()))),
      new Variant("fog-contrast-int8", 12, Precision.INT8,
          new AdaptorBudget(16 << 10, 20_000, Set.of(Precision.INT8, Precision.FP32))),
      new Variant("fog-contrast-binary", 13, Precision.BINARY,
          new AdaptorBudget(16, 16, Set.of(Precision.BINARY))));
  static List<AdaptationResult> variants;
  static List<String> phases = new ArrayList<>();

  @BeforeAll
  static void adapt() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream quiet = new PrintStream(sink, true, StandardCharsets.UTF_8);
    int status = BootstrapModels.run(new String[] {"--quick", "--out", models.toString(), "--seed", "5",
        "--models", "student-small,teacher"}, quiet, quiet);
    assertThat(status).as(sink.toString(StandardCharsets.UTF_8)).isZero();
    studentOnnx = Files.readAllBytes(models.resolve("student-small.onnx"));
    student = StudentModel.load(models.resolve("student-small.onnx"));
    teacher = StudentModel.load(models.resolve("teacher.onnx"));
    key = Ed25519Keys.generate();
    LabeledImages test = FashionMnist.fromEnvironment(false).test();
    uploads = new ArrayList<>();
    fresh = new java.util.LinkedHashMap<>();
    for (int d = 0; d < DOMAINS.size(); d++) {
      CorruptionFamily family = DOMAINS.get(d);
      String domain = family.id() + "@5";
      List<Image> unseen = new ArrayList<>();
      for (int i = 0; i < 160; i++) {
        int index = 1000 * d + i;
        Image corrupted = family.apply(test.image(index), 5, 11, index);
        if (i < 60) {
          uploads.add(new UploadedSample(domain + "/" + i, domain, corrupted));
        } else {
          unseen.add(corrupted);
        }
      }
      fresh.put(domain, unseen);
    }
    List<Image> clean = new ArrayList<>();
    int[] labels = new int[200];
    for (int i = 0; i < 200; i++) {
      clean.add(test.image(5000 + i));
      labels[i] = test.label(5000 + i);
    }
    source = new SourceSamples(clean, labels);
    result = pipeline(PipelineConfig.builder().optSeed(3).build())
        .adapt(new AdaptationRequest("fog-contrast", 7, uploads, source));
    // a short prompt keeps the added time small; the variants only have to share it
    variants = new AdaptationPipeline(studentOnnx, "student-small", student, teacher, "teacher test",
        key.getPrivate(), PipelineConfig.builder().optSeed(3)
            .optWhiteBox(new PromptLearner.Config(7, 7, 30, 0.02, 32, true, 5)).build(),
        log::add, (phase, message) -> phases.add(phase.name()))
        .adaptVariants(new AdaptationRequest("ignored", 0, uploads, source), VARIANTS);
  }

  @AfterAll
  static void close() {
    student.close();
    teacher.close();
  }

  static AdaptationPipeline pipeline(PipelineConfig config) {
    return new AdaptationPipeline(studentOnnx, "student-small", student, teacher, "teacher test", key.getPrivate(),
        config, log::add);
  }

  @Test
  void producesASignedBundleWithFullLineage() throws Exception {
    Bundle candidate = result.candidate();
    Map<String, String> lineage = candidate.metadata().lineage();
    assertThat(lineage).containsKeys("prompt.mode", "prompt.modeReason", "prompt.loss.final", "adaptor.kind",
        "adaptor.choice", "adaptor.spec.randomFeatures", "quantization.fp32.accuracy", "quantization.binary.bytes",
        "gate.decision", "gate.target.adaptedAccuracy", "gate.source.adaptedAccuracy", "samples.train",
        "samples.heldOut", "teacher.version", "student.digest", "code.version", "routing.dimension",
        "gate.domain.fog@5.decision", "gate.domain.contrast@5.decision", "prompt.fog@5.loss.final",
        "prompt.contrast@5.loss.final", "gate.domains.shipped");
    assertThat(lineage.get("prompt.mode")).isEqualTo("white-box");
    assertThat(lineage.get("samples.train").split(",").length + lineage.get("samples.heldOut").split(",").length)
        .isEqualTo(uploads.size());
    assertThat(result.adaptors(Precision.FP32)).extracting(d -> d.domainId())
        .containsExactlyInAnyOrder("fog@5", "contrast@5");
    assertThat(result.prompts()).containsOnlyKeys("fog@5", "contrast@5");
    assertThat(candidate.routing()).isEqualTo(result.routing());
    assertThat(candidate.prompt()).as("no prompt for every frame").isNull();
    // the bundle holds exactly the domains whose own gate passed, each with its prompt, and with its adaptor
    // unless its gate chose the prompt alone (then the domain's prototype rides as an extra prototype)
    List<String> passed = result.domainGates().entrySet().stream().filter(e -> e.getValue().ships())
        .map(Map.Entry::getKey).toList();
    assertThat(passed).isNotEmpty();
    assertThat(lineage.get("gate.domains.shipped")).isEqualTo(String.join(",", passed));
    List<String> withAdaptor = passed.stream()
        .filter(d -> "prompt+adaptor".equals(lineage.get("gate.domain." + d + ".shipped"))).toList();
    List<String> promptOnly = passed.stream()
        .filter(d -> "prompt only".equals(lineage.get("gate.domain." + d + ".shipped"))).toList();
    assertThat(withAdaptor.size() + promptOnly.size()).as("every shipped domain says how").isEqualTo(passed.size());
    for (String domain : List.of("fog@5", "contrast@5")) {
      assertThat(lineage.containsKey("gate.domain." + domain + ".shipped")).as(domain)
          .isEqualTo(passed.contains(domain));
    }
    assertThat(candidate.adaptors()).extracting(d -> d.domainId()).containsExactlyInAnyOrderElementsOf(withAdaptor);
    assertThat(candidate.extraPrototypes()).extracting(DomainPrototype::domainId)
        .containsExactlyInAnyOrderElementsOf(promptOnly);
    assertThat(candidate.domainPrompts()).containsOnlyKeys(passed.toArray(String[]::new));
    assertThat(result.ships()).isEqualTo(!passed.isEmpty());
    assertThat(candidate.metadata().studentDigest()).isEqualTo(pipeline(PipelineConfig.builder().build()).studentDigest());
    assertThat(log).anyMatch(l -> l.contains("learning the visual prompt"));
    if (result.ships()) {
      assertThat(BundleCodec.decode(result.encodedBundle(), key.getPublic())).isEqualTo(candidate);
      assertThat(lineage.get("gate.decision")).isEqualTo("ship");
    } else {
      assertThat(lineage.get("gate.decision")).isEqualTo("reject");
    }
  }

  /**
   * Whichever way the default run's gate went for each domain, it followed the rule: a domain ships
   * its prompt only exactly when the prompt-only option ships and the prompt+adaptor one does not, or
   * is less accurate on the domain's held-out uploads. (Which way it goes on 12 held-out uploads
   * depends on floating-point details that differ between CPUs, so the outcome itself is not fixed.)
   */
  @Test
  void eachDomainShipsThePromptOnlyOptionExactlyWhenItWinsItsGate() {
    Map<String, String> lineage = result.lineage();
    for (String domain : List.of("fog@5", "contrast@5")) {
      String prefix = "gate.domain." + domain + ".";
      String shipped = lineage.get(prefix + "shipped");
      if (shipped == null) {
        continue;
      }
      boolean promptOnlyShips = "ship".equals(lineage.get(prefix + "promptOnly.decision"));
      boolean withAdaptorShips = "ship".equals(lineage.get(prefix + "promptAdaptor.decision"));
      double promptOnly = Double.parseDouble(lineage.get(prefix + "promptOnly.target.adaptedAccuracy"));
      double withAdaptor = Double.parseDouble(lineage.get(prefix + "promptAdaptor.target.adaptedAccuracy"));
      boolean promptOnlyWins = promptOnlyShips && (!withAdaptorShips || promptOnly > withAdaptor);
      assertThat(shipped).as(domain).isEqualTo(promptOnlyWins ? "prompt only" : "prompt+adaptor");
      assertThat(lineage.get(prefix + "target.adaptedAccuracy")).as(domain + ": the domain's gate is the winner's")
          .isEqualTo(lineage.get(prefix + (promptOnlyWins ? "promptOnly" : "promptAdaptor") + ".target.adaptedAccuracy"));
    }
  }

  /**
   * With an adaptor that cannot help (one random feature, replacing the student's head, under a ridge
   * so strong that its weights are about 0), the prompt alone does better in every domain by
   * construction: each domain ships its prompt without its fitted adaptor, and on the device a frame
   * routed to such a domain gets the domain's prompt and the student's own head.
   */
  @Test
  void aDomainWhosePromptAloneDoesBetterShipsWithoutItsAdaptor() throws Exception {
    AdaptationResult useless = pipeline(PipelineConfig.builder().optSeed(3)
        .optChooser(AdaptorChooser.fixed(new AdaptorSpec(1, 1e6, AdaptorSpec.DEFAULT_PROJECTION_SEED, false,
            "useless-for-test"))).build())
        .adapt(new AdaptationRequest("fog-contrast-prompt-only", 9, uploads, source));
    Map<String, String> lineage = useless.lineage();
    for (String domain : List.of("fog@5", "contrast@5")) {
      assertThat(lineage).as(domain).containsEntry("gate.domain." + domain + ".shipped", "prompt only")
          .containsEntry("gate.domain." + domain + ".promptOnly.decision", "ship");
      assertThat(lineage.get("gate.domain." + domain + ".target.adaptedAccuracy"))
          .isEqualTo(lineage.get("gate.domain." + domain + ".promptOnly.target.adaptedAccuracy"));
    }
    assertThat(lineage).containsEntry("gate.domains.shipped", "fog@5,contrast@5");
    // fitted, but not shipped
    assertThat(useless.adaptors(Precision.FP32)).extracting(DomainAdaptor::domainId)
        .containsExactlyInAnyOrder("fog@5", "contrast@5");
    Bundle decoded = BundleCodec.decode(useless.encodedBundle(), key.getPublic());
    assertThat(decoded.adaptors()).isEmpty();
    assertThat(decoded.extraPrototypes()).extracting(DomainPrototype::domainId)
        .containsExactlyInAnyOrder("fog@5", "contrast@5");
    assertThat(decoded.domainPrompts()).containsOnlyKeys("fog@5", "contrast@5");
    assertThat(decoded.domainPrompts().get("fog@5")).isEqualTo(useless.prompts().get("fog@5"));
    FrameRouter.Domain fog = decoded.frameRouter().domains().stream().filter(d -> d.domainId().equals("fog@5"))
        .findFirst().orElseThrow();
    assertThat(fog.adaptor()).isNull();
    assertThat(fog.prompt()).isEqualTo(useless.prompts().get("fog@5"));
    int[] shape = student.inputShape();
    Image input = ImageOps.conform(fresh.get("fog@5").get(0), shape[0], shape[1], shape[2]);
    Prediction p = student.infer(fog.prompted(input));
    assertThat(fog.logits(p.features(), p.logits())).isEqualTo(p.logits());
  }

  @Test
  void adaptorOnlyBundleShipsAndVerifies() throws Exception {
    AdaptationResult adaptorOnly = pipeline(PipelineConfig.builder().optPrompt(false).optSeed(3).build())
        .adapt(new AdaptationRequest("fog-contrast-adaptor", 8, uploads, source));
    // without a prompt, source frames look like neither domain and keep the student's own head
    assertThat(adaptorOnly.gate().source().gainPoints()).isGreaterThanOrEqualTo(-1);
    assertThat(adaptorOnly.ships()).as(adaptorOnly.gate().reason()).isTrue();
    Bundle decoded = BundleCodec.decode(adaptorOnly.encodedBundle(), key.getPublic());
    assertThat(decoded).isEqualTo(adaptorOnly.candidate());
    assertThat(decoded.prompt()).isNull();
    assertThat(decoded.domainPrompts()).isEmpty();
    assertThat(decoded.metadata().lineage()).containsEntry("prompt.mode", "off").containsEntry("gate.decision", "ship");
    assertThatThrownBy(() -> BundleCodec.decode(adaptorOnly.encodedBundle(), Ed25519Keys.generate().getPublic()))
        .hasMessageContaining("signature");
  }

  @Test
  void deviceSideApplicationReproducesTheReportedHeldOutAccuracy() {
    Bundle bundle = result.candidate();
    List<Image> heldOut = uploads.stream().filter(u -> result.heldOutSampleIds().contains(u.sampleId()))
        .map(UploadedSample::image).toList();
    List<PseudoLabel> labels = new PseudoLabeler(teacher, PseudoLabelPolicy.all()).label(heldOut);
    FrameRouter router = bundle.frameRouter();
    int[] shape = student.inputShape();
    int correct = 0;
    for (PseudoLabel label : labels) {
      // frame by frame, as the device agent's FramePipeline does: route the raw frame, prompt, student, adaptor
      Image input = ImageOps.conform(heldOut.get(label.index()), shape[0], shape[1], shape[2]);
      FrameRouter.Route route = router.route(input);
      Prediction p = student.infer(route.prompted(input));
      float[] logits = route.logits(p.features(), p.logits());
      correct += DeviceReplay.argmax(logits) == label.label() ? 1 : 0;
    }
    String device = String.format(Locale.ROOT, "%.4f", (double) correct / labels.size());
    assertThat(device).isEqualTo(bundle.metadata().lineage().get("gate.target.adaptedAccuracy"));
    assertThat(result.gate().target().samples()).isEqualTo(labels.size());
  }

  @Test
  void rawFrameRoutingSendsEachDomainToItsOwnPromptAndAdaptor() {
    FrameRouter router = result.router(Precision.FP32, true, true);
    for (Map.Entry<String, List<Image>> e : fresh.entrySet()) {
      DeviceReplay.Outcome out = DeviceReplay.run(student, router, e.getValue());
      String other = fresh.keySet().stream().filter(d -> !d.equals(e.getKey())).findFirst().orElseThrow();
      double student = out.routeShare(DomainRouter.STUDENT_ROUTE);
      log.add(e.getKey() + ": own " + out.routeShare(e.getKey()) + ", other " + out.routeShare(other) + ", student "
          + student);
      // Corrupted frames leave the source route. Which domain they reach is not asserted: the raw-frame
      // descriptor confuses fog@5 with contrast@5 (both flatten the frame; docs/adaptation.md has the figures).
      assertThat(student).as(e.getKey() + " " + log).isLessThan(0.2);
    }
    DeviceReplay.Outcome clean = DeviceReplay.run(student, router, source.frames());
    assertThat(clean.routeShare(DomainRouter.STUDENT_ROUTE)).as("clean frames keep the bare student").isGreaterThan(0.8);
    // on the source route nothing changes: the bare student's predictions exactly
    int[] bare = DeviceReplay.bare(student, source.frames()).predictions();
    for (int i = 0; i < bare.length; i++) {
      if (clean.routes()[i].equals(DomainRouter.STUDENT_ROUTE)) {
        assertThat(clean.predictions()[i]).as("clean frame %d", i).isEqualTo(bare[i]);
      }
    }
  }

  @Test
  void promptOnlyAblationShipsPromptsWithoutAdaptors() throws Exception {
    AdaptationResult promptOnly = pipeline(PipelineConfig.builder().optAdaptor(false).optSeed(3)
        .optWhiteBox(new PromptLearner.Config(7, 7, 30, 0.02, 32, true, 5)).build())
        .adapt(new AdaptationRequest("fog-contrast-prompt", 9, uploads, source));
    Bundle bundle = promptOnly.candidate();
    assertThat(bundle.adaptors()).isEmpty();
    assertThat(bundle.extraPrototypes()).extracting(DomainPrototype::domainId)
        .containsExactlyInAnyOrderElementsOf(bundle.domainPrompts().keySet());
    assertThat(promptOnly.lineage()).containsEntry("adaptor.kind", "off");
    if (promptOnly.ships()) {
      assertThat(BundleCodec.decode(promptOnly.encodedBundle(), key.getPublic())).isEqualTo(bundle);
    }
  }

  @Test
  void anImpossibleGainYieldsNoBundleButTheFigures() {
    // the adaptor-only settings of adaptorOnlyBundleShipsAndVerifies, which pass the source check
    AdaptationResult rejected = pipeline(PipelineConfig.builder().optPrompt(false).optSeed(3)
        .optGate(GatePolicy.minGain(100)).build()).adapt(new AdaptationRequest("never", 1, uploads, source));
    assertThat(rejected.ships()).isFalse();
    assertThat(rejected.encodedBundle()).isNull();
    assertThat(rejected.gate().reason()).contains("below 100.00");
    assertThat(rejected.lineage()).containsEntry("gate.decision", "reject").containsKey("gate.target.gainPoints")
        .containsEntry("gate.domains.shipped", "");
    assertThat(rejected.candidate().adaptors()).isEmpty();
    assertThat(rejected.quantization()).hasSize(3);
  }

  @Test
  void badRequestsAreRejectedWithAReason() {
    AdaptationPipeline p = pipeline(PipelineConfig.builder().optPrompt(false).build());
    Image frame = uploads.get(0).image();
    assertThatThrownBy(() -> p.adapt(new AdaptationRequest("b", 1, List.of(), source)))
        .hasMessageContaining("no uploaded samples");
    assertThatThrownBy(() -> p.adapt(new AdaptationRequest("b", 1,
        List.of(new UploadedSample("a", "fog", frame), new UploadedSample("a", "fog", frame)), source)))
        .hasMessageContaining("'a' appears twice");
    assertThatThrownBy(() -> p.adapt(new AdaptationRequest("b", 1,
        List.of(new UploadedSample("a", "fog", frame), new UploadedSample("b", "snow", frame),
            new UploadedSample("c", "snow", frame)), source)))
        .hasMessageContaining("domain 'fog' has 1 sample");
    assertThatThrownBy(() -> p.adapt(new AdaptationRequest("b", 1,
        List.of(new UploadedSample("a", "student", frame), new UploadedSample("b", "student", frame)), source)))
        .hasMessageContaining("reserved");
    Image rgb = new Image(3, 28, 28, new float[3 * 28 * 28]);
    assertThatThrownBy(() -> p.adapt(new AdaptationRequest("b", 1,
        List.of(new UploadedSample("a", "fog", rgb), new UploadedSample("b", "fog", rgb)), source)))
        .hasMessageContaining("3 channels");
    assertThatThrownBy(() -> p.adapt(new AdaptationRequest("b", 1, uploads,
        new SourceSamples(source.frames().subList(0, 2), new int[] {0, 12}))))
        .hasMessageContaining("source label 12");
    assertThatThrownBy(() -> PipelineConfig.builder().optPrompt(false).optAdaptor(false).build())
        .hasMessageContaining("nothing to adapt");
    assertThatThrownBy(() -> new UploadedSample("x", " ", frame)).hasMessageContaining("domain id");
  }

  @Test
  void variantsShareTheSamePrompts() {
    assertThat(variants).hasSize(VARIANTS.size());
    Map<String, ?> prompts = variants.get(0).prompts();
    assertThat(prompts).containsOnlyKeys("fog@5", "contrast@5");
    for (AdaptationResult r : variants) {
      assertThat(r.prompts()).isEqualTo(prompts);
      r.candidate().domainPrompts().forEach((domain, prompt) -> assertThat(prompt).isEqualTo(prompts.get(domain)));
      assertThat(r.routing()).isEqualTo(variants.get(0).routing());
      assertThat(r.trainingSampleIds()).isEqualTo(variants.get(0).trainingSampleIds());
    }
  }

  @Test
  void eachVariantsAdaptorsFitItsBudgetAndPrecision() {
    for (int i = 0; i < VARIANTS.size(); i++) {
      Variant v = VARIANTS.get(i);
      AdaptationResult r = variants.get(i);
      assertThat(r.lineage()).containsEntry("variant.precision", v.precision().name())
          .containsEntry("variant.budget.maxBytes", Long.toString(v.budget().maxBytes()));
      assertThat(r.adaptorsByPrecision().keySet()).as(v.bundleId()).isSubsetOf(v.precision());
      List<DomainAdaptor> all = new ArrayList<>(r.adaptors(v.precision()));
      all.addAll(r.candidate().adaptors());
      for (DomainAdaptor d : all) {
        assertThat(v.budget().admits(d.adaptor())).as(v.bundleId() + " " + d.domainId()).isTrue();
        assertThat(d.adaptor().byteSize()).isLessThanOrEqualTo(v.budget().maxBytes());
        assertThat(AdaptorBudget.macs(d.adaptor())).isLessThanOrEqualTo(v.budget().maxMacsPerFrame());
        for (DenseLayer layer : d.adaptor().layers()) {
          assertThat(layer.weights().precision()).isEqualTo(v.precision());
        }
      }
    }
    // the generous budgets leave room for an adaptor in every domain
    assertThat(variants.get(0).adaptors(Precision.FP32)).hasSize(2);
    assertThat(variants.get(1).adaptors(Precision.INT8)).hasSize(2);
    assertThat(variants.get(0).lineage().get("variant.domain.fog@5.adaptor")).doesNotStartWith("none");
  }

  @Test
  void aBudgetNothingFitsShipsPromptsOnlyAndSaysWhy() {
    AdaptationResult tiny = variants.get(2);
    assertThat(tiny.adaptors(Precision.BINARY)).isEmpty();
    assertThat(tiny.candidate().adaptors()).isEmpty();
    assertThat(tiny.quantization()).isEmpty();
    for (String domain : List.of("fog@5", "contrast@5")) {
      assertThat(tiny.lineage().get("variant.domain." + domain + ".adaptor"))
          .startsWith("none: no adaptor fits the budget (maxBytes=16");
    }
    assertThat(tiny.candidate().extraPrototypes()).extracting(DomainPrototype::domainId)
        .containsExactlyInAnyOrderElementsOf(tiny.candidate().domainPrompts().keySet());
    assertThat(tiny.candidate().domainPrompts().keySet())
        .containsExactlyInAnyOrderElementsOf(List.of(tiny.lineage().get("gate.domains.shipped").split(",")).stream()
            .filter(d -> !d.isEmpty()).toList());
  }

  @Test
  void eachVariantsBundleVerifiesAndCarriesItsIdAndVersion() throws Exception {
    assertThat(variants).anyMatch(AdaptationResult::ships);
    for (int i = 0; i < VARIANTS.size(); i++) {
      Variant v = VARIANTS.get(i);
      AdaptationResult r = variants.get(i);
      assertThat(r.candidate().metadata().bundleId()).isEqualTo(v.bundleId());
      assertThat(r.candidate().metadata().version()).isEqualTo(v.version());
      if (r.ships()) {
        Bundle decoded = BundleCodec.decode(r.encodedBundle(), key.getPublic());
        assertThat(decoded).isEqualTo(r.candidate());
        assertThat(decoded.metadata().bundleId()).isEqualTo(v.bundleId());
        assertThat(decoded.metadata().version()).isEqualTo(v.version());
      }
    }
  }

  @Test
  void phasesAreReportedInOrderWithOneGatingPerVariant() {
    assertThat(phases).containsExactly("LABELLING", "TRAINING", "GATING", "GATING", "GATING");
  }

  @Test
  void eachDomainShipsTheBetterOfPromptWithAdaptorAndPromptOnly() {
    for (AdaptationResult r : variants.subList(0, 2)) {
      Map<String, String> lineage = r.lineage();
      for (String domain : List.of("fog@5", "contrast@5")) {
        String prefix = "gate.domain." + domain + ".";
        assertThat(lineage).containsKeys(prefix + "promptOnly.target.adaptedAccuracy",
            prefix + "promptAdaptor.target.adaptedAccuracy");
        boolean adaptorShips = lineage.get(prefix + "promptAdaptor.decision").equals("ship");
        boolean promptShips = lineage.get(prefix + "promptOnly.decision").equals("ship");
        double withAdaptor = Double.parseDouble(lineage.get(prefix + "promptAdaptor.target.adaptedAccuracy"));
        double promptOnly = Double.parseDouble(lineage.get(prefix + "promptOnly.target.adaptedAccuracy"));
        String expected = promptShips && (!adaptorShips || promptOnly > withAdaptor) ? "prompt only"
            : adaptorShips ? "prompt+adaptor" : null;
        assertThat(lineage.get(prefix + "shipped")).as(domain).isEqualTo(expected);
        boolean hasAdaptor = r.candidate().adaptors().stream().anyMatch(d -> d.domainId().equals(domain));
        assertThat(hasAdaptor).as(domain).isEqualTo("prompt+adaptor".equals(expected));
      }
    }
  }

  @Test
  void badVariantListsAreRejected() {
    AdaptationPipeline p = pipeline(PipelineConfig.builder().optPrompt(false).build());
    AdaptationRequest request = new AdaptationRequest("b", 1, uploads, source);
    assertThatThrownBy(() -> p.adaptVariants(request, List.of())).hasMessageContaining("no variant");
    Variant v = new Variant("x", 1, Precision.INT8, null);
    assertThatThrownBy(() -> p.adaptVariants(request, List.of(v, v))).hasMessageContaining("x v1 appears twice");
    assertThatThrownBy(() -> new Variant(" ", 1, Precision.FP32, null)).hasMessageContaining("bundle id");
    assertThatThrownBy(() -> new Variant("x", -1, Precision.FP32, null)).hasMessageContaining("version -1");
  }
}
