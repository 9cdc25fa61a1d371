package io.driftline.teacher;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Starts the cloud teacher service. */
@SpringBootApplication
public class TeacherApplication {

  /** Runs the service with the given command-line arguments. */
  public static void main(String[] args) {
    SpringApplication.run(TeacherApplication.class, args);
  }
}
