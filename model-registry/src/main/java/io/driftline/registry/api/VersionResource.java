package io.driftline.registry.api;

import io.driftline.registry.model.Lineage;
import io.driftline.registry.model.ModelKind;
import io.driftline.registry.model.ModelVersion;
import io.driftline.registry.model.Page;
import io.driftline.registry.model.RegistryException;
import io.driftline.registry.model.Requirements;
import io.driftline.registry.security.Caller;
import io.driftline.registry.store.ModelStore;
import io.driftline.registry.store.ModelStore.VersionFilter;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Creates, reads and searches model versions. */
@RestController
@Tag(name = "versions", description = "Model versions: artefact, metrics, lineage, requirements")
class VersionResource {

  private final ModelStore models;

  VersionResource(ModelStore models) {
    this.models = models;
  }

  @PostMapping("/api/v1/models/{name}/versions")
  @Operation(summary = "Create the next version from an uploaded artefact",
      description = "Upload the artefact first (POST /api/v1/artefacts). Its media type must fit the model "
          + "kind. A lineage gate with passed=false makes the version REJECTED. With expectedVersion the "
          + "version must get that number, or nothing is created and the answer is 409.")
  ResponseEntity<ModelVersion> create(@AuthenticationPrincipal Caller caller, @PathVariable String name,
      @Valid @RequestBody CreateVersion request) {
    if (request.lineage() != null && (request.lineage().rollbackOf() != null || request.lineage().rolloutId() != null)) {
      throw RegistryException.badRequest("lineage.rollbackOf and lineage.rolloutId are set by the registry when "
          + "a rollback re-issues a bundle; leave them out");
    }
    ModelVersion version = models.createVersion(caller.name(), name, request.digest(),
        request.metrics() == null ? Map.of() : request.metrics(),
        request.lineage() == null ? Lineage.EMPTY : request.lineage(), request.requirements(),
        request.expectedVersion());
    return ResponseEntity.created(URI.create("/api/v1/models/" + name + "/versions/" + version.version()))
        .body(version);
  }

  @GetMapping("/api/v1/models/{name}/versions/{version}")
  @Operation(summary = "Get one version")
  ModelVersion get(@PathVariable String name, @PathVariable int version) {
    return models.getVersion(name, version);
  }

  @GetMapping("/api/v1/models/{name}/versions")
  @Operation(summary = "List a model's versions, oldest first")
  Page<ModelVersion> list(@PathVariable String name, @RequestParam(required = false) @Nullable String cursor,
      @RequestParam(defaultValue = "50") int limit) {
    models.get(name);
    return models.searchVersions(new VersionFilter(name, null, null, null, null, null, null, null), cursor, limit);
  }

  @GetMapping("/api/v1/versions")
  @Operation(summary = "Search versions of all models",
      description = "Every given filter must match. Oldest first, cursor pagination.")
  Page<ModelVersion> search(
      @RequestParam(required = false) @Nullable String model,
      @RequestParam(required = false) @Nullable String kind,
      @RequestParam(required = false) @Nullable String status,
      @RequestParam(required = false) @Nullable String digest,
      @RequestParam(required = false) @Nullable String incidentId,
      @RequestParam(required = false) @Nullable String parentStudent,
      @RequestParam(required = false) @Nullable String teacher,
      @RequestParam(required = false) @Nullable String alias,
      @RequestParam(required = false) @Nullable String cursor,
      @RequestParam(defaultValue = "50") int limit) {
    return models.searchVersions(new VersionFilter(model, kind == null ? null : ModelKind.parse(kind),
        status, digest, incidentId, parentStudent, teacher, alias), cursor, limit);
  }

  /**
   * A version to create.
   *
   * @param digest SHA-256 of the uploaded artefact
   * @param metrics named figures
   * @param lineage where it came from
   * @param requirements what a device needs (bundles; students get theirs from the model)
   * @param expectedVersion the number the new version must get (409 otherwise), for clients that wrote it
   *     into the artefact; null: the next number, whatever it is
   */
  record CreateVersion(@NotBlank String digest, @Nullable Map<String, Double> metrics,
      @Nullable Lineage lineage, @Nullable Requirements requirements, @Nullable @Min(1) Long expectedVersion) {}
}
