package io.driftline.sandbox;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Starts the sandbox service. */
@SpringBootApplication
public class SandboxApplication {

  /** Runs the service with the given command-line arguments. */
  public static void main(String[] args) {
    SpringApplication.run(SandboxApplication.class, args);
  }
}
