package io.driftline.catalog.graph;

import io.driftline.catalog.vocab.DL;
import io.driftline.catalog.vocab.Iris;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.jena.datatypes.xsd.XSDDatatype;
import org.apache.jena.graph.Graph;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.graph.Triple;
import org.apache.jena.query.Dataset;
import org.apache.jena.query.ReadWrite;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.ModelFactory;
import org.apache.jena.rdf.model.Statement;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.sparql.graph.GraphFactory;
import org.apache.jena.system.Txn;
import org.apache.jena.tdb2.TDB2;
import org.apache.jena.tdb2.TDB2Factory;
import org.apache.jena.tdb2.sys.TDBInternal;
import org.apache.jena.vocabulary.RDF;
import org.jspecify.annotations.Nullable;

/**
 * The catalog's persistent Apache Jena TDB2 dataset: one named graph per described entity, plus
 * {@link Iris#EVENTS_GRAPH}, which records the registry events already applied (so a replayed
 * event is skipped, also after a restart) and when each graph was last written.
 *
 * <p>Queries see the union of all named graphs as their default graph. TDB2 allows one writer and
 * many readers at a time; every method runs in its own transaction.
 */
public final class CatalogStore implements AutoCloseable {

  private static final Node EVENTS = NodeFactory.createURI(Iris.EVENTS_GRAPH);

  private final Path folder;
  private final Dataset dataset;

  /**
   * Opens (creating if needed) the TDB2 dataset in {@code folder}.
   *
   * @throws IllegalStateException if the folder cannot be created
   */
  public CatalogStore(Path folder) {
    try {
      Files.createDirectories(folder);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create the catalog dataset folder " + folder + ": " + e.getMessage(), e);
    }
    this.folder = folder;
    this.dataset = TDB2Factory.connectDataset(folder.toString());
    dataset.getContext().set(TDB2.symUnionDefaultGraph, true);
  }

  /** The folder of the dataset. */
  public Path folder() {
    return folder;
  }

  /** The dataset, for SPARQL; callers run queries inside {@link #read}. */
  public Dataset dataset() {
    return dataset;
  }

  /** Runs {@code action} in a read transaction and returns its result. */
  public <T> T read(Supplier<T> action) {
    return Txn.calculateRead(dataset, action);
  }

  /** Returns an in-memory copy of one named graph (empty if it does not exist). */
  public Model graph(String graphIri) {
    return read(() -> {
      Model copy = ModelFactory.createDefaultModel();
      copy.add(dataset.getNamedModel(graphIri));
      return copy;
    });
  }

  /** Returns an in-memory copy of the union of all named graphs. */
  public Graph unionSnapshot() {
    return read(() -> {
      Graph copy = GraphFactory.createDefaultGraph();
      dataset.asDatasetGraph().getUnionGraph().find().forEach(copy::add);
      return copy;
    });
  }

  /** Lists the IRIs of all named graphs, sorted. */
  public List<String> graphNames() {
    return read(() -> {
      List<String> names = new java.util.ArrayList<>();
      dataset.asDatasetGraph().listGraphNodes().forEachRemaining(n -> names.add(n.getURI()));
      names.sort(null);
      return names;
    });
  }

  /** Runs {@code function} over the dataset graph in a read transaction. */
  public <T> T readGraph(Function<DatasetGraph, T> function) {
    return read(() -> function.apply(dataset.asDatasetGraph()));
  }

  /** Tells whether the event with this id was already applied. */
  public boolean applied(String eventId) {
    Node event = NodeFactory.createURI(Iris.event(eventId));
    return read(() -> dataset.asDatasetGraph().contains(EVENTS, event, RDF.type.asNode(), DL.AppliedEvent.asNode()));
  }

  /**
   * Writes the changes of one unit of work in one write transaction.
   *
   * @param units what to write; each is skipped if its event was already applied or is older than a graph it replaces
   * @return for each unit, in order, what happened to it
   */
  public List<Outcome> write(List<Unit> units) {
    return Txn.calculateWrite(dataset, () -> {
      List<Outcome> outcomes = new java.util.ArrayList<>(units.size());
      for (Unit unit : units) {
        outcomes.add(writeOne(unit));
      }
      return outcomes;
    });
  }

