package io.driftline.catalog.graph;

/**
 * A description (a registry payload or a REST body) that cannot even be turned into RDF, such as
 * a payload whose device id differs from the entity id. Shape violations are reported by
 * {@code io.driftline.catalog.shapes.ShapeViolationException} instead.
 */
public class DescriptionException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that says what is wrong. */
  public DescriptionException(String message) {
    super(message);
  }
}
