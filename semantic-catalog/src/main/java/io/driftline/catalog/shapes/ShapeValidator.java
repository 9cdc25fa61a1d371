package io.driftline.catalog.shapes;

import io.driftline.catalog.vocab.DL;
import io.driftline.catalog.vocab.W3C;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.jena.graph.Graph;
import org.apache.jena.graph.Node;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.riot.RDFParser;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.Shapes;
import org.apache.jena.shacl.ValidationReport;
import org.apache.jena.shacl.validation.ReportEntry;
import org.apache.jena.shared.PrefixMapping;
import org.apache.jena.sparql.graph.GraphFactory;
import org.apache.jena.sparql.util.FmtUtils;

/**
 * Validates descriptions against the catalog's SHACL shapes ({@value #SHAPES_RESOURCE}), parsed once.
 * Thread-safe.
 */
public final class ShapeValidator {

  /** Resource path of the shapes in the module's jar. */
  public static final String SHAPES_RESOURCE = "catalog/driftline-shapes.ttl";

  private static final PrefixMapping PREFIXES = PrefixMapping.Factory.create()
      .setNsPrefix("dl", DL.NS)
      .setNsPrefix("sosa", W3C.SOSA)
      .setNsPrefix("ssn-system", W3C.SSN_SYSTEM)
      .setNsPrefix("mls", W3C.MLS)
      .setNsPrefix("prov", W3C.PROV)
      .setNsPrefix("sh", "http://www.w3.org/ns/shacl#")
      .setNsPrefix("xsd", "http://www.w3.org/2001/XMLSchema#")
      .lock();

  private final Shapes shapes;

  /** Loads the shapes from the class path. */
  public ShapeValidator() {
    Graph graph = GraphFactory.createDefaultGraph();
    RDFParser.source(SHAPES_RESOURCE).lang(Lang.TURTLE).parse(graph);
    this.shapes = Shapes.parse(graph);
  }

  /**
   * Checks {@code data} against the shapes.
   *
   * @param subject what is validated, for the exception message (such as {@code device cam-7})
   * @throws ShapeViolationException with the report if it does not conform
   */
  public void check(String subject, Graph data) {
    ValidationReport report = ShaclValidator.get().validate(shapes, data);
    if (report.conforms()) {
      return;
    }
    List<ShapeViolation> violations = new ArrayList<>();
    for (ReportEntry entry : report.getEntries()) {
      violations.add(new ShapeViolation(
          format(entry.focusNode()),
          entry.resultPath() == null ? null : entry.resultPath().toString(new org.apache.jena.sparql.core.Prologue(PREFIXES)),
          entry.value() == null ? null : format(entry.value()),
          entry.message(),
          format(entry.sourceConstraintComponent()),
          entry.severity().level().getLocalName()));
    }
    // The validator's order depends on hashing; a stable order makes reports comparable.
    violations.sort(Comparator.comparing(ShapeViolation::focusNode)
        .thenComparing(v -> String.valueOf(v.path())).thenComparing(ShapeViolation::message));
    StringWriter turtle = new StringWriter();
    report.getModel().setNsPrefixes(PREFIXES);
    RDFDataMgr.write(turtle, report.getModel(), Lang.TURTLE);
    throw new ShapeViolationException(subject, violations, turtle.toString());
  }

  private static String format(Node node) {
    return FmtUtils.stringForNode(node, PREFIXES);
  }
}
