package io.driftline.teacher.bootstrap;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.model.Preprocessing;
import io.driftline.core.model.StudentModel;
import io.driftline.teacher.djl.ImportedModel;
import io.driftline.teacher.onnx.ArchitectureStats;
import io.driftline.teacher.onnx.ReferenceArchitecture;
import io.driftline.teacher.train.ClassifierTrainer;
import io.driftline.teacher.train.CorruptionAugmentation;
import io.driftline.teacher.train.RobustnessEvaluation;
import io.driftline.teacher.train.TensorDataset;
import io.driftline.teacher.train.TrainingConfig;
import io.driftline.teacher.train.TrainingReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Trains the reference architectures on a training set, evaluates them clean and under every
 * corruption family through ONNX Runtime, and writes {@code <id>.onnx} and {@code <id>.card.json}
 * per model into the output folder. The teacher is trained with corruption augmentation from
 * {@link BootstrapProfile#TEACHER_AUGMENTATION}; the students see clean frames only.
 */
public final class ModelBootstrap {

  /** Suffix of the model card files. */
  public static final String CARD_SUFFIX = ".card.json";

  private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private ModelBootstrap() {}

  /**
   * What to bootstrap.
   *
   * @param outputDirectory where the files go (created if missing)
   * @param profile full or quick
   * @param seed seed of weights, shuffling, augmentation and evaluation corruptions
   * @param models the architectures to train
   * @param data training and test sets
   */
  public record Options(Path outputDirectory, BootstrapProfile profile, long seed, List<ReferenceArchitecture> models,
      BootstrapData data) {

    /** Checks that at least one model is asked for. */
    public Options {
      models = List.copyOf(models);
      if (models.isEmpty()) {
        throw new IllegalArgumentException("no model to bootstrap");
      }
    }
  }

  /**
   * Runs the bootstrap.
   *
   * @param log receives progress lines
   * @return the cards written, in the order of {@link Options#models()}
   * @throws UncheckedIOException if the output cannot be written
   */
  public static List<ModelCard> run(Options options, Consumer<String> log) {
    long started = System.nanoTime();
    BootstrapData data = options.data();
    BootstrapProfile profile = options.profile();
    Preprocessing preprocessing = TensorDataset.standardisation(data.train(), profile.trainLimit());
    ReferenceArchitecture.InputSpec spec = new ReferenceArchitecture.InputSpec(
        data.channels(), data.height(), data.width(), data.train().classNames(), preprocessing);
    TensorDataset training = TensorDataset.of(
        data.train(), profile.trainLimit(), data.channels(), data.height(), data.width(), preprocessing);
    log.accept(String.format(Locale.ROOT, "bootstrap profile %s: %d training samples from %s, input %dx%dx%d, %d classes, %s",
        profile.name(), training.size(), data.train().source(), data.channels(), data.height(), data.width(),
        spec.classNames().size(), preprocessing));

    Map<ReferenceArchitecture, byte[]> trained = new LinkedHashMap<>();
    Map<ReferenceArchitecture, TrainingReport> reports = new LinkedHashMap<>();
    for (ReferenceArchitecture architecture : options.models()) {
      BootstrapProfile.Schedule schedule = profile.schedules().get(architecture);
      CorruptionAugmentation augmentation = architecture == ReferenceArchitecture.TEACHER
          ? new CorruptionAugmentation(BootstrapProfile.TEACHER_AUGMENTATION,
              BootstrapProfile.TEACHER_AUGMENTATION_PROBABILITY, 1, 5, options.seed())
          : null;
      TrainingConfig config = new TrainingConfig(schedule.epochs(), schedule.batchSize(), schedule.learningRate(),
          schedule.weightDecay(), 0.05, options.seed(), augmentation);
      log.accept(architecture.id() + ": " + architecture.stats(spec) + ", " + config);
      try (ImportedModel model = ImportedModel.of(architecture.build(spec, options.seed()))) {
        TrainingReport report = ClassifierTrainer.train(architecture.id(), model, training, config, p -> log.accept(p.line()));
        reports.put(architecture, report);
        trained.put(architecture, model.toOnnx().toByteArray());
        log.accept(String.format(Locale.ROOT, "%s trained in %.1f s, final loss %.4f",
            architecture.id(), report.duration().toMillis() / 1000.0, report.finalLoss()));
      }
    }

    List<StudentModel> students = new ArrayList<>();
    try {
      for (Map.Entry<ReferenceArchitecture, byte[]> entry : trained.entrySet()) {
        students.add(StudentModel.load(entry.getValue(), entry.getKey().id()));
      }
      List<RobustnessEvaluation.Accuracy> accuracies = RobustnessEvaluation.evaluate(students, data.test(),
          profile.cleanEvalLimit(), profile.corruptedEvalLimit(), profile.severities(), options.seed(), log);
      List<ModelCard> cards = new ArrayList<>();
      String codeVersion = CodeVersion.detect();
      int i = 0;
      for (Map.Entry<ReferenceArchitecture, byte[]> entry : trained.entrySet()) {
        ReferenceArchitecture architecture = entry.getKey();
        ModelCard card = card(architecture, entry.getValue(), spec, students.get(i), reports.get(architecture),
            accuracies.get(i), options, training, codeVersion);
        write(options.outputDirectory(), architecture.id() + ".onnx", entry.getValue());
        write(options.outputDirectory(), architecture.id() + CARD_SUFFIX, JSON.writeValueAsBytes(card));
        log.accept(String.format(Locale.ROOT, "%s: clean %.4f, mean over families %s -> %s",
            architecture.id(), card.evaluation().clean(), card.evaluation().meanOverFamilies(),
            options.outputDirectory().resolve(architecture.id() + ".onnx")));
        cards.add(card);
        i++;
      }
      log.accept(String.format(Locale.ROOT, "bootstrap done in %.1f s wall clock, %.1f s process CPU",
          (System.nanoTime() - started) / 1e9, processCpuSeconds()));
      return cards;
    } finally {
      students.forEach(StudentModel::close);
    }
  }

  private static ModelCard card(ReferenceArchitecture architecture, byte[] onnx, ReferenceArchitecture.InputSpec spec,
      StudentModel student, TrainingReport report, RobustnessEvaluation.Accuracy accuracy, Options options,
      TensorDataset training, String codeVersion) {
    ArchitectureStats stats = architecture.stats(spec);
    BootstrapProfile.Schedule schedule = options.profile().schedules().get(architecture);
    boolean augmented = architecture == ReferenceArchitecture.TEACHER;
    Map<Integer, Double> means = new LinkedHashMap<>();
    for (int severity : options.profile().severities()) {
      means.put(severity, accuracy.meanOverFamilies(severity));
    }
    Map<String, Object> preprocessing = new LinkedHashMap<>();
    preprocessing.put("pixelScale", spec.preprocessing().pixelScale());
    preprocessing.put("mean", spec.preprocessing().mean());
    preprocessing.put("std", spec.preprocessing().std());
    ModelCard.Training trainingCard = new ModelCard.Training(
        training.source(), training.size(), options.seed(), options.profile().name(), schedule.epochs(),
        schedule.batchSize(), decimal(schedule.learningRate()), decimal(schedule.weightDecay()),
        augmented ? ids(BootstrapProfile.TEACHER_AUGMENTATION) : List.of(),
        augmented ? BootstrapProfile.TEACHER_AUGMENTATION_PROBABILITY : 0,
        augmented ? ids(BootstrapProfile.unseenFamilies()) : ids(List.of(CorruptionFamily.values())),
        report.finalLoss(), report.duration().toMillis() / 1000.0);
    ModelCard.Evaluation evaluation = new ModelCard.Evaluation(
        options.data().test().source(), accuracy.cleanSamples(), accuracy.corruptedSamples(), options.seed(),
        accuracy.clean(), means, accuracy.bySeverity());
    return new ModelCard(architecture.id(), architecture.id() + ".onnx", sha256(onnx), architecture.summary(),
        List.of(spec.channels(), spec.height(), spec.width()), preprocessing, spec.classNames(),
        stats.parameters(), stats.runningStatistics(), stats.macs(), stats.flops(), stats.weightBytes(),
        stats.peakActivationBytes(), student.featureDimension(), trainingCard, evaluation, codeVersion,
        Instant.now().toString());
  }

  // CPU time shows how much work a run was when other processes share the cores.
  private static double processCpuSeconds() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime() / 1e9;
    }
    return Double.NaN;
  }

  // The float's shortest decimal form, so cards say 0.002 rather than 0.0020000000949949026.
  private static double decimal(float value) {
    return Double.parseDouble(Float.toString(value));
  }

  private static List<String> ids(List<CorruptionFamily> families) {
    return families.stream().map(CorruptionFamily::id).toList();
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  // Written beside the target and moved into place, so a reader never sees half a file.
  private static void write(Path directory, String name, byte[] bytes) {
    try {
      Files.createDirectories(directory);
      Path temporary = Files.createTempFile(directory, name, ".part");
      Files.write(temporary, bytes);
      Files.move(temporary, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + directory.resolve(name) + ": " + e.getMessage(), e);
    }
  }
}
