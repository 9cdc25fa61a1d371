package io.driftline.registry.api;

import io.driftline.registry.model.AuditEntry;
import io.driftline.registry.model.Page;
import io.driftline.registry.store.AuditLog;
import io.driftline.registry.store.Cursors;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Reads the audit log (admin). */
@RestController
@Tag(name = "audit", description = "Who did what, when (admin only)")
class AuditResource {

  private final AuditLog audit;

  AuditResource(AuditLog audit) {
    this.audit = audit;
  }

  @GetMapping("/api/v1/audit")
  @Operation(summary = "List audit entries, oldest first")
  Page<AuditEntry> list(@RequestParam(required = false) @Nullable String entityId,
      @RequestParam(required = false) @Nullable String actor,
      @RequestParam(required = false) @Nullable String cursor, @RequestParam(defaultValue = "50") int limit) {
    return audit.list(entityId, actor, cursor, Cursors.limit(limit));
  }
}
