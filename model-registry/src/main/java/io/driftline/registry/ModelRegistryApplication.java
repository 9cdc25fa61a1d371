package io.driftline.registry;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Starts the model registry service. */
// The in-memory user store would log a generated password; the registry authenticates bearer tokens only.
@SpringBootApplication(excludeName = "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration")
public class ModelRegistryApplication {

  /** Runs the service with the given command-line arguments. */
  public static void main(String[] args) {
    SpringApplication.run(ModelRegistryApplication.class, args);
  }
}
