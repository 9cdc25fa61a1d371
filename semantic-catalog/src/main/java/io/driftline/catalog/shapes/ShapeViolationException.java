package io.driftline.catalog.shapes;

import java.util.List;

/** A description that does not conform to the catalog's SHACL shapes; carries the report. */
public class ShapeViolationException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final transient List<ShapeViolation> violations;
  private final String reportTurtle;

  /**
   * Creates the exception.
   *
   * @param subject what was validated, for the message (such as {@code device cam-7})
   * @param violations the report's results
   * @param reportTurtle the full SHACL validation report, as Turtle
   */
  public ShapeViolationException(String subject, List<ShapeViolation> violations, String reportTurtle) {
    super(subject + " does not conform to the catalog shapes: " + summary(violations));
    this.violations = List.copyOf(violations);
    this.reportTurtle = reportTurtle;
  }

  /** The report's results. */
  public List<ShapeViolation> violations() {
    return violations;
  }

  /** The full SHACL validation report as Turtle ({@code sh:ValidationReport}). */
  public String reportTurtle() {
    return reportTurtle;
  }

  private static String summary(List<ShapeViolation> violations) {
    StringBuilder text = new StringBuilder();
    for (ShapeViolation v : violations) {
      if (!text.isEmpty()) {
        text.append("; ");
      }
      text.append(v.message());
    }
    return text.toString();
  }
}
