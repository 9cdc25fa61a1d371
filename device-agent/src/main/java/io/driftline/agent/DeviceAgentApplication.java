package io.driftline.agent;

import io.driftline.agent.status.StatusCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Starts the device agent daemon, or with the first argument {@code status} prints the status of a
 * running agent ({@link StatusCommand}).
 */
@SpringBootApplication
public class DeviceAgentApplication {

  /** Runs the daemon, or the status command. */
  public static void main(String[] args) {
    if (args.length > 0 && "status".equals(args[0])) {
      System.exit(StatusCommand.run(args, System.out, System.err));
    }
    SpringApplication.run(DeviceAgentApplication.class, args);
  }
}
