package io.driftline.catalog;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Starts the semantic catalog service. */
@SpringBootApplication
public class SemanticCatalogApplication {

  /** Runs the service with the given command-line arguments. */
  public static void main(String[] args) {
    SpringApplication.run(SemanticCatalogApplication.class, args);
  }
}
