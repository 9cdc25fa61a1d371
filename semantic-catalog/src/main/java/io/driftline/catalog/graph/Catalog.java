package io.driftline.catalog.graph;

import io.driftline.catalog.graph.CatalogStore.EventStamp;
import io.driftline.catalog.graph.CatalogStore.Outcome;
import io.driftline.catalog.graph.CatalogStore.Unit;
import io.driftline.catalog.shapes.ShapeValidator;
import io.driftline.catalog.vocab.Iris;
import io.driftline.catalog.vocab.VersionRef;
import io.driftline.core.events.RegistryEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Writes to the catalog: registry events and direct (REST) descriptions go through the same
 * mapping ({@link DescriptionMapper}) and the same SHACL check ({@link ShapeValidator}) before one
 * write transaction of the {@link CatalogStore}; listeners hear of each committed change.
 *
 * <p>Writes are serialized here, so listeners see changes in commit order.
 */
public final class Catalog {

  private static final Logger log = LoggerFactory.getLogger(Catalog.class);

  private final CatalogStore store;
  private final DescriptionMapper mapper;
  private final ShapeValidator validator;
  private final List<Consumer<CatalogChange>> listeners = new CopyOnWriteArrayList<>();

  /** Creates the catalog over {@code store}. */
  public Catalog(CatalogStore store, DescriptionMapper mapper, ShapeValidator validator) {
    this.store = store;
    this.mapper = mapper;
    this.validator = validator;
  }

  /** The store, for reads. */
  public CatalogStore store() {
    return store;
  }

  /** Registers {@code listener} to hear of every committed change, in commit order. */
  public void addListener(Consumer<CatalogChange> listener) {
    listeners.add(listener);
  }

  /**
   * Applies one registry event: skipped if its id was applied before (also before a restart), or
   * if its type is unknown.
   *
   * @throws DescriptionException if the payload cannot be mapped
   * @throws io.driftline.catalog.shapes.ShapeViolationException if the description violates the shapes
   */
  public Outcome apply(RegistryEvent event) {
    Prepared prepared = prepare(event);
    return prepared.ready() ? commitAll(List.of(prepared)).get(0) : prepared.outcome();
  }

  /**
   * Maps and validates one registry event without writing it, so that many can be committed in
   * one transaction with {@link #commitAll}.
   *
   * @return the prepared event; not {@link Prepared#ready() ready} if its type is unknown or its id
   *     was applied before
   * @throws DescriptionException if the payload cannot be mapped
   * @throws io.driftline.catalog.shapes.ShapeViolationException if the description violates the shapes
   */
  public Prepared prepare(RegistryEvent event) {
    if (event.type() == RegistryEvent.Type.UNKNOWN) {
      log.info("registry event skipped: unknown type, eventId={} entityId={}", event.eventId(), event.entityId());
      return new Prepared(event, null, Outcome.IGNORED);
    }
    if (store.applied(event.eventId())) {
      log.info("registry event skipped: already applied, eventId={} type={} entityId={}",
          event.eventId(), event.type(), event.entityId());
      return new Prepared(event, null, Outcome.DUPLICATE);
    }
    List<GraphWrite> writes = validated(event.type(), event.entityId(), event.payload());
    Unit unit = new Unit(writes,
        new EventStamp(event.eventId(), event.type().name(), event.entityId(), event.occurredAt()));
    return new Prepared(event, unit, Outcome.APPLIED);
  }

  /**
   * Writes prepared events in one transaction, in order; an event id seen twice is applied once.
   *
   * @return for each prepared event, in order, what happened to it
   */
  public List<Outcome> commitAll(List<Prepared> events) {
    return commitAll(events, true);
  }

  private List<Outcome> commitAll(List<Prepared> events, boolean logEach) {
    List<Unit> units = new ArrayList<>(events.size());
    for (Prepared p : events) {
      if (p.unit != null) {
        units.add(p.unit);
      }
    }
    List<Outcome> written = commit(units);
    List<Outcome> outcomes = new ArrayList<>(events.size());
    int next = 0;
    for (Prepared p : events) {
      Outcome outcome = p.unit == null ? p.outcome() : written.get(next++);
      outcomes.add(outcome);
      if (p.unit != null && (logEach || log.isDebugEnabled())) {
        String line = "registry event {}: eventId={} type={} entityId={}";
        Object[] ids = {outcome.name().toLowerCase(Locale.ROOT), p.event().eventId(), p.event().type(),
            p.event().entityId()};
        if (logEach) {
          log.info(line, ids);
        } else {
          log.debug(line, ids);
        }
      }
    }
    return outcomes;
  }

