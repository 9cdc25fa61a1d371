package io.driftline.teacher.jobs;

import io.driftline.core.bundle.Bundle;
import io.driftline.core.bundle.BundleCodec;
import io.driftline.core.bundle.BundleMetadata;
import io.driftline.core.events.DriftIncident;
import io.driftline.core.update.Precision;
import io.driftline.teacher.adapt.AdaptorBudget;
import io.driftline.teacher.adapt.GateComparison;
import io.driftline.teacher.adapt.GateDecision;
import io.driftline.teacher.adapt.GatePolicy;
import io.driftline.teacher.adapt.PromptLearner;
import io.driftline.teacher.config.TeacherProperties;
import io.driftline.teacher.fleet.CatalogClient;
import io.driftline.teacher.fleet.FleetCallException;
import io.driftline.teacher.fleet.RegistryClient;
import io.driftline.teacher.intake.IncidentStore;
import io.driftline.teacher.label.PseudoLabel;
import io.driftline.teacher.intake.SampleStore;
import io.driftline.teacher.intake.StoredSample;
import io.driftline.teacher.pipeline.AdaptationPipeline;
import io.driftline.teacher.pipeline.AdaptationRequest;
import io.driftline.teacher.pipeline.AdaptationResult;
import io.driftline.teacher.pipeline.PipelineConfig;
import io.driftline.teacher.pipeline.Phase;
import io.driftline.teacher.pipeline.UploadedSample;
import io.driftline.teacher.pipeline.Variant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Runs one adaptation job from its incidents to published (or rejected) bundle variants:
 *
 * <ol>
 *   <li><b>labelling</b>: announces {@code ADAPTING} for the job's open incidents; gathers each
 *       device's samples since its drift began (at most {@code max-samples-per-device}, newest, and
 *       at most {@code max-samples-per-job} in all, shared fairly between the devices);
 *       asks the registry which student each device runs and the catalog what adaptor budget it
 *       has; the pipeline labels the samples with the teacher;
 *   <li><b>training</b>: per student, one prompt and adaptor training shared by its variants (one
 *       per precision and budget class of its devices);
 *   <li><b>gating</b>: per variant, the no-regression gate; a variant that passes is uploaded,
 *       registered with its lineage and rolled out to exactly its devices; one that fails is
 *       recorded as rejected with its figures and goes nowhere.
 * </ol>
 *
 * <p>Every publishing step is recorded in {@code job_variants} before and after it is taken, so a
 * run that resumes a crashed one neither registers a version twice nor skips a rollout.
 */
@Component
public class JobRunner {

  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
  private static final String BUNDLE_MEDIA_TYPE = "application/vnd.driftline.bundle";

  private final JobStore jobs;
  private final SampleStore samples;
  private final IncidentStore incidents;
  private final IncidentPublisher publisher;
  private final RegistryClient registry;
  private final CatalogClient catalog;
  private final TeacherModels models;
  private final TeacherProperties properties;

  /** Creates the runner. */
  public JobRunner(JobStore jobs, SampleStore samples, IncidentStore incidents, IncidentPublisher publisher,
      RegistryClient registry, CatalogClient catalog, TeacherModels models, TeacherProperties properties) {
    this.jobs = jobs;
    this.samples = samples;
    this.incidents = incidents;
    this.publisher = publisher;
    this.registry = registry;
    this.catalog = catalog;
    this.models = models;
    this.properties = properties;
  }

  /**
   * A precision and budget class of one student's devices: they all get the same bundle.
   *
   * @param student registry student version {@code name:version}
   * @param precision the adaptor precision
   * @param maxBytes the class's adaptor byte budget (a power of two no larger than any member's), or null if
   *     the catalog knew no budget
   * @param maxMacs the class's adaptor MACs per frame (likewise), or null
   */
  record VariantClass(String student, Precision precision, @Nullable Long maxBytes, @Nullable Long maxMacs) {

    String key() {
      return student + "/" + precision + (maxBytes == null ? "/unbudgeted" : "/b" + maxBytes + "/m" + maxMacs);
    }

