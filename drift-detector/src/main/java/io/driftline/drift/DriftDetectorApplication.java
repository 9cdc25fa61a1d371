package io.driftline.drift;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Starts the drift detector service. */
@SpringBootApplication
public class DriftDetectorApplication {

  /** Runs the service with the given command-line arguments. */
  public static void main(String[] args) {
    SpringApplication.run(DriftDetectorApplication.class, args);
  }
}