  private Outcome writeOne(Unit unit) {
    DatasetGraph dsg = dataset.asDatasetGraph();
    EventStamp stamp = unit.stamp();
    if (stamp != null) {
      Node event = NodeFactory.createURI(Iris.event(stamp.eventId()));
      if (dsg.contains(EVENTS, event, RDF.type.asNode(), DL.AppliedEvent.asNode())) {
        return Outcome.DUPLICATE;
      }
      for (GraphWrite write : unit.writes()) {
        Instant updated = updatedAt(dsg, write.graph());
        if (write.mode() == GraphWrite.Mode.REPLACE && updated != null && updated.isAfter(stamp.occurredAt())) {
          recordEvent(dsg, event, stamp);
          return Outcome.STALE;
        }
      }
    }
    for (GraphWrite write : unit.writes()) {
      Node graph = NodeFactory.createURI(write.graph());
      if (write.mode() == GraphWrite.Mode.REPLACE) {
        dsg.deleteAny(graph, Node.ANY, Node.ANY, Node.ANY);
      } else {
        write.content().listStatements().forEach(s ->
            dsg.deleteAny(graph, s.getSubject().asNode(), s.getPredicate().asNode(), Node.ANY));
      }
      for (Statement s : write.content().listStatements().toList()) {
        Triple t = s.asTriple();
        dsg.add(graph, t.getSubject(), t.getPredicate(), t.getObject());
      }
      Node graphNode = NodeFactory.createURI(write.graph());
      dsg.deleteAny(EVENTS, graphNode, DL.updatedAt.asNode(), Node.ANY);
      if (stamp != null) {
        dsg.add(EVENTS, graphNode, DL.updatedAt.asNode(), time(stamp.occurredAt()));
      }
    }
    if (stamp != null) {
      recordEvent(dsg, NodeFactory.createURI(Iris.event(stamp.eventId())), stamp);
    }
    return Outcome.APPLIED;
  }

  private static void recordEvent(DatasetGraph dsg, Node event, EventStamp stamp) {
    dsg.add(EVENTS, event, RDF.type.asNode(), DL.AppliedEvent.asNode());
    dsg.add(EVENTS, event, DL.eventType.asNode(), NodeFactory.createLiteralString(stamp.type()));
    dsg.add(EVENTS, event, DL.entityId.asNode(), NodeFactory.createLiteralString(stamp.entityId()));
    dsg.add(EVENTS, event, DL.occurredAt.asNode(), time(stamp.occurredAt()));
  }

  private static @Nullable Instant updatedAt(DatasetGraph dsg, String graphIri) {
    var found = dsg.find(EVENTS, NodeFactory.createURI(graphIri), DL.updatedAt.asNode(), Node.ANY);
    return found.hasNext() ? Instant.parse(found.next().getObject().getLiteralLexicalForm()) : null;
  }

  private static Node time(Instant instant) {
    return NodeFactory.createLiteralDT(instant.toString(), XSDDatatype.XSDdateTime);
  }

  /** Releases the dataset (its files stay). */
  @Override
  public void close() {
    TDBInternal.expel(dataset.asDatasetGraph());
  }

  /**
   * The registry event a unit of work comes from.
   *
   * @param eventId the event id (dedupe key)
   * @param type the event type's name
   * @param entityId the entity id
   * @param occurredAt when the registry committed the change
   */
  public record EventStamp(String eventId, String type, String entityId, Instant occurredAt) {}

  /**
   * The writes of one event or one REST request.
   *
   * @param writes the graph writes
   * @param stamp the event they come from, or null for a direct (REST) write
   */
  public record Unit(List<GraphWrite> writes, @Nullable EventStamp stamp) {}

  /** What happened to a unit of work. */
  public enum Outcome {
    /** Written. */
    APPLIED,
    /** Its event was applied before; nothing written. */
    DUPLICATE,
    /** A graph it would replace was written by a later event; nothing written but the event id. */
    STALE,
    /** An event of a type this version does not know; skipped. */
    IGNORED
  }
}
