-- Intake: samples uploaded by devices (device.samples) and the latest state of each drift incident
-- (drift.incidents). Flyway runs this in the teacher schema.

CREATE TABLE samples (
    sample_id        text        PRIMARY KEY,  -- DeviceSample.eventId, the CloudEvents id
    device_id        text        NOT NULL,
    student_model_id text        NOT NULL,
    window_seq       bigint      NOT NULL,
    frame_index      bigint      NOT NULL,
    captured_at      timestamptz NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT now(),
    uncertainty      real        NOT NULL,
    ood_score        real        NOT NULL,
    predicted_class  integer     NOT NULL,
    domain_hint      text,
    channels         smallint    NOT NULL CHECK (channels BETWEEN 1 AND 4),
    height           integer     NOT NULL CHECK (height >= 1),
    width            integer     NOT NULL CHECK (width >= 1),
    pixels           bytea       NOT NULL,      -- uint8, CHW
    -- the student's feature vector as big-endian float32 values (4 bytes each), or null; bytea and
    -- not real[] so that a whole poll can be inserted with one unnest over one-dimensional arrays
    features         bytea
);

CREATE INDEX samples_device_window ON samples (device_id, window_seq);
CREATE INDEX samples_received_at ON samples (received_at);

CREATE TABLE incidents (
    incident_id            text             PRIMARY KEY,
    device_id              text             NOT NULL,
    group_id               text             NOT NULL,  -- the incident id when the event had no group
    state                  text             NOT NULL
        CHECK (state IN ('OPEN', 'ADAPTING', 'RECOVERED', 'FAILED', 'CLOSED')),
    detector               text             NOT NULL,
    statistic              text             NOT NULL,
    statistic_value        double precision NOT NULL,
    opened_at              timestamptz      NOT NULL,
    changed_at             timestamptz      NOT NULL,
    first_window_seq       bigint           NOT NULL,
    last_window_seq        bigint           NOT NULL,
    domain_signature       bytea,            -- Hypervector words, big-endian longs
    domain_signature_bits  integer,          -- Hypervector dimension; null exactly when the signature is
    last_event_id          text             NOT NULL,
    updated_at             timestamptz      NOT NULL DEFAULT now(),
    CHECK ((domain_signature IS NULL) = (domain_signature_bits IS NULL))
);

CREATE INDEX incidents_group ON incidents (group_id);
