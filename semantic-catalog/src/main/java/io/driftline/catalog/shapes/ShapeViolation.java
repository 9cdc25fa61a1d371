package io.driftline.catalog.shapes;

import org.jspecify.annotations.Nullable;

/**
 * One result of a SHACL report, in the words a client needs to fix its description.
 *
 * @param focusNode the node that failed (an IRI or a literal, as SPARQL would write it)
 * @param path the property path that failed, or null for a node-level constraint
 * @param value the offending value, or null where none (e.g. a missing property)
 * @param message what is wrong
 * @param constraint the SHACL constraint component, such as {@code sh:MinCountConstraintComponent}
 * @param severity {@code Violation}, {@code Warning} or {@code Info}
 */
public record ShapeViolation(
    String focusNode,
    @Nullable String path,
    @Nullable String value,
    String message,
    String constraint,
    String severity) {}
