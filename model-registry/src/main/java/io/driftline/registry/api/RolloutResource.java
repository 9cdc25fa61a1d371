package io.driftline.registry.api;

import io.driftline.registry.model.Page;
import io.driftline.registry.model.Rollout;
import io.driftline.registry.model.Rollout.Cohort;
import io.driftline.registry.security.Caller;
import io.driftline.registry.store.DeploymentStore;
import io.driftline.registry.store.DeploymentStore.RollbackResult;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Rolls bundles out to cohorts and back. */
@RestController
@RequestMapping("/api/v1/rollouts")
@Tag(name = "rollouts",
    description = "Desired state for a cohort (device class, student, domain, explicit device ids), history, rollback")
class RolloutResource {

  private final DeploymentStore deployments;

  RolloutResource(DeploymentStore deployments) {
    this.deployments = deployments;
  }

  @PostMapping
  @Operation(summary = "Roll a bundle out to a cohort",
      description = "Every active device matching all given cohort fields (and running the bundle's student, "
          + "when its requirements name one) gets the bundle as desired state, in one transaction. deviceIds "
          + "(at most 10,000) must all be enrolled devices (422 naming the others; nothing changes); revoked ones "
          + "are left out. The bundle is signed with the registry key first if it was never promoted.")
  ResponseEntity<Rollout> create(@AuthenticationPrincipal Caller caller, @Valid @RequestBody CreateRollout request) {
    Rollout rollout = deployments.rollout(caller.name(), request.bundle(), request.cohort());
    return ResponseEntity.created(URI.create("/api/v1/rollouts/" + rollout.id())).body(rollout);
  }

  @GetMapping
  @Operation(summary = "List rollouts, oldest first")
  Page<Rollout> list(@RequestParam(required = false) @Nullable String cursor,
      @RequestParam(defaultValue = "50") int limit) {
    return deployments.list(cursor, limit);
  }

  @GetMapping("/{id}")
  @Operation(summary = "Get a rollout")
  Rollout get(@PathVariable long id) {
    return deployments.get(id);
  }

  @PostMapping("/{id}/rollback")
  @Operation(summary = "Roll a rollout back",
      description = "Devices still on it go back to the payload of their previous bundle: each earlier bundle is "
          + "re-issued, signed by the registry, as the next version of the rolled-back bundle's model (lineage "
          + "rollbackOf), because devices never install a lower version; that version becomes their desired state "
          + "(new generation). 409 if already rolled back.")
  RollbackResult rollback(@AuthenticationPrincipal Caller caller, @PathVariable long id) {
    return deployments.rollback(caller.name(), id);
  }

  /**
   * A rollout to create.
   *
   * @param bundle {@code name:version} of a READY bundle
   * @param cohort which devices (at least one field; all given fields must match)
   */
  record CreateRollout(@NotBlank String bundle, @NotNull Cohort cohort) {}
}