    /** The registry bundle model: one per class, so each device sees one ever-increasing version sequence. */
    String bundleModel() {
      String s = student.replace(':', '-').replaceAll("[^A-Za-z0-9._-]", "_");
      String tier = maxBytes == null ? "unbudgeted" : "b" + maxBytes + "-m" + maxMacs;
      return "adapt." + s + "." + precision.name().toLowerCase(Locale.ROOT) + "." + tier;
    }

    @Nullable AdaptorBudget budget() {
      if (maxBytes == null || maxMacs == null) {
        return null;
      }
      // a class without room for any adaptor still gets a (prompt-only) variant; the budget is the smallest legal one
      return new AdaptorBudget(Math.max(1, maxBytes), Math.max(1, maxMacs), EnumSet.of(precision));
    }
  }

  /**
   * Runs the job to its end and returns the state it ended in.
   *
   * @throws JobLostException if another worker took the job over meanwhile
   * @throws FleetCallException if the registry or the catalog failed (the caller decides whether to retry)
   */
  public Outcome run(Job job, String owner) throws FleetCallException {
    String jobId = job.jobId();
    List<JobIncident> jobIncidents = jobs.incidents(jobId);
    announceAdapting(jobId, owner, jobIncidents);

    // samples: per device, from the earliest drift window of its incidents in the job
    Map<String, Long> fromWindow = new LinkedHashMap<>();
    jobIncidents.forEach(i -> fromWindow.merge(i.deviceId(), i.firstWindowSeq(), Math::min));
    Map<String, List<StoredSample>> gathered = new LinkedHashMap<>();
    fromWindow.forEach((device, from) ->
        gathered.put(device, samples.forDevice(device, from, properties.jobs().maxSamplesPerDevice())));
    int available = gathered.values().stream().mapToInt(List::size).sum();
    Map<String, List<StoredSample>> byDevice = FairShare.cut(gathered, properties.jobs().maxSamplesPerJob());
    int total = byDevice.values().stream().mapToInt(List::size).sum();
    jobs.note(jobId, owner, total + " samples from " + byDevice.size() + " device(s)"
        + (total < available ? " (a fair share of " + available + ", max-samples-per-job)" : ""));

    // devices: student from the registry, adaptor budget from the catalog
    Map<String, String> skipped = new TreeMap<>();
    Map<VariantClass, List<String>> classes = new LinkedHashMap<>();
    for (String device : byDevice.keySet()) {
      Optional<RegistryClient.DeviceInfo> info = registry.device(device);
      if (info.isEmpty() || !info.get().active()) {
        skipped.put(device, info.isEmpty() ? "unknown to the registry" : "revoked");
        continue;
      }
      Optional<CatalogClient.DeviceBudget> budget = catalog.budget(device);
      classes.computeIfAbsent(classOf(info.get(), budget.orElse(null)), k -> new ArrayList<>()).add(device);
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("devices", new ArrayList<>(byDevice.keySet()));
    summary.put("samples", total);
    summary.put("samplesPerDevice", byDevice.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().size(), (a, b) -> a, TreeMap::new)));
    summary.put("skippedDevices", skipped);
    summary.put("variantClasses", classes.keySet().stream().map(VariantClass::key).toList());
    jobs.saveSummary(jobId, owner, summary);

    Map<String, JobVariant> previous = new LinkedHashMap<>();
    jobs.variants(jobId).forEach(v -> previous.put(v.variant(), v));
    Map<String, List<VariantClass>> byStudent = new LinkedHashMap<>();
    classes.keySet().forEach(c -> byStudent.computeIfAbsent(c.student(), s -> new ArrayList<>()).add(c));
    List<JobSample> recorded = new ArrayList<>();
    Map<String, Object> labels = new LinkedHashMap<>();
    Map<String, Object> carriedDomains = new LinkedHashMap<>();
    for (Map.Entry<String, List<VariantClass>> student : byStudent.entrySet()) {
      List<StoredSample> studentSamples = new ArrayList<>();
      Set<String> studentDevices = new LinkedHashSet<>();
      student.getValue().forEach(c -> studentDevices.addAll(classes.get(c)));
      studentDevices.forEach(d -> studentSamples.addAll(byDevice.get(d)));
      if (studentSamples.size() < 2) {
        for (VariantClass c : student.getValue()) {
          jobs.saveVariant(jobId, new JobVariant(c.key(), c.student(), c.precision().name(), c.maxBytes(), c.maxMacs(),
              classes.get(c), "REJECTED", null, null, null, null, null,
              Map.of("decision", "reject", "reason", "only " + studentSamples.size() + " sample(s) from its devices")));
        }
        continue;
      }
      adaptStudent(job, owner, student.getKey(), student.getValue(), classes, studentSamples, previous, recorded, labels,
          carriedDomains);
    }
    jobs.saveSamples(jobId, recorded);
    summary.put("labels", labels);
    summary.put("carriedDomains", carriedDomains);
    jobs.saveSummary(jobId, owner, summary);

