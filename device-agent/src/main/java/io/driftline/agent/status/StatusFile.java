package io.driftline.agent.status;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** Writes the agent's status to {@code <data dir>/status.json} (atomically) and reads it back. */
public final class StatusFile {

  /** Name of the status file in the data folder. */
  public static final String NAME = "status.json";

  static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules().build();
  private static final Logger log = LoggerFactory.getLogger(StatusFile.class);

  private final Path file;

  /** Creates the status file of {@code dataDir}. */
  public StatusFile(Path dataDir) {
    this.file = dataDir.resolve(NAME);
  }

  /** Writes {@code status}; a failure is logged, not thrown (the status must never stop the device). */
  public void write(AgentStatus status) {
    try {
      Path tmp = file.resolveSibling(NAME + ".tmp");
      Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(status));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      log.warn("cannot write status file {}: {}", file, e.toString());
    }
  }

  /** Reads the status written last. */
  public AgentStatus read() throws IOException {
    return JSON.readValue(Files.readAllBytes(file), AgentStatus.class);
  }

  /** The file. */
  public Path path() {
    return file;
  }
}
