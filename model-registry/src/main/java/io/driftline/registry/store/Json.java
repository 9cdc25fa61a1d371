package io.driftline.registry.store;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Converts values to and from the JSON text stored in {@code jsonb} columns. */
@Component
public class Json {

  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  private final JsonMapper mapper;

  /** Creates the converter over the application's JSON mapper. */
  public Json(JsonMapper mapper) {
    this.mapper = mapper;
  }

  /** Returns the JSON text of a value. */
  public String write(@Nullable Object value) {
    return mapper.writeValueAsString(value);
  }

  /** Reads a JSON object as a map (an empty map for null). */
  public Map<String, Object> readMap(@Nullable String json) {
    return json == null ? new LinkedHashMap<>() : mapper.readValue(json, MAP);
  }

  /** Reads JSON text as the given type; null for null. */
  public <T> @Nullable T read(@Nullable String json, Class<T> type) {
    return json == null ? null : mapper.readValue(json, type);
  }

  /** Returns a value as a JSON tree. */
  public JsonNode tree(Object value) {
    return mapper.valueToTree(value);
  }
}
