package io.driftline.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The reference models the sandbox's fleet runs (student-nano, student-small, the teacher): trained
 * by the cloud teacher's {@code bootstrap-models} tool into the models folder when missing (its
 * progress lines are shown), then registered in the model registry.
 */
final class ReferenceModels {

  static final List<String> NAMES = List.of("student-nano", "student-small", "teacher");

  private ReferenceModels() {}

  /** Trains the missing models into {@code dir}; {@code quick} uses the short test profile. */
  static void ensure(Path dir, boolean quick, @Nullable Path dataset, @Nullable Path servicesDir, Progress progress)
      throws IOException, InterruptedException {
    List<String> missing = NAMES.stream().filter(n -> !Files.isRegularFile(dir.resolve(n + ".onnx"))).toList();
    if (missing.isEmpty()) {
      progress.say("models: found " + String.join(", ", NAMES) + " in " + dir);
      return;
    }
    Files.createDirectories(dir);
    progress.say("models: training " + String.join(", ", missing) + " into " + dir + (quick ? " (quick profile)"
        : " (full profile: about 9 minutes on 2 cores; --quick-models takes seconds)"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dai.djl.offline=true", "-Dloader.main=io.driftline.teacher.bootstrap.BootstrapModels",
        "-cp", LocalStack.findJar("cloud-teacher", servicesDir).toString(),
        "org.springframework.boot.loader.launch.PropertiesLauncher",
        "--out", dir.toString(), "--models", String.join(",", missing), "--threads", "2"));
    if (quick) {
      command.add("--quick");
    }
    if (dataset != null) {
      if (ScenarioFrames.isIdx(dataset)) {
        command.addAll(List.of("--idx", dataset.toString()));
      } else {
        ScenarioFrames.testFolder(dataset);
        command.addAll(List.of("--train-folder", dataset.resolve("train").toString(), "--test-folder",
            dataset.resolve("test").toString()));
      }
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    // Ctrl-C while training stops the training too
    Thread stop = new Thread(p::destroy, "stop-bootstrap-models");
    Runtime.getRuntime().addShutdownHook(stop);
    List<String> tail = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        tail.add(line);
        if (tail.size() > 30) {
          tail.remove(0);
        }
        // the tool's own progress lines; library logging stays out of the way
        if (!line.contains(" INFO ") && !line.contains(" WARN ") && !line.isBlank()) {
          progress.say("models: " + line.strip());
        }
      }
    }
    int exit = p.waitFor();
    try {
      Runtime.getRuntime().removeShutdownHook(stop);
    } catch (IllegalStateException e) {
      // shutting down already
    }
    if (exit != 0) {
      throw new IllegalStateException("bootstrap-models failed (exit " + exit + "):\n" + String.join("\n", tail));
    }
  }

  /**
   * Registers every model (kind student or teacher) as version 1, unless the registry already has
   * it; with {@code customStudent} also that one, as {@value CustomStudent#NAME}.
   */
  static void register(ServiceApi registry, Path dir, @Nullable Path customStudent, Progress progress)
      throws IOException, InterruptedException {
    List<String> names = new ArrayList<>(NAMES);
    if (customStudent != null) {
      names.add(CustomStudent.NAME);
    }
    for (String name : names) {
      String kind = name.equals("teacher") ? "teacher" : "student";
      ServiceApi.Answer created = registry.post("/api/v1/models", Map.of("name", name, "kind", kind));
      registry.expect(created, "create model " + name, 201, 409);
      if (registry.get("/api/v1/models/" + name + "/versions/1").status() == 200) {
        continue;
      }
      byte[] bytes = Files.readAllBytes(name.equals(CustomStudent.NAME) && customStudent != null ? customStudent
          : dir.resolve(name + ".onnx"));
      String mediaType = kind.equals("student") ? "application/onnx" : "application/octet-stream";
      String digest = registry.expect(registry.postBytes("/api/v1/artefacts", mediaType, bytes), "upload " + name, 200, 201)
          .get("digest").asString();
      registry.expect(registry.post("/api/v1/models/" + name + "/versions", Map.of("digest", digest)),
          "register " + name, 201);
      progress.say("models: registered " + name + ":1 (" + bytes.length / 1024 + " KB)");
    }
  }
}
