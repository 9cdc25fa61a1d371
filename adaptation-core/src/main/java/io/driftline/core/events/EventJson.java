package io.driftline.core.events;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON side of the event contracts: one mapper configuration for every service, and reading
 * that rejects a missing required field by name while ignoring unknown ones.
 */
final class EventJson {

  /**
   * Unknown properties are ignored so an old consumer reads a newer producer's records; instants
   * are ISO-8601 strings; explicit nulls for numbers are errors instead of silent zeros.
   */
  static final JsonMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
      .build();

  private EventJson() {}

  static byte[] write(String topic, DriftlineEvent event) {
    if (event instanceof RegistryEvent r && r.type() == RegistryEvent.Type.UNKNOWN) {
      throw new EventFormatException(topic, "registry event " + r.eventId()
          + " has type UNKNOWN, which only stands for types from newer producers and cannot be written");
    }
    try {
      return MAPPER.writeValueAsBytes(event);
    } catch (JacksonException e) {
      throw new EventFormatException(topic, "cannot write " + event.getClass().getSimpleName()
          + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  static <T extends Record> T read(String topic, byte[] data, Class<T> type) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(data);
    } catch (JacksonException e) {
      throw new EventFormatException(topic, "value is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (tree == null || !tree.isObject()) {
      throw new EventFormatException(topic, "value must be a JSON object for " + type.getSimpleName()
          + ", got " + (tree == null ? "nothing" : tree.getNodeType().name().toLowerCase(Locale.ROOT)));
    }
    requireFields(topic, tree, type, "");
    try {
      return MAPPER.treeToValue(tree, type);
    } catch (JacksonException e) {
      throw translate(topic, type, e);
    }
  }

  /**
   * Checks that every record component not marked {@code @Nullable} is present and not null, down
   * through nested records, so the error names the field (Jackson would pass 0 for a missing number).
   */
  private static void requireFields(String topic, JsonNode node, Class<?> type, String prefix) {
    for (Component c : COMPONENTS.get(type)) {
      String path = prefix + c.name();
      JsonNode value = node.get(c.name());
      boolean missing = value == null || value.isNull();
      if (missing) {
        if (!c.nullable()) {
          throw new EventFormatException(topic, "required field '" + path + "' of "
              + type.getSimpleName() + " is " + (value == null ? "missing" : "null"));
        }
      } else if (c.type().isRecord() && value.isObject()) {
        requireFields(topic, value, c.type(), path + ".");
      }
    }
  }

  /** A record component as {@link #requireFields} needs it. */
  private record Component(String name, Class<?> type, boolean nullable) {}

  /**
   * The components of each record type, looked up once per type: reading them (and above all their
   * type annotations) by reflection on every record cost more than parsing the JSON.
   */
  private static final ClassValue<List<Component>> COMPONENTS = new ClassValue<>() {
    @Override
    protected List<Component> computeValue(Class<?> type) {
      List<Component> components = new ArrayList<>();
      for (RecordComponent c : type.getRecordComponents()) {
        components.add(new Component(c.getName(), c.getType(),
            c.getAnnotatedType().isAnnotationPresent(Nullable.class)));
      }
      return List.copyOf(components);
    }
  };

  private static EventFormatException translate(String topic, Class<?> type, JacksonException e) {
    String path = path(e);
    String where = path.isEmpty() ? type.getSimpleName() : "field '" + path + "'";
    Throwable invalid = constructorFailure(e);
    if (invalid != null) {
      return new EventFormatException(topic, "invalid " + where + ": " + invalid.getMessage(), e);
    }
    if (e instanceof StreamReadException) {
      return new EventFormatException(topic, "value is not valid JSON: " + e.getOriginalMessage(), e);
    }
    return new EventFormatException(topic, "invalid " + where + ": " + e.getOriginalMessage(), e);
  }

  private static @Nullable Throwable constructorFailure(Throwable e) {
    for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      if (t instanceof IllegalArgumentException || t instanceof NullPointerException) {
        return t;
      }
    }
    return null;
  }

  private static String path(JacksonException e) {
    StringBuilder out = new StringBuilder();
    for (JacksonException.Reference r : e.getPath()) {
      if (r.getPropertyName() != null) {
        if (out.length() > 0) {
          out.append('.');
        }
        out.append(r.getPropertyName());
      } else if (r.getIndex() >= 0) {
        out.append('[').append(r.getIndex()).append(']');
      }
    }
    return out.toString();
  }
}
