package io.driftline.teacher.evaluate;

import io.driftline.core.bundle.BundleCodec;
import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.data.LabeledImages;
import io.driftline.core.events.DeviceSample;
import io.driftline.core.events.DeviceSampleCodec;
import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.hdc.Hypervector;
import io.driftline.core.hdc.OodScorer;
import io.driftline.core.hdc.PrototypeMemory;
import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import io.driftline.core.model.StudentModel;
import io.driftline.core.model.StudentOutput;
import io.driftline.core.sampling.Candidate;
import io.driftline.core.sampling.SamplingPolicy;
import io.driftline.core.sampling.UncertaintyGuidedSampler;
import io.driftline.core.scenario.Frame;
import io.driftline.core.scenario.Scenario;
import io.driftline.core.scenario.ScenarioStream;
import io.driftline.core.scenario.Scenarios;
import io.driftline.core.scenario.Segment;
import io.driftline.core.scenario.SourceResolver;
import io.driftline.core.uncertainty.Logits;
import io.driftline.core.update.FrameRouter;
import io.driftline.core.update.Precision;
import io.driftline.teacher.adapt.PromptLearner;
import io.driftline.teacher.pipeline.AdaptationPipeline;
import io.driftline.teacher.pipeline.AdaptationRequest;
import io.driftline.teacher.pipeline.AdaptationResult;
import io.driftline.teacher.pipeline.DeviceReplay;
import io.driftline.teacher.pipeline.PipelineConfig;
import io.driftline.teacher.pipeline.SourceSamples;
import io.driftline.teacher.pipeline.UploadedSample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Runs the benchmark behind the {@code evaluate} command.
 *
 * <p>Data: the scenario's stream in file order (segment lengths multiplied by {@code scale}). For
 * each corruption domain (family × severity) the frames of its first segment are split in stream
 * order: the first half is the <i>pool</i> the device sees before it is updated (UGS chooses uploads
 * from it), the second half the <i>evaluation frames</i>, the same for every row and column. The
 * first clean segment gives the device's warm-up frames (class prototypes of the OOD score, as the
 * agent builds them) and the labelled source samples of the gate.
 *
 * <p>Sampling: the pool runs through the bare student in windows of {@value #WINDOW_FRAMES} frames
 * (the agent's default); per window the core {@link UncertaintyGuidedSampler} with the agent's
 * policy (score = normalised entropy × HDC OOD score, minimum score 0.1, near-duplicates skipped) and
 * {@code maxFrameFraction} = the budget picks the uploads, with no byte limit. Random sampling draws
 * the same number of frames uniformly from the pool. Uploads are the {@link DeviceSample}s (uint8
 * pixels) the device would send.
 *
 * <p>Per domain, sampler and budget two adaptations run: prompt + adaptor, and adaptor only (prompt
 * off); "prompt only" is the first one's prompts without its adaptors (the prompts are learned
 * before, and independently of, the adaptors). Every accuracy is replayed on the device path with
 * the raw-frame routing; "as adapted" columns use every domain whatever the gate said, "as shipped"
 * what the device runs after the per-domain gate (the unadapted student where no domain passed).
 */
public final class Benchmark {

  /** Frames per telemetry window, as the device agent's default. */
  static final int WINDOW_FRAMES = 100;

  /** Frames of the clean start the device builds its class prototypes from (the agent's default). */
  static final int WARMUP_FRAMES = 500;

  private final EvaluateOptions options;
  private final Consumer<String> progress;

  /** Creates a benchmark. */
  public Benchmark(EvaluateOptions options, Consumer<String> progress) {
    this.options = options;
    this.progress = progress;
  }

  /** A domain's data and the device's view of its pool. */
  private record Domain(
      String tag,
      CorruptionFamily family,
      int severity,
      int firstSegment,
      List<Frame> pool,
      List<Frame> eval,
      List<Frame> recurrence,
      int returnSegment) {}

  /** Runs the benchmark. */
  public BenchmarkReport run(List<String> commandLine) throws IOException {
    long start = System.nanoTime();
    String codeVersion = io.driftline.teacher.bootstrap.CodeVersion.detect(); // the code that runs, before anyone edits
    Path studentFile = options.models().resolve(options.student() + ".onnx");
    Path teacherFile = options.models().resolve("teacher.onnx");
    byte[] studentOnnx = Files.readAllBytes(studentFile);
    byte[] teacherOnnx = Files.readAllBytes(teacherFile);
    Scenario scenario = scale(options.scenario() == null ? Scenarios.loadDefault() : Scenarios.load(options.scenario()),
        options.scale());
    KeyPair key = Ed25519Keys.generate();
    try (StudentModel student = StudentModel.load(studentOnnx, studentFile.toString());
        StudentModel teacher = StudentModel.load(teacherOnnx, teacherFile.toString())) {
      progress.accept("evaluate: replaying scenario '" + scenario.name() + "' x" + options.scale() + " ("
          + scenario.length() + " frames)");
      LabeledImages main = SourceResolver.standard().resolve(scenario.source(), null);
      List<Frame> clean = new ArrayList<>();
      List<Domain> domains = collect(scenario, main, clean);
      if (domains.isEmpty()) {
        throw new IllegalArgumentException("the scenario has no segment of the selected families "
            + (options.families() == null ? "(any)" : options.families()) + " at severities " + options.severities());
      }
      if (clean.size() < 20) {
        throw new IllegalArgumentException("the scenario's first clean segment has " + clean.size()
            + " frames; the benchmark needs at least 20 (device warm-up and gate source samples)");
      }
      int warmup = Math.min(WARMUP_FRAMES, clean.size() / 2);
      List<Frame> warmupFrames = clean.subList(0, warmup);
      List<Frame> sourceFrames = clean.subList(warmup, Math.min(clean.size(), warmup + options.sourceSamples()));
      SourceSamples source = new SourceSamples(images(sourceFrames), labels(sourceFrames));
      HdcEncoder deviceEncoder = DeviceReplay.defaultEncoder(student.featureDimension());
      OodScorer ood = new OodScorer(classPrototypes(student, deviceEncoder, images(warmupFrames)));

      String teacherVersion = "teacher sha256:" + sha256(teacherOnnx);
      PipelineConfig.Builder base = PipelineConfig.builder().optSeed(options.seed());
      if (options.quick()) {
        PromptLearner.Config w = PipelineConfig.DEFAULT_WHITE_BOX;
        base.optWhiteBox(new PromptLearner.Config(w.promptHeight(), w.promptWidth(), 30, w.learningRate(),
            w.batchSize(), w.uncertaintyWeighting(), w.seed()));
      }
      Consumer<String> quiet = line -> { };
      AdaptationPipeline promptAdaptor = new AdaptationPipeline(studentOnnx, options.student(), student, teacher,
          teacherVersion, key.getPrivate(), base.build(), quiet);
      AdaptationPipeline adaptorOnly = new AdaptationPipeline(studentOnnx, options.student(), student, teacher,
          teacherVersion, key.getPrivate(), base.optPrompt(false).build(), quiet);

      int totalCells = 0;
      for (Domain d : domains) {
        for (double budget : options.budgets()) {
          totalCells += options.runs(d.family(), budget) ? 2 : 0;
        }
      }
      progress.accept("evaluate: " + domains.size() + " domains, " + totalCells + " adaptations (x2: prompt + adaptor, "
          + "adaptor only), " + sourceFrames.size() + " source samples");
      int done = 0;
      long cellsStart = System.nanoTime();
      List<BenchmarkReport.DomainResult> results = new ArrayList<>();
      Map<String, List<UploadedSample>> ugsMainUploads = new LinkedHashMap<>();
      for (Domain d : domains) {
        List<Image> evalImages = images(d.eval());
        int[] evalLabels = labels(d.eval());
        double sourceOnly = DeviceReplay.run(student, null, List.of(), deviceEncoder, 1, evalImages).accuracy(evalLabels);
        double teacherAccuracy = DeviceReplay.run(teacher, null, List.of(), deviceEncoder, 1, evalImages).accuracy(evalLabels);
        List<DeviceSample> candidates = deviceSamples(student, deviceEncoder, ood, d);
        List<BenchmarkReport.Cell> cells = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (double budget : options.budgets()) {
          if (!options.runs(d.family(), budget)) {
            continue;
          }
          List<DeviceSample> ugs = selectUgs(candidates, budget, d);
          List<DeviceSample> random = selectRandom(candidates, ugs.size(), d.tag(), budget);
          for (String sampler : List.of("ugs", "random")) {
            List<DeviceSample> chosen = sampler.equals("ugs") ? ugs : random;
            done++;
            if (chosen.size() < 2) {
              skipped.add(sampler + " " + fmt(budget) + "%: " + chosen.size() + " upload(s), an adaptation needs 2");
              continue;
            }
            List<UploadedSample> uploads = chosen.stream()
                .map(s -> new UploadedSample(s.eventId(), d.tag(), s.image())).toList();
            if (sampler.equals("ugs") && budget == options.mainBudget()) {
              ugsMainUploads.put(d.tag(), uploads);
            }
            String bundleId = options.student() + "-" + d.tag().replace('@', '-') + "-" + sampler + "-" + fmt(budget);
            AdaptationResult pa = promptAdaptor.adapt(new AdaptationRequest(bundleId, 1, uploads, source));
            AdaptationResult a = adaptorOnly.adapt(new AdaptationRequest(bundleId + "-adaptor", 1, uploads, source));
            DeviceReplay.Outcome paOut = DeviceReplay.run(student, pa.router(Precision.FP32, true, true), evalImages);
            double paAcc = paOut.accuracy(evalLabels);
            double paBin = DeviceReplay.run(student, pa.router(Precision.BINARY, true, true), evalImages)
                .accuracy(evalLabels);
            double promptOnlyAcc = DeviceReplay.run(student, pa.router(Precision.FP32, true, false), evalImages)
                .accuracy(evalLabels);
            double aAcc = DeviceReplay.run(student, a.router(Precision.FP32, false, true), evalImages).accuracy(evalLabels);
            double aBin = DeviceReplay.run(student, a.router(Precision.BINARY, false, true), evalImages)
                .accuracy(evalLabels);
            double paShipped = pa.ships() ? DeviceReplay.run(student, pa.candidate(), 1, evalImages).accuracy(evalLabels)
                : sourceOnly;
            double aShipped = a.ships() ? DeviceReplay.run(student, a.candidate(), 1, evalImages).accuracy(evalLabels)
                : sourceOnly;
            double cleanKept = cleanKept(pa.router(Precision.FP32, true, true), source.frames(), student);
            long bytesUp = chosen.stream().mapToLong(DeviceSampleCodec::encodedSize).sum();
            long bytesDown = pa.ships() ? pa.encodedBundle().length : BundleCodec.encode(pa.candidate(), key.getPrivate()).length;
            cells.add(new BenchmarkReport.Cell(sampler, budget, chosen.size(), bytesUp, bytesDown, round(pa.seconds(), 3),
                pa.lineage().getOrDefault("prompt.mode", "off"), pa.ships(), pa.gate().reason(),
                round(pa.gate().source().gainPoints(), 2), a.ships(), round(a.gate().source().gainPoints(), 2),
                round(promptOnlyAcc), round(aAcc), round(paAcc), round(paBin), round(aBin),
                round(paOut.routeShare(d.tag())), round(cleanKept), round(paShipped), round(aShipped),
                round(gap(paAcc, sourceOnly, teacherAccuracy))));
            double elapsed = (System.nanoTime() - cellsStart) / 1e9;
            progress.accept(String.format(Locale.ROOT,
                "evaluate: %d/%d %s %s %s%% n=%d source %.3f prompt %.3f adaptor %.3f both %.3f shipped %.3f teacher %.3f %s"
                    + " routed %.2f clean kept %.2f | %.1f s/adaptation ETA %s",
                done, totalCells, d.tag(), sampler, fmt(budget), chosen.size(), sourceOnly, promptOnlyAcc, aAcc, paAcc,
                paShipped, teacherAccuracy, pa.ships() ? "ships" : "rejected", paOut.routeShare(d.tag()), cleanKept, elapsed / done, eta(elapsed / done * (totalCells - done))));
          }
        }
        results.add(new BenchmarkReport.DomainResult(d.tag(), d.family().id(), d.severity(), d.pool().size(),
            d.eval().size(), round(sourceOnly), round(teacherAccuracy), cells, skipped));
      }

      List<BenchmarkReport.Recurrence> recurring = recurring(domains, ugsMainUploads, source, student, deviceEncoder,
          promptAdaptor, adaptorOnly);
      List<BenchmarkReport.Summary> summary = summarise(results);
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("command", String.join(" ", commandLine));
      run.put("student", options.student());
      run.put("studentSha256", sha256(studentOnnx));
      run.put("teacherSha256", sha256(teacherOnnx));
      run.put("scenario", options.scenario() == null ? "default" : options.scenario().getFileName().toString());
      run.put("scale", options.scale());
      run.put("seed", options.seed());
      run.put("quick", options.quick());
      run.put("budgets", options.budgets());
      run.put("mainBudget", options.mainBudget());
      run.put("budgetFamilies", options.budgetFamilies() == null ? "all"
          : options.budgetFamilies().stream().map(CorruptionFamily::id).toList());
      run.put("severities", options.severities());
      run.put("sourceSamples", sourceFrames.size());
      run.put("warmupFrames", warmup);
      run.put("promptSteps", options.quick() ? 30 : PipelineConfig.DEFAULT_WHITE_BOX.steps());
      run.put("adaptor", io.driftline.teacher.pipeline.AdaptorSpec.defaults().lineage());
      run.put("codeVersion", codeVersion);
      run.put("startedAt", Instant.now().minusNanos(System.nanoTime() - start).toString());
      run.put("wallSeconds", round((System.nanoTime() - start) / 1e9, 1));
      run.put("loadAverage", loadAverage());
      run.put("processors", Runtime.getRuntime().availableProcessors());
      return new BenchmarkReport(run, results, summary, recurring, targets(summary, recurring));
    }
  }

  private List<Domain> collect(Scenario scenario, LabeledImages main, List<Frame> clean) {
    List<Segment> segments = scenario.segments();
    Map<String, Integer> firstSegment = new LinkedHashMap<>();
    Map<String, Integer> returnSegment = new LinkedHashMap<>();
    int firstClean = -1;
    for (int s = 0; s < segments.size(); s++) {
      Segment seg = segments.get(s);
      if (seg.family() == null && seg.source() == null && firstClean < 0) {
        firstClean = s;
      }
      if (seg.family() == null || seg.source() != null || !selected(seg.family(), seg.severity())) {
        continue;
      }
      if (!firstSegment.containsKey(seg.domainTag())) {
        firstSegment.put(seg.domainTag(), s);
      } else if (!returnSegment.containsKey(seg.domainTag()) && s > firstSegment.get(seg.domainTag()) + 1) {
        returnSegment.put(seg.domainTag(), s);
      }
    }
    Map<String, List<Frame>> first = new LinkedHashMap<>();
    Map<String, List<Frame>> back = new LinkedHashMap<>();
    int[] starts = new int[segments.size() + 1];
    for (int s = 0; s < segments.size(); s++) {
      starts[s + 1] = starts[s] + segments.get(s).length();
    }
    int s = 0;
    for (Frame f : ScenarioStream.of(scenario, main)) {
      while (f.index() >= starts[s + 1]) {
        s++;
      }
      String tag = segments.get(s).domainTag();
      if (!f.domainTag().equals(tag)) {
        continue; // a transition frame drawn from the previous domain
      }
      if (s == firstClean) {
        clean.add(f);
      } else if (firstSegment.getOrDefault(tag, -1) == s) {
        first.computeIfAbsent(tag, t -> new ArrayList<>()).add(f);
      } else if (returnSegment.getOrDefault(tag, -1) == s) {
        back.computeIfAbsent(tag, t -> new ArrayList<>()).add(f);
      }
    }
    List<Domain> domains = new ArrayList<>();
    firstSegment.forEach((tag, seg) -> {
      List<Frame> frames = first.getOrDefault(tag, List.of());
      int half = frames.size() / 2;
      Segment segment = segments.get(seg);
      domains.add(new Domain(tag, segment.family(), segment.severity(), seg, frames.subList(0, half),
          frames.subList(half, frames.size()), back.getOrDefault(tag, List.of()), returnSegment.getOrDefault(tag, -1)));
    });
    return domains;
  }

  private boolean selected(CorruptionFamily family, int severity) {
    return options.severities().contains(severity) && (options.families() == null || options.families().contains(family));
  }

  /** The scenario with every segment length and transition multiplied by {@code factor}. */
  static Scenario scale(Scenario scenario, int factor) {
    if (factor == 1) {
      return scenario;
    }
    List<Segment> segments = scenario.segments().stream()
        .map(s -> new Segment(s.id(), s.domainTag(), s.family(), s.severity(), s.length() * factor,
            s.transition() * factor, s.source(), s.labelShift(), s.repeatOf()))
        .toList();
    return new Scenario(scenario.name(), scenario.seed(), scenario.source(), segments, scenario.devices());
  }

  /** Class prototypes from the confident warm-up frames, as the device agent builds them. */
  private static PrototypeMemory classPrototypes(StudentModel student, HdcEncoder encoder, List<Image> warmup) {
    StudentOutput out = DeviceReplay.infer(student, null, warmup);
    PrototypeMemory memory = new PrototypeMemory(encoder.dimension());
    for (int i = 0; i < warmup.size(); i++) {
      float[] logits = out.logits()[i];
      if (Logits.normalizedEntropy(logits) < 0.5) {
        memory.add("class-" + DeviceReplay.argmax(logits), encoder.encode(out.features()[i]));
      }
    }
    return memory;
  }

  /** The samples the device would build for its pool frames (bare student, agent encoder and scores). */
  private List<DeviceSample> deviceSamples(StudentModel student, HdcEncoder encoder, OodScorer ood, Domain d) {
    StudentOutput out = DeviceReplay.infer(student, null, images(d.pool()));
    List<DeviceSample> samples = new ArrayList<>();
    for (int i = 0; i < d.pool().size(); i++) {
      Frame f = d.pool().get(i);
      float[] logits = out.logits()[i];
      Hypervector code = encoder.encode(out.features()[i]);
      double score = ood.score(code);
      samples.add(DeviceSample.builder()
          .setEventId("bench/" + d.tag() + "/" + f.index())
          .setDeviceId("bench")
          .setStudentModelId(options.student())
          .setWindowSeq(i / WINDOW_FRAMES)
          .setFrameIndex(f.index())
          .setCapturedAt(Instant.EPOCH)
          .setUncertainty((float) Logits.normalizedEntropy(logits))
          .setOodScore((float) (Double.isNaN(score) ? 1.0 : Math.max(0, Math.min(1, score))))
          .setPredictedClass(DeviceReplay.argmax(logits))
          .optDomainHint("student")
          .setImage(f.image())
          .optHypervector(code)
          .build());
    }
    return samples;
  }

  private static List<DeviceSample> selectUgs(List<DeviceSample> samples, double budget, Domain d) {
    SamplingPolicy policy = SamplingPolicy.builder().optMaxFrameFraction(budget / 100)
        .optMaxBytesPerSecond(Double.POSITIVE_INFINITY).build();
    UncertaintyGuidedSampler sampler = new UncertaintyGuidedSampler(policy);
    Map<Long, DeviceSample> byIndex = new LinkedHashMap<>();
    samples.forEach(s -> byIndex.put(s.frameIndex(), s));
    List<DeviceSample> chosen = new ArrayList<>();
    for (int start = 0; start < samples.size(); start += WINDOW_FRAMES) {
      List<Candidate> window = new ArrayList<>();
      // Every frame of the window is offered, so the quota is floor(budget × window frames) as the policy
      // documents; the sampler itself skips frames below the minimum score.
      for (DeviceSample s : samples.subList(start, Math.min(samples.size(), start + WINDOW_FRAMES))) {
        window.add(new Candidate(s.frameIndex(), s.uncertainty(), s.oodScore(), s.hypervector(),
            DeviceSampleCodec.encodedSize(s)));
      }
      sampler.select(window, Duration.ofSeconds(10)).chosen().forEach(c -> chosen.add(byIndex.get(c.frameIndex())));
    }
    return chosen;
  }

  private List<DeviceSample> selectRandom(List<DeviceSample> samples, int count, String tag, double budget) {
    SplittableRandom random = new SplittableRandom(options.seed() * 31 + tag.hashCode() * 17L + Double.hashCode(budget));
    List<DeviceSample> shuffled = new ArrayList<>(samples);
    for (int i = shuffled.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      DeviceSample t = shuffled.get(i);
      shuffled.set(i, shuffled.get(j));
      shuffled.set(j, t);
    }
    return shuffled.subList(0, Math.min(count, shuffled.size()));
  }

  private List<BenchmarkReport.Recurrence> recurring(
      List<Domain> domains,
      Map<String, List<UploadedSample>> uploads,
      SourceSamples source,
      StudentModel student,
      HdcEncoder deviceEncoder,
      AdaptationPipeline promptAdaptor,
      AdaptationPipeline adaptorOnly) {
    List<BenchmarkReport.Recurrence> out = new ArrayList<>();
    for (Domain a : domains) {
      if (a.recurrence().isEmpty() || !uploads.containsKey(a.tag())) {
        continue;
      }
      List<String> between = new ArrayList<>();
      List<UploadedSample> all = new ArrayList<>(uploads.get(a.tag()));
      for (Domain b : domains) {
        if (b.firstSegment() > a.firstSegment() && b.firstSegment() < a.returnSegment() && uploads.containsKey(b.tag())) {
          between.add(b.tag());
          all.addAll(uploads.get(b.tag()));
        }
      }
      if (between.isEmpty()) {
        continue;
      }
      progress.accept("evaluate: recurring " + a.tag() + ": adapting to it, then to it and " + between);
      List<Image> back = images(a.recurrence());
      int[] labels = labels(a.recurrence());
      String id = options.student() + "-recurring-" + a.tag().replace('@', '-');
      AdaptationResult first = promptAdaptor.adapt(new AdaptationRequest(id, 1, uploads.get(a.tag()), source));
      AdaptationResult after = promptAdaptor.adapt(new AdaptationRequest(id, 2, all, source));
      AdaptationResult firstA = adaptorOnly.adapt(new AdaptationRequest(id + "-adaptor", 1, uploads.get(a.tag()), source));
      AdaptationResult afterA = adaptorOnly.adapt(new AdaptationRequest(id + "-adaptor", 2, all, source));
      DeviceReplay.Outcome afterOut = DeviceReplay.run(student, after.router(Precision.FP32, true, true), back);
      out.add(new BenchmarkReport.Recurrence(a.tag(), between, back.size(),
          round(DeviceReplay.bare(student, back).accuracy(labels)),
          round(DeviceReplay.run(student, first.router(Precision.FP32, true, true), back).accuracy(labels)),
          round(afterOut.accuracy(labels)), round(afterOut.routeShare(a.tag())),
          round(DeviceReplay.run(student, firstA.router(Precision.FP32, false, true), back).accuracy(labels)),
          round(DeviceReplay.run(student, afterA.router(Precision.FP32, false, true), back).accuracy(labels))));
    }
    return out;
  }

  /** Share of clean frames the raw-frame router keeps on the bare student (routing only, no inference). */
  private static double cleanKept(FrameRouter router, List<Image> clean, StudentModel student) {
    int[] shape = student.inputShape();
    int kept = 0;
    for (Image frame : clean) {
      kept += router.route(ImageOps.conform(frame, shape[0], shape[1], shape[2])).isStudent() ? 1 : 0;
    }
    return clean.isEmpty() ? 0 : (double) kept / clean.size();
  }

  private List<BenchmarkReport.Summary> summarise(List<BenchmarkReport.DomainResult> results) {
    List<BenchmarkReport.Summary> out = new ArrayList<>();
    for (int severity : options.severities()) {
      for (double budget : options.budgets()) {
        for (String sampler : List.of("ugs", "random")) {
          List<double[]> rows = new ArrayList<>();
          List<Double> seconds = new ArrayList<>();
          int shipped = 0;
          int adaptorShipped = 0;
          for (BenchmarkReport.DomainResult r : results) {
            if (r.severity() != severity) {
              continue;
            }
            for (BenchmarkReport.Cell c : r.cells()) {
              if (c.sampler().equals(sampler) && c.budget() == budget) {
                rows.add(new double[] {r.sourceOnly(), c.promptOnly(), c.adaptorOnly(), c.promptAdaptor(), r.teacher(),
                    c.promptAdaptorBinary(), c.uploaded(), c.bytesUp(), c.bytesDown(), c.asShipped(),
                    c.adaptorOnlyAsShipped(), c.routedToDomain(), c.cleanKept()});
                seconds.add(c.seconds());
                shipped += c.shipped() ? 1 : 0;
                adaptorShipped += c.adaptorOnlyShipped() ? 1 : 0;
              }
            }
          }
          if (rows.isEmpty()) {
            continue;
          }
          double[] m = new double[rows.get(0).length];
          for (double[] row : rows) {
            for (int i = 0; i < m.length; i++) {
              m[i] += row[i] / rows.size();
            }
          }
          out.add(new BenchmarkReport.Summary(severity, sampler, budget, rows.size(), round(m[0]), round(m[1]),
              round(m[2]), round(m[3]), round(m[4]), round(gap(m[3], m[0], m[4])), round(m[5]), round(m[6], 1),
              round(m[7], 0), round(m[8], 0), round(median(seconds), 2), shipped, adaptorShipped, round(m[9]),
              round(m[10]), round(gap(m[9], m[0], m[4])), round(m[11]), round(m[12])));
        }
      }
    }
    return out;
  }

  private List<BenchmarkReport.Target> targets(
      List<BenchmarkReport.Summary> summary, List<BenchmarkReport.Recurrence> recurring) {
    List<BenchmarkReport.Target> out = new ArrayList<>();
    double main = options.mainBudget();
    for (int severity : options.severities()) {
      BenchmarkReport.Summary ugs = find(summary, severity, "ugs", main);
      BenchmarkReport.Summary random = find(summary, severity, "random", main);
      if (ugs != null) {
        out.add(new BenchmarkReport.Target("gap closed, prompt + adaptor, UGS " + fmt(main) + "%, severity " + severity,
            pct(ugs.gapClosed()), ">= 60 %", ugs.gapClosed() >= 0.6));
        out.add(new BenchmarkReport.Target("gap closed as shipped (after the per-domain gate), UGS " + fmt(main)
            + "%, severity " + severity, pct(ugs.gapClosedAsShipped()), ">= 60 %", ugs.gapClosedAsShipped() >= 0.6));
        out.add(new BenchmarkReport.Target("1-bit vs fp32 adaptors, UGS " + fmt(main) + "%, severity " + severity,
            points(ugs.promptAdaptorBinary() - ugs.promptAdaptor()), "within 1 point",
            Math.abs(ugs.promptAdaptorBinary() - ugs.promptAdaptor()) <= 0.01));
      }
      if (ugs != null && random != null) {
        out.add(new BenchmarkReport.Target("UGS vs random, prompt + adaptor, " + fmt(main) + "%, severity " + severity,
            points(ugs.promptAdaptor() - random.promptAdaptor()), "UGS above random",
            ugs.promptAdaptor() > random.promptAdaptor()));
      }
    }
    for (BenchmarkReport.Recurrence r : recurring) {
      out.add(new BenchmarkReport.Target("recurring " + r.domain() + " after " + r.between().size() + " other domains",
          points(r.afterOthers() - r.firstAdaptation()), "within 1 point of its first adaptation",
          r.afterOthers() >= r.firstAdaptation() - 0.01));
    }
    return out;
  }

  private static BenchmarkReport.Summary find(List<BenchmarkReport.Summary> summary, int severity, String sampler,
      double budget) {
    return summary.stream().filter(s -> s.severity() == severity && s.sampler().equals(sampler) && s.budget() == budget)
        .findFirst().orElse(null);
  }

  static double gap(double adapted, double source, double teacher) {
    double denominator = teacher - source;
    return Math.abs(denominator) < 1e-9 ? 0 : (adapted - source) / denominator;
  }

  private static List<Image> images(List<Frame> frames) {
    return frames.stream().map(Frame::image).toList();
  }

  private static int[] labels(List<Frame> frames) {
    return frames.stream().mapToInt(Frame::label).toArray();
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length == 0 ? 0 : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  static double round(double v) {
    return round(v, 4);
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  static String fmt(double budget) {
    return budget == Math.rint(budget) ? Long.toString((long) budget) : Double.toString(budget);
  }

  private static String pct(double fraction) {
    return String.format(Locale.ROOT, "%.1f %%", 100 * fraction);
  }

  private static String points(double delta) {
    return String.format(Locale.ROOT, "%+.2f points", 100 * delta);
  }

  private static String eta(double seconds) {
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException | UncheckedIOException e) {
      return "unknown";
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }


}
