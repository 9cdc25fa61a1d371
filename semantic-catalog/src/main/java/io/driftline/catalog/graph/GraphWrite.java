package io.driftline.catalog.graph;

import org.apache.jena.rdf.model.Model;

/**
 * One change to one named graph of the catalog dataset.
 *
 * @param graph the named graph's IRI
 * @param content the triples to write
 * @param mode whether they replace the graph or set single properties in it
 */
public record GraphWrite(String graph, Model content, Mode mode) {

  /** How {@link GraphWrite#content()} is written. */
  public enum Mode {
    /** The graph becomes exactly the content (a description replaces the previous one). */
    REPLACE,
    /**
     * Each (subject, property) of the content replaces that subject's values of that property; the
     * rest of the graph stays (state such as the desired bundle, kept apart from the description).
     */
    SET
  }

  /** A write that replaces {@code graph} with {@code content}. */
  public static GraphWrite replace(String graph, Model content) {
    return new GraphWrite(graph, content, Mode.REPLACE);
  }

  /** A write that sets the properties in {@code content} within {@code graph}. */
  public static GraphWrite set(String graph, Model content) {
    return new GraphWrite(graph, content, Mode.SET);
  }
}
