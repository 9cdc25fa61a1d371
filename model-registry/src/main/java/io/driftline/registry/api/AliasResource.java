package io.driftline.registry.api;

import io.driftline.registry.model.AliasChange;
import io.driftline.registry.model.ModelVersion;
import io.driftline.registry.model.Page;
import io.driftline.registry.security.Caller;
import io.driftline.registry.store.ModelStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Moves aliases (production, candidate, ...) and shows their history. */
@RestController
@RequestMapping("/api/v1/models/{name}/aliases/{alias}")
@Tag(name = "aliases", description = "Aliases point at versions; pointing one at a bundle promotes and signs it")
class AliasResource {

  private final ModelStore models;

  AliasResource(ModelStore models) {
    this.models = models;
  }

  @PutMapping
  @Operation(summary = "Point an alias at a version",
      description = "Only READY versions. With expectedVersion (0 = unset) the move is a compare-and-set "
          + "and answers 409 if the alias moved meanwhile. On a bundle model the version is signed with "
          + "the registry key (BUNDLE_PROMOTED).")
  AliasChange set(@AuthenticationPrincipal Caller caller, @PathVariable String name, @PathVariable String alias,
      @Valid @RequestBody SetAlias request) {
    return models.setAlias(caller.name(), name, alias, request.version(), request.expectedVersion());
  }

  @GetMapping
  @Operation(summary = "Get the version an alias points at")
  ModelVersion get(@PathVariable String name, @PathVariable String alias) {
    return models.resolveAlias(name, alias);
  }

  @DeleteMapping
  @Operation(summary = "Remove an alias")
  ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller, @PathVariable String name,
      @PathVariable String alias) {
    models.deleteAlias(caller.name(), name, alias);
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/history")
  @Operation(summary = "List the alias's moves, oldest first")
  Page<AliasChange> history(@PathVariable String name, @PathVariable String alias,
      @RequestParam(required = false) @Nullable String cursor, @RequestParam(defaultValue = "50") int limit) {
    return models.aliasHistory(name, alias, cursor, limit);
  }

  /**
   * An alias move.
   *
   * @param version the version to point at
   * @param expectedVersion the version the alias must point at now (0: unset); null: no check
   */
  record SetAlias(@Min(1) int version, @Nullable @Min(0) Integer expectedVersion) {}
}
