package io.driftline.agent;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Starts the device agent service. */
@SpringBootApplication
public class DeviceAgentApplication {

  /** Runs the service with the given command-line arguments. */
  public static void main(String[] args) {
    SpringApplication.run(DeviceAgentApplication.class, args);
  }
}
