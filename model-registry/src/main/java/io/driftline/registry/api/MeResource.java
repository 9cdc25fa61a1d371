package io.driftline.registry.api;

import io.driftline.registry.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Tells a caller who its token says it is; the console's login checks a token with it. */
@RestController
@Tag(name = "me", description = "The caller's token name and role")
class MeResource {

  @GetMapping("/api/v1/me")
  @Operation(summary = "The name and role of the presented token (401 if unknown)")
  Me me(@AuthenticationPrincipal Caller caller) {
    return new Me(caller.name(), caller.role().name());
  }

  /**
   * The caller.
   *
   * @param name the token's configured name, or {@code device:<id>}
   * @param role {@code ADMIN}, {@code OPERATOR}, {@code VIEWER} or {@code DEVICE}
   */
  record Me(String name, String role) {}
}