  /**
   * Applies many registry events in one transaction (a rebuild). Events that fail mapping or
   * validation are skipped and returned in {@link BatchResult#rejected()}, as the live consumer
   * would have dead-lettered them. Single events are logged at debug level only: a rebuild logs
   * its progress instead.
   */
  public BatchResult applyAll(List<RegistryEvent> events) {
    List<Prepared> prepared = new ArrayList<>(events.size());
    List<String> rejected = new ArrayList<>();
    for (RegistryEvent event : events) {
      try {
        prepared.add(prepare(event));
      } catch (IllegalArgumentException e) {
        rejected.add(event.eventId() + ": " + e.getMessage());
      }
    }
    List<Outcome> outcomes = commitAll(prepared, false);
    int applied = (int) outcomes.stream().filter(o -> o == Outcome.APPLIED).count();
    return new BatchResult(applied, events.size() - applied - rejected.size(), rejected);
  }

  /**
   * Validates and stores a device description directly (not from an event).
   *
   * @throws DescriptionException or {@link io.driftline.catalog.shapes.ShapeViolationException} if invalid
   */
  public void putDevice(String deviceId, JsonNode description) {
    commit(List.of(new Unit(validated(RegistryEvent.Type.DEVICE_ENROLLED, deviceId, description), null)));
    log.info("device description stored: deviceId={}", deviceId);
  }

  /**
   * Validates and stores a model version description directly (not from an event).
   *
   * @throws DescriptionException or {@link io.driftline.catalog.shapes.ShapeViolationException} if invalid
   */
  public void putVersion(VersionRef ref, JsonNode description) {
    commit(List.of(new Unit(validated(RegistryEvent.Type.VERSION_CREATED, ref.toString(), description), null)));
    log.info("model version description stored: version={}", ref);
  }

  /** Checks a device description without storing it; throws as {@link #putDevice} would. */
  public void validateDevice(String deviceId, JsonNode description) {
    validated(RegistryEvent.Type.DEVICE_ENROLLED, deviceId, description);
  }

  /** Checks a model version description without storing it; throws as {@link #putVersion} would. */
  public void validateVersion(VersionRef ref, JsonNode description) {
    validated(RegistryEvent.Type.VERSION_CREATED, ref.toString(), description);
  }

  private List<GraphWrite> validated(RegistryEvent.Type type, String entityId, JsonNode payload) {
    List<GraphWrite> writes = mapper.map(type, entityId, payload);
    for (GraphWrite write : writes) {
      validator.check(subjectOf(type, entityId), write.content().getGraph());
    }
    return writes;
  }

  private synchronized List<Outcome> commit(List<Unit> units) {
    List<Outcome> outcomes = store.write(units);
    Set<String> devices = new HashSet<>();
    Set<VersionRef> versions = new HashSet<>();
    for (int i = 0; i < units.size(); i++) {
      if (outcomes.get(i) == Outcome.APPLIED) {
        for (GraphWrite write : units.get(i).writes()) {
          collect(write.graph(), devices, versions);
        }
      }
    }
    CatalogChange change = new CatalogChange(devices, versions);
    if (!change.isEmpty()) {
      listeners.forEach(l -> l.accept(change));
    }
    return outcomes;
  }

  /** Maps a written graph back to the device or version it describes. */
  private static void collect(String graph, Set<String> devices, Set<VersionRef> versions) {
    String device = Iris.deviceOfGraph(graph, false);
    if (device != null) {
      devices.add(device);
    }
    VersionRef version = Iris.versionOfGraph(graph);
    if (version != null) {
      versions.add(version);
    }
  }

  private static String subjectOf(RegistryEvent.Type type, String entityId) {
    return switch (type) {
      case DEVICE_ENROLLED, DEVICE_REVOKED, DESIRED_STATE_SET, REPORTED_STATE -> "device " + entityId;
      case ARTEFACT_STORED -> "artefact " + entityId;
      default -> "model " + entityId;
    };
  }

  /**
   * A registry event mapped and validated, ready to commit (or already known to be skipped).
   *
   * @param event the event
   * @param unit what to write, or null if nothing is to be written
   * @param outcome the outcome if nothing is to be written; {@code APPLIED} (provisionally) otherwise
   */
  public record Prepared(RegistryEvent event, @Nullable Unit unit, Outcome outcome) {

    /** Tells whether there is something to write. */
    public boolean ready() {
      return unit != null;
    }
  }

  /**
   * What a batch did.
   *
   * @param applied events written
   * @param skipped events skipped (duplicates, stale, unknown types)
   * @param rejected events that failed mapping or validation, as {@code "eventId: reason"}
   */
  public record BatchResult(int applied, int skipped, List<String> rejected) {

    /** Copies the list. */
    public BatchResult {
      rejected = List.copyOf(rejected);
    }
  }
}
