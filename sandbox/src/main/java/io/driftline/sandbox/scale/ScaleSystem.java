package io.driftline.sandbox.scale;

import io.driftline.agent.source.FrameSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The running system a scale run drives: where the broker and services are, the tokens, the
 * processes to meter and the scenario's device streams.
 *
 * @param kafka bootstrap servers
 * @param registryUrl model registry base URL
 * @param catalogUrl semantic catalog base URL
 * @param detectorUrl drift detector base URL
 * @param teacherUrl cloud teacher base URL
 * @param adminToken a registry ADMIN token (enrolment, rollouts)
 * @param teacherKey the private key file of a key the registry trusts for bundle uploads
 * @param models folder with {@code student-nano.onnx} and {@code student-small.onnx}
 * @param out folder for the run's files and {@code scale.json}
 * @param processes the processes to meter, by name ({@code sandbox} is this JVM: fleet and broker)
 * @param streams the scenario's device stream names
 * @param stream one round of a stream's frames
 * @param say prints a progress line
 */
public record ScaleSystem(String kafka, String registryUrl, String catalogUrl, String detectorUrl, String teacherUrl,
    String adminToken, Path teacherKey, Path models, Path out, Map<String, ProcessHandle> processes,
    List<String> streams, Function<String, FrameSource> stream, Consumer<String> say) {}