    List<JobVariant> variants = jobs.variants(jobId);
    long rolledOut = variants.stream().filter(v -> v.status().equals("ROLLED_OUT")).count();
    String reasons = variants.stream().map(v -> v.variant() + ": " + v.status().toLowerCase(Locale.ROOT)
        + (v.gate().get("reason") == null ? "" : " (" + v.gate().get("reason") + ")")).collect(Collectors.joining("; "));
    if (variants.isEmpty()) {
      return new Outcome(JobState.FAILED, "no device of the job is known to the registry: " + skipped);
    }
    if (rolledOut > 0) {
      return new Outcome(JobState.PUBLISHED, rolledOut + " of " + variants.size() + " variant(s) rolled out; " + reasons);
    }
    return new Outcome(JobState.REJECTED, "no variant passed its gate; " + reasons);
  }

  /**
   * How a job ended.
   *
   * @param state published, rejected or failed
   * @param reason one line with the figures
   */
  public record Outcome(JobState state, String reason) {}

  private void announceAdapting(String jobId, String owner, List<JobIncident> jobIncidents) {
    int announced = 0;
    for (JobIncident i : jobIncidents) {
      Optional<DriftIncident> current = incidents.find(i.incidentId());
      if (current.isPresent() && current.get().state() == DriftIncident.State.OPEN) {
        publisher.publish(current.get(), DriftIncident.State.ADAPTING);
        announced++;
      }
    }
    if (announced > 0) {
      jobs.note(jobId, owner, "announced ADAPTING for " + announced + " incident(s)");
    }
  }

  /** Publishes FAILED for the job's incidents that have not ended (no bundle will come from it). */
  public void announceFailed(String jobId) {
    for (JobIncident i : jobs.incidents(jobId)) {
      Optional<DriftIncident> current = incidents.find(i.incidentId());
      if (current.isPresent() && (current.get().state() == DriftIncident.State.OPEN
          || current.get().state() == DriftIncident.State.ADAPTING)) {
        publisher.publish(current.get(), DriftIncident.State.FAILED);
      }
    }
  }

  static VariantClass classOf(RegistryClient.DeviceInfo device, CatalogClient.@Nullable DeviceBudget budget) {
    Set<Precision> supported = EnumSet.noneOf(Precision.class);
    for (String p : budget != null && !budget.precisions().isEmpty() ? budget.precisions() : device.precisions()) {
      try {
        supported.add(Precision.valueOf(p));
      } catch (IllegalArgumentException e) {
        // a precision this teacher does not know cannot be targeted
      }
    }
    // the highest precision the device runs: the same bytes then hold fewer but exact weights
    Precision precision = supported.isEmpty() ? Precision.FP32 : supported.iterator().next();
    if (budget == null) {
      return new VariantClass(device.student(), precision, null, null);
    }
    return new VariantClass(device.student(), precision, floorPowerOfTwo(budget.maxAdaptorBytes()),
        floorPowerOfTwo(budget.maxAdaptorMacs()));
  }

  static long floorPowerOfTwo(long value) {
    return value <= 0 ? 0 : Long.highestOneBit(value);
  }

  private void adaptStudent(Job job, String owner, String studentRef, List<VariantClass> studentClasses,
      Map<VariantClass, List<String>> classes, List<StoredSample> studentSamples, Map<String, JobVariant> previous,
      List<JobSample> recorded, Map<String, Object> labels, Map<String, Object> carriedDomains) throws FleetCallException {
    String jobId = job.jobId();
    TeacherModels.Loaded student = models.model(studentRef);
    TeacherModels.Loaded teacher = models.model(models.teacherRef());
    String domain = domainOf(job.cohortKey());
    List<UploadedSample> uploads = new ArrayList<>(studentSamples.stream()
        .map(s -> new UploadedSample(s.sampleId(), domain, s.image())).toList());
    Map<String, String> deviceOfSample = new LinkedHashMap<>();
    studentSamples.forEach(s -> deviceOfSample.put(s.sampleId(), s.deviceId()));
    Map<String, Object> carried = carryEarlierDomains(jobId, studentRef, studentClasses, classes, domain, uploads,
        deviceOfSample);
    if (!carried.isEmpty()) {
      carriedDomains.put(studentRef, carried);
      jobs.note(jobId, owner, "carrying on " + carried.size() + " earlier domain(s) of its devices: " + carried);
    }

    // reserve the next version of each class's bundle model (checked again when registering)
    List<Variant> variants = new ArrayList<>();
    for (VariantClass c : studentClasses) {
      variants.add(new Variant(c.bundleModel(), nextVersion(c), c.precision(), c.budget()));
    }
    PipelineConfig config = PipelineConfig.builder()
        .optGate(new GatePolicy(properties.gate().minGainPoints(), properties.gate().maxSourceRegressionPoints(),
            properties.gate().minHeldOut()))
        .optHeldOutFraction(properties.pipeline().heldOutFraction())
        .optWhiteBox(withSteps(PipelineConfig.DEFAULT_WHITE_BOX, properties.pipeline().promptSteps()))
        .build();
    AdaptationPipeline pipeline = new AdaptationPipeline(student.onnx(), studentRef, student.model(), teacher.model(),
        teacher.ref(), models.signingKey().getPrivate(), config, line -> progress(jobId, owner, line),
        (phase, message) -> phase(jobId, owner, phase, message));
    List<AdaptationResult> results = pipeline.adaptVariants(new AdaptationRequest(variants.get(0).bundleId(),
        variants.get(0).version(), uploads, models.source()), variants);

    AdaptationResult first = results.get(0);
    Map<String, PseudoLabel> teacherLabels = first.labels();
    first.trainingSampleIds().forEach(id -> recorded.add(sample(id, deviceOfSample.get(id), "TRAIN", teacherLabels.get(id))));
    first.heldOutSampleIds().forEach(id -> recorded.add(sample(id, deviceOfSample.get(id), "HELD_OUT", teacherLabels.get(id))));
    labels.put(studentRef, labelSummary(uploads.size(), teacherLabels));

    for (int i = 0; i < studentClasses.size(); i++) {
      VariantClass c = studentClasses.get(i);
      AdaptationResult result = results.get(i);
      JobVariant before = previous.get(c.key());
      if (before != null && (before.status().equals("ROLLED_OUT"))) {
        continue; // a crashed run got this far already
      }
      publishVariant(job, owner, c, classes.get(c), result, before, studentRef, teacher.ref(), domain);
    }
  }

  private static JobSample sample(String id, String device, String role, @Nullable PseudoLabel label) {
    return new JobSample(id, device, role, label == null ? null : label.label(),
        label == null ? null : (float) label.confidence());
  }

  /** How many samples kept a teacher label, the labels' class counts and their mean confidence. */
  private static Map<String, Object> labelSummary(int samples, Map<String, PseudoLabel> labels) {
    Map<Integer, Integer> classes = new TreeMap<>();
    double confidence = 0;
    for (PseudoLabel l : labels.values()) {
      classes.merge(l.label(), 1, Integer::sum);
      confidence += l.confidence();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("samples", samples);
    out.put("labelled", labels.size());
    out.put("meanConfidence", labels.isEmpty() ? 0 : confidence / labels.size());
    out.put("classes", classes);
    return out;
  }

  /**
   * Adds the retained samples of the domains earlier published jobs rolled out to this student's
   * devices, each as its own domain, so the new bundle keeps them (devices install a bundle's domains
   * as a whole set). A domain whose samples retention has deleted (fewer than 2 left) drops out.
   *
   * @return samples per carried domain, with the job it came from
   */
  private Map<String, Object> carryEarlierDomains(String jobId, String studentRef, List<VariantClass> studentClasses,
      Map<VariantClass, List<String>> classes, String domain, List<UploadedSample> uploads,
      Map<String, String> deviceOfSample) {
    Set<String> devices = new LinkedHashSet<>();
    studentClasses.forEach(c -> devices.addAll(classes.get(c)));
    Map<String, Object> carried = new LinkedHashMap<>();
    for (JobStore.PublishedDomain earlier : jobs.publishedDomains(studentRef, devices, jobId, properties.jobs().carriedDomains())) {
      String earlierDomain = domainOf(earlier.cohortKey());
      if (earlierDomain.equals(domain) || carried.containsKey(earlierDomain)) {
        continue; // the same drift again: this job's own samples are newer
      }
      List<StoredSample> kept = samples.findAll(earlier.sampleIds()).stream()
          .filter(s -> !deviceOfSample.containsKey(s.sampleId())).toList();
      if (kept.size() < 2) {
        continue;
      }
      for (StoredSample s : kept) {
        uploads.add(new UploadedSample(s.sampleId(), earlierDomain, s.image()));
        deviceOfSample.put(s.sampleId(), s.deviceId());
      }
      carried.put(earlierDomain, Map.of("fromJob", earlier.jobId(), "samples", kept.size()));
    }
    return carried;
  }

  private void progress(String jobId, String owner, String line) {
    LOG.info("job {}: {}", jobId, line);
    jobs.note(jobId, owner, line);
  }

  private void phase(String jobId, String owner, Phase phase, String message) {
    switch (phase) {
      case LABELLING -> jobs.note(jobId, owner, "labelling: " + message);
      case TRAINING -> jobs.enter(jobId, owner, JobState.TRAINING, message);
      case GATING -> jobs.enter(jobId, owner, JobState.GATING, message);
    }
  }

  private static PromptLearner.Config withSteps(PromptLearner.Config c, int steps) {
    return new PromptLearner.Config(c.promptHeight(), c.promptWidth(), steps, c.learningRate(), c.batchSize(),
        c.uncertaintyWeighting(), c.seed());
  }

  static String domainOf(String cohortKey) {
    int resumed = cohortKey.indexOf('#');
    String base = resumed < 0 ? cohortKey : cohortKey.substring(0, resumed);
    String cleaned = base.replaceAll("[^A-Za-z0-9._-]", "-");
    return cleaned.length() > 40 ? cleaned.substring(0, 40) : cleaned;
  }

  private long nextVersion(VariantClass c) throws FleetCallException {
    Optional<JsonNode> model = registry.model(c.bundleModel());
    return model.map(m -> m.path("latestVersion").asLong(0)).orElse(0L) + 1;
  }

  private void publishVariant(Job job, String owner, VariantClass c, List<String> devices, AdaptationResult result,
      @Nullable JobVariant before, String studentRef, String teacherRef, String ownDomain) throws FleetCallException {
    String jobId = job.jobId();
    Map<String, Object> gate = gateFigures(result.gate());
    // carried domains alone make no new bundle: the job's own domain must pass for its incidents to be served
    boolean ownDomainShips = result.ships()
        && List.of(result.lineage().getOrDefault("gate.domains.shipped", "").split(",")).contains(ownDomain);
    if (result.ships() && !ownDomainShips) {
      gate.put("decision", "reject");
      gate.put("reason", "the job's own domain " + ownDomain + " did not pass (carried domains alone make no new bundle): "
          + result.gate().reason());
    }
    long bytes = result.candidate().adaptors().stream().mapToLong(d -> d.adaptor().byteSize()).sum();
    String model = c.bundleModel();
    if (!ownDomainShips) {
      // recorded in the registry too, as a REJECTED version with its figures: kept for the record, never rolled out
      Registered rejected;
      if (before != null && before.status().equals("REJECTED") && before.bundleVersion() != null) {
        rejected = new Registered(before.bundleVersion(), before.digest());
      } else {
        ensureBundleModel(c);
        rejected = register(job, owner, c, devices, result, before, studentRef, teacherRef, gate);
      }
      jobs.saveVariant(jobId, new JobVariant(c.key(), c.student(), c.precision().name(), c.maxBytes(), c.maxMacs(),
          devices, "REJECTED", model, rejected.version(), rejected.digest(), bytes, null, gate));
      jobs.note(jobId, owner, "variant " + c.key() + " rejected by the gate, recorded as " + model + ":"
          + rejected.version() + ": " + gate.get("reason"));
      return;
    }
    long version;
    String digest;
    if (before != null && before.status().equals("REGISTERED") && before.bundleVersion() != null) {
      version = before.bundleVersion();
      digest = before.digest();
    } else {
      ensureBundleModel(c);
      Registered registered = register(job, owner, c, devices, result, before, studentRef, teacherRef, gate);
      version = registered.version();
      digest = registered.digest();
    }
    JobVariant registeredRow = new JobVariant(c.key(), c.student(), c.precision().name(), c.maxBytes(), c.maxMacs(),
        devices, "REGISTERED", model, version, digest, bytes, null, gate);
    jobs.saveVariant(jobId, registeredRow);
    JsonNode rollout = registry.rollout(model + ":" + version, devices);
    String rolloutId = Long.toString(rollout.path("id").asLong());
    jobs.saveVariant(jobId, new JobVariant(c.key(), c.student(), c.precision().name(), c.maxBytes(), c.maxMacs(),
        devices, "ROLLED_OUT", model, version, digest, bytes, rolloutId, gate));
    jobs.note(jobId, owner, "variant " + c.key() + " published as " + model + ":" + version + " to "
        + devices.size() + " device(s), rollout " + rolloutId);
  }

  private void ensureBundleModel(VariantClass c) throws FleetCallException {
    registry.ensureModel(c.bundleModel(), "bundle", "Adapted bundles of " + c.student() + " at " + c.precision()
        + " for budget class " + c.key(), Map.of("student", c.student(), "precision", c.precision().name(),
            "producer", "cloud-teacher"));
  }

  private record Registered(long version, String digest) {}

  private Registered register(Job job, String owner, VariantClass c, List<String> devices, AdaptationResult result,
      @Nullable JobVariant before, String studentRef, String teacherRef, Map<String, Object> gate)
      throws FleetCallException {
    String jobId = job.jobId();
    String model = c.bundleModel();
    // a crashed run may have registered the version it announced before it could record it
    if (before != null && before.bundleVersion() != null) {
      Optional<JsonNode> existing = registry.version(model, before.bundleVersion());
      if (existing.isPresent() && jobId.equals(existing.get().path("lineage").path("hyperParameters").path("jobId").asString(""))) {
        return new Registered(before.bundleVersion(), existing.get().path("digest").asString());
      }
    }
    Bundle candidate = result.candidate();
    long version = candidate.metadata().version();
    Map<String, String> bundleLineage = deviceLineage(job, c, candidate.metadata().lineage());
    for (int attempt = 0; attempt < 5; attempt++) {
      BundleMetadata m = candidate.metadata();
      Bundle numbered = candidate.withMetadata(
          new BundleMetadata(model, version, m.studentModelId(), m.studentDigest(), m.createdAt(), bundleLineage));
      byte[] encoded = BundleCodec.encode(numbered, models.signingKey().getPrivate());
      String digest = registry.upload(BUNDLE_MEDIA_TYPE, encoded);
      jobs.saveVariant(jobId, new JobVariant(c.key(), c.student(), c.precision().name(), c.maxBytes(), c.maxMacs(),
          devices, "REGISTERING", model, version, digest, (long) encoded.length, null, gate));
      Optional<JsonNode> created = registry.createVersion(model, version, digest, metrics(result.gate()),
          lineage(job, c, result, studentRef, teacherRef, gate), requirements(c, numbered));
      if (created.isPresent()) {
        LOG.info("job {} registered {}:{} digest={} bytes={}", jobId, model, version, digest, encoded.length);
        return new Registered(version, digest);
      }
      version = nextVersion(c); // another producer took the number; take the next one and sign again
    }
    throw new IllegalStateException("could not register a version of " + model + " after 5 attempts (versions race)");
  }

  /**
   * The lineage a device gets inside the bundle: the pipeline's, without the lists of sample ids
   * (400 ids are 15 KB, more than the rest of a bundle; the registry's lineage keeps them) and with
   * the job, so the device side can name where its bundle came from.
   */
  static Map<String, String> deviceLineage(Job job, VariantClass c, Map<String, String> pipelineLineage) {
    Map<String, String> out = new TreeMap<>();
    pipelineLineage.forEach((k, v) -> {
      if (!k.equals("samples.train") && !k.equals("samples.heldOut")) {
        out.put(k, v);
      }
    });
    out.put("job.id", job.jobId());
    out.put("job.cohort", job.cohortKey());
    out.put("job.variant", c.key());
    return out;
  }

  private Map<String, Object> lineage(Job job, VariantClass c, AdaptationResult result, String studentRef,
      String teacherRef, Map<String, Object> gate) {
    Map<String, Object> hyper = new TreeMap<>();
    result.lineage().forEach((k, v) -> {
      if (!k.startsWith("samples.train") && !k.startsWith("samples.heldOut")) {
        hyper.put(k, v);
      }
    });
    hyper.put("jobId", job.jobId());
    hyper.put("cohort", job.cohortKey());
    hyper.put("variant", c.key());
    List<String> sampleIds = new ArrayList<>(result.trainingSampleIds());
    sampleIds.addAll(result.heldOutSampleIds());
    List<JobIncident> jobIncidents = jobs.incidents(job.jobId());
    hyper.put("incidents", jobIncidents.stream().map(JobIncident::incidentId).collect(Collectors.joining(",")));
    Map<String, Object> lineage = new LinkedHashMap<>();
    lineage.put("parentStudent", studentRef);
    lineage.put("teacher", teacherRef);
    lineage.put("sampleIds", sampleIds);
    lineage.put("incidentId", jobIncidents.isEmpty() ? job.cohortKey() : jobIncidents.get(0).incidentId());
    lineage.put("hyperParameters", hyper);
    Map<String, Object> registryGate = new LinkedHashMap<>(gate);
    registryGate.put("passed", "ship".equals(gate.get("decision")));
    lineage.put("gate", registryGate);
    lineage.put("codeVersion", result.lineage().getOrDefault("code.version", "unknown"));
    return lineage;
  }

  private static @Nullable Map<String, Object> requirements(VariantClass c, Bundle bundle) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("student", c.student());
    r.put("precision", c.precision().name());
    long macs = bundle.adaptors().stream().mapToLong(d -> AdaptorBudget.macs(d.adaptor())).max().orElse(0);
    r.put("macs", macs);
    return r;
  }

  private static Map<String, Double> metrics(GateDecision gate) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("gate.target.unadaptedAccuracy", gate.target().unadaptedAccuracy());
    m.put("gate.target.adaptedAccuracy", gate.target().adaptedAccuracy());
    m.put("gate.source.unadaptedAccuracy", gate.source().unadaptedAccuracy());
    m.put("gate.source.adaptedAccuracy", gate.source().adaptedAccuracy());
    return m;
  }

  static Map<String, Object> gateFigures(GateDecision gate) {
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("decision", gate.ships() ? "ship" : "reject");
    g.put("reason", gate.reason());
    g.put("target", comparison(gate.target()));
    g.put("source", comparison(gate.source()));
    g.put("minGainPoints", gate.policy().minGainPoints());
    g.put("maxSourceRegressionPoints", gate.policy().maxSourceRegressionPoints());
    return g;
  }

  private static Map<String, Object> comparison(GateComparison c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("samples", c.samples());
    m.put("unadaptedAccuracy", c.unadaptedAccuracy());
    m.put("adaptedAccuracy", c.adaptedAccuracy());
    m.put("gainPoints", c.gainPoints());
    return m;
  }
}
