package io.driftline.registry.api;

import io.driftline.registry.model.ModelKind;
import io.driftline.registry.model.Page;
import io.driftline.registry.model.RegisteredModel;
import io.driftline.registry.model.RegistryException;
import io.driftline.registry.security.Caller;
import io.driftline.registry.store.ModelStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Registers, lists and changes models. */
@RestController
@RequestMapping("/api/v1/models")
@Tag(name = "models", description = "Registered models (student, teacher, bundle) and their tags")
class ModelResource {

  private final ModelStore models;

  ModelResource(ModelStore models) {
    this.models = models;
  }

  @PostMapping
  @Operation(summary = "Register a model", description = "409 if the name is taken.")
  ResponseEntity<RegisteredModel> register(@AuthenticationPrincipal Caller caller,
      @Valid @RequestBody CreateModel request) {
    RegisteredModel model = models.register(caller.name(), request.name(), ModelKind.parse(request.kind()),
        request.description(), request.tags() == null ? Map.of() : request.tags());
    return ResponseEntity.created(URI.create("/api/v1/models/" + model.name())).body(model);
  }

  @GetMapping
  @Operation(summary = "Search models", description = "Oldest first; pass nextCursor as cursor for the "
      + "next page. Rows registered while paging appear on later pages, never shifting earlier ones.")
  Page<RegisteredModel> search(
      @RequestParam(required = false) @Nullable String kind,
      @RequestParam(required = false) @Nullable String nameContains,
      @Parameter(description = "key:value, repeatable; all must match")
      @RequestParam(required = false) @Nullable List<String> tag,
      @RequestParam(required = false) @Nullable String cursor,
      @RequestParam(defaultValue = "50") int limit) {
    Map<String, String> tags = new LinkedHashMap<>();
    if (tag != null) {
      for (String t : tag) {
        int colon = t.indexOf(':');
        if (colon <= 0) {
          throw RegistryException.badRequest("tag filter must be key:value, got '" + t + "'");
        }
        tags.put(t.substring(0, colon), t.substring(colon + 1));
      }
    }
    return models.search(kind == null ? null : ModelKind.parse(kind), nameContains, tags, cursor, limit);
  }

  @GetMapping("/{name}")
  @Operation(summary = "Get a model with its tags, aliases and latest version number")
  RegisteredModel get(@PathVariable String name) {
    return models.get(name);
  }

  @PatchMapping("/{name}")
  @Operation(summary = "Change description and tags", description = "Tags are merged; a null value removes a tag.")
  RegisteredModel update(@AuthenticationPrincipal Caller caller, @PathVariable String name,
      @RequestBody UpdateModel request) {
    return models.update(caller.name(), name, request.description(),
        request.tags() == null ? Map.of() : request.tags());
  }

  /**
   * A model to register.
   *
   * @param name unique name
   * @param kind student, teacher or bundle
   * @param description free text
   * @param tags key/value tags
   */
  record CreateModel(@NotBlank String name, @NotBlank String kind, @Nullable String description,
      @Nullable Map<String, String> tags) {}

  /**
   * Changes to a model.
   *
   * @param description new description (null: unchanged)
   * @param tags tags to set (a null value removes the tag)
   */
  record UpdateModel(@Nullable String description, @Nullable Map<String, @Nullable String> tags) {}
}
