-- Model registry schema: models, versions, aliases, artefacts, devices, deployments, audit, outbox.

create table artefact (
  digest        char(64) primary key,
  size_bytes    bigint not null check (size_bytes >= 0),
  media_type    text not null,
  -- what validation learnt about the content (student input shape, bundle metadata)
  details       jsonb not null default '{}'::jsonb,
  created_at    timestamptz not null default now(),
  created_by    text not null
);

create table registered_model (
  id            bigserial primary key,
  name          text not null unique,
  kind          text not null check (kind in ('student', 'teacher', 'bundle')),
  description   text,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);

create table model_tag (
  model_id      bigint not null references registered_model (id) on delete cascade,
  key           text not null,
  value         text not null,
  primary key (model_id, key)
);

create table model_version (
  id                  bigserial primary key,
  model_id            bigint not null references registered_model (id),
  version             int not null check (version >= 1),
  digest              char(64) not null references artefact (digest),
  status              text not null check (status in ('READY', 'REJECTED', 'ARCHIVED')),
  metrics             jsonb not null default '{}'::jsonb,
  lineage             jsonb not null default '{}'::jsonb,
  requirements        jsonb,
  parent_version_id   bigint references model_version (id),
  teacher_version_id  bigint references model_version (id),
  incident_id         text,
  -- set when a bundle is promoted: the registry-signed artefact and the key that signed it
  signed_digest       char(64) references artefact (digest),
  signature_key_id    text,
  created_at          timestamptz not null default now(),
  created_by          text not null,
  unique (model_id, version)
);
create index model_version_digest on model_version (digest);
create index model_version_parent on model_version (parent_version_id);
create index model_version_incident on model_version (incident_id);

create table model_alias (
  model_id      bigint not null references registered_model (id),
  alias         text not null,
  version_id    bigint not null references model_version (id),
  updated_at    timestamptz not null default now(),
  primary key (model_id, alias)
);

create table alias_history (
  id                  bigserial primary key,
  model_id            bigint not null references registered_model (id),
  alias               text not null,
  version_id          bigint references model_version (id),
  previous_version_id bigint references model_version (id),
  set_at              timestamptz not null default now(),
  set_by              text not null
);
create index alias_history_model on alias_history (model_id, alias, id);

create table device (
  id                text primary key,
  seq               bigserial unique,
  device_class      text not null,
  student           text not null,
  domain            text,
  description       jsonb not null,
  token_sha256      bytea not null unique,
  status            text not null check (status in ('ACTIVE', 'REVOKED')),
  enrolled_at       timestamptz not null default now(),
  revoked_at        timestamptz
);
create index device_class_idx on device (device_class);
create index device_student_idx on device (student);
create index device_domain_idx on device (domain);

create table reported_state (
  device_id       text primary key references device (id),
  active_bundle   text,
  health          jsonb not null default '{}'::jsonb,
  reported_at     timestamptz not null default now()
);

create table rollout (
  id                 bigserial primary key,
  bundle_version_id  bigint not null references model_version (id),
  cohort             jsonb not null,
  status             text not null check (status in ('ACTIVE', 'ROLLED_BACK')),
  device_count       int not null default 0,
  created_at         timestamptz not null default now(),
  created_by         text not null,
  rolled_back_at     timestamptz,
  rolled_back_by     text
);

create table desired_state (
  device_id          text primary key references device (id),
  bundle_version_id  bigint not null references model_version (id),
  -- what the device was to run before: a rollback of the rollout that set this row restores it
  previous_bundle_version_id bigint references model_version (id),
  generation         bigint not null,
  rollout_id         bigint references rollout (id),
  issued_at          timestamptz not null default now()
);
create index desired_state_rollout on desired_state (rollout_id);

-- every desired-state change, so a rollout knows what each device ran before it
create table desired_state_history (
  id                          bigserial primary key,
  device_id                   text not null references device (id),
  generation                  bigint not null,
  bundle_version_id           bigint not null references model_version (id),
  previous_bundle_version_id  bigint references model_version (id),
  rollout_id                  bigint references rollout (id),
  issued_at                   timestamptz not null default now(),
  issued_by                   text not null,
  unique (device_id, generation)
);
create index desired_state_history_rollout on desired_state_history (rollout_id);

create table audit_log (
  id          bigserial primary key,
  at          timestamptz not null default now(),
  actor       text not null,
  action      text not null,
  entity_id   text not null,
  details     jsonb not null default '{}'::jsonb
);
create index audit_log_entity on audit_log (entity_id, id);

create table outbox (
  id            bigserial primary key,
  event_id      text not null unique,
  message_key   text not null,
  -- DESIRED_STATE or REGISTRY_EVENT: the io.driftline.core.events record the value is read as
  record_type   text not null,
  -- null: a tombstone (the device was removed)
  value         jsonb,
  created_at    timestamptz not null default now(),
  published_at  timestamptz
);
create index outbox_unpublished on outbox (id) where published_at is null;
