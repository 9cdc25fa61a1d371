package io.driftline.catalog.match;

import io.driftline.catalog.graph.CatalogChange;
import io.driftline.catalog.graph.CatalogStore;
import io.driftline.catalog.vocab.Iris;
import io.driftline.catalog.vocab.VersionRef;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
import org.apache.jena.query.Dataset;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.ModelFactory;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory index of every device's capabilities and every model version's requirements, read
 * from the graph at start and kept in step with it: it listens to the {@code Catalog} and re-reads
 * the entities each committed write touched. Matchmaking scans it instead of querying TDB2.
 */
public final class CapabilityIndex implements Consumer<CatalogChange> {

  private final CatalogStore store;
  // Sorted by id, so a match lists its first devices in a stable order without sorting.
  private final Map<String, DeviceProfile> devices = new ConcurrentSkipListMap<>();
  private final Map<VersionRef, ArtefactProfile> artefacts = new ConcurrentHashMap<>();

  /** Creates the index and loads every device and version from {@code store}. */
  public CapabilityIndex(CatalogStore store) {
    this.store = store;
    reloadAll();
  }

  /** Re-reads the whole graph (used at start). */
  public void reloadAll() {
    store.read(() -> {
      Dataset dataset = store.dataset();
      devices.clear();
      artefacts.clear();
      dataset.asDatasetGraph().listGraphNodes().forEachRemaining(node -> {
        String device = Iris.deviceOfGraph(node.getURI(), true);
        if (device != null) {
          loadDevice(dataset, device);
        }
        VersionRef version = Iris.versionOfGraph(node.getURI());
        if (version != null) {
          loadVersion(dataset, version);
        }
      });
      return null;
    });
  }

  /** Re-reads the entities of a committed change. */
  @Override
  public void accept(CatalogChange change) {
    store.read(() -> {
      change.deviceIds().forEach(id -> loadDevice(store.dataset(), id));
      change.versions().forEach(ref -> loadVersion(store.dataset(), ref));
      return null;
    });
  }

  /** The device with this id, or null. */
  public @Nullable DeviceProfile device(String deviceId) {
    return devices.get(deviceId);
  }

  /** The model version, or null. */
  public @Nullable ArtefactProfile artefact(VersionRef ref) {
    return artefacts.get(ref);
  }

  /** All devices, in id order (a live view). */
  public Collection<DeviceProfile> devices() {
    return devices.values();
  }

  /** All model versions (a live view). */
  public Collection<ArtefactProfile> artefacts() {
    return artefacts.values();
  }

  private void loadDevice(Dataset dataset, String deviceId) {
    Model description = dataset.getNamedModel(Iris.deviceGraph(deviceId));
    Model state = dataset.containsNamedModel(Iris.deviceStateGraph(deviceId))
        ? dataset.getNamedModel(Iris.deviceStateGraph(deviceId)) : ModelFactory.createDefaultModel();
    DeviceProfile profile = ProfileReader.device(deviceId, description, state);
    if (profile == null) {
      devices.remove(deviceId);
    } else {
      devices.put(deviceId, profile);
    }
  }

  private void loadVersion(Dataset dataset, VersionRef ref) {
    ArtefactProfile profile =
        ProfileReader.artefact(ref, dataset.getNamedModel(Iris.versionGraph(ref.name(), ref.version())));
    if (profile == null) {
      artefacts.remove(ref);
    } else {
      artefacts.put(ref, profile);
    }
  }
}
