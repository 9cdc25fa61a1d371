package io.driftline.core.events;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonFormat;
import java.time.Instant;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * A change in the model registry, published through its transactional outbox. Travels as JSON on
 * {@link Topics#REGISTRY_EVENTS}; the Kafka key is the entity id, so one entity's changes stay ordered.
 *
 * @param eventId unique id (the outbox row id); the CloudEvents id
 * @param type what happened
 * @param entityId the entity the event is about (model, version, bundle or device id); the Kafka key
 * @param occurredAt when the change was committed
 * @param payload the type-specific details, a JSON object (may be empty); the record keeps a copy,
 *     callers must not modify the node returned by the accessor
 */
public record RegistryEvent(
    String eventId,
    @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE) Type type,
    String entityId,
    Instant occurredAt,
    JsonNode payload)
    implements DriftlineEvent {

  /** The kinds of registry change. */
  public enum Type {
    /** A model was registered. */
    MODEL_REGISTERED,
    /** A new version of a model was created. */
    VERSION_CREATED,
    /** An alias (e.g. {@code production}) was pointed at a version. */
    ALIAS_SET,
    /** An artefact was stored under its digest. */
    ARTEFACT_STORED,
    /** A bundle (prompt + adaptors) was created and signed. */
    BUNDLE_CREATED,
    /** A bundle passed the gate and was promoted for a set of devices. */
    BUNDLE_PROMOTED,
    /** A device was enrolled and got its token. */
    DEVICE_ENROLLED,
    /** A device's enrolment was revoked. */
    DEVICE_REVOKED,
    /** A device's desired state was set. */
    DESIRED_STATE_SET,
    /** A device reported the state it runs. */
    REPORTED_STATE,
    /**
     * A type this version of Driftline does not know, read from a newer producer; consumers skip
     * it. It cannot be serialized.
     */
    @JsonEnumDefaultValue
    UNKNOWN
  }

  /** Checks every field and copies the payload; messages name the field that is wrong. */
  public RegistryEvent {
    Checks.id(eventId, "eventId");
    Checks.required(type, "type");
    Checks.id(entityId, "entityId");
    Checks.required(occurredAt, "occurredAt");
    Checks.required(payload, "payload");
    if (!payload.isObject()) {
      throw new IllegalArgumentException(
          "payload must be a JSON object, got " + payload.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    payload = payload.deepCopy();
  }

  /** The Kafka key: the entity id. */
  @Override
  public String key() {
    return entityId;
  }

  @Override
  public EventType eventType() {
    return EventType.REGISTRY_EVENT;
  }

  /** The CloudEvents id: {@link #eventId()}. */
  @Override
  public String ceId() {
    return eventId;
  }

  /** The CloudEvents source: {@code /registry}. */
  @Override
  public String ceSource() {
    return "/registry";
  }

  /** The CloudEvents time: {@link #occurredAt()}. */
  @Override
  public Instant ceTime() {
    return occurredAt;
  }

  /** The CloudEvents subject: the entity id. */
  @Override
  public String ceSubject() {
    return entityId;
  }
}
