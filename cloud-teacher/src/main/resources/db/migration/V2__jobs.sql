-- Adaptation jobs: one per incident cohort (drift incident group), persisted so that a restarted
-- teacher resumes them.

create table jobs (
  job_id        text primary key,
  cohort_key    text not null,                 -- the incident group id, or manual-<uuid>
  trigger       text not null,                 -- INCIDENT, MANUAL or RETRY
  retry_of      text,
  state         text not null,                 -- QUEUED, LABELLING, TRAINING, GATING, PUBLISHED, REJECTED, FAILED
  attempt       integer not null default 0,
  lead_device   text not null,                 -- the device whose incident created the job (fair share)
  owner         text,                          -- the worker running it
  heartbeat_at  timestamptz,
  created_at    timestamptz not null,
  updated_at    timestamptz not null,
  started_at    timestamptz,
  finished_at   timestamptz,
  reason        text,
  summary       jsonb not null default '{}'::jsonb
);
-- at most one queued job per cohort: incidents that join a cohort while its job waits join that job
create unique index jobs_one_queued_per_cohort on jobs (cohort_key) where state = 'QUEUED';
create index jobs_by_state on jobs (state, created_at);

create table job_incidents (
  job_id            text not null references jobs (job_id) on delete cascade,
  incident_id       text not null,
  device_id         text not null,
  first_window_seq  bigint not null,
  added_at          timestamptz not null,
  primary key (job_id, incident_id)
);
create index job_incidents_by_incident on job_incidents (incident_id);

create table job_samples (
  job_id      text not null references jobs (job_id) on delete cascade,
  sample_id   text not null,
  device_id   text not null,
  role        text not null,                   -- TRAIN or HELD_OUT
  label       integer,                         -- the teacher's class, null if the label policy dropped it
  confidence  real,
  primary key (job_id, sample_id)
);

create table job_transitions (
  job_id   text not null references jobs (job_id) on delete cascade,
  seq      bigserial,
  state    text not null,
  at       timestamptz not null,
  message  text not null,
  primary key (job_id, seq)
);

-- one row per (student, precision, budget class) variant of a job, with its publishing progress
create table job_variants (
  job_id          text not null references jobs (job_id) on delete cascade,
  variant         text not null,
  student         text not null,               -- registry name:version
  precision       text not null,
  max_bytes       bigint,
  max_macs        bigint,
  devices         text[] not null,
  status          text not null,               -- TRAINED, REJECTED, REGISTERED, ROLLED_OUT
  bundle_model    text,
  bundle_version  bigint,
  digest          text,
  bytes           bigint,
  rollout_id      text,
  gate            jsonb not null default '{}'::jsonb,
  primary key (job_id, variant)
);

-- jobs finished per device, for the fair share of the worker pool
create table device_service (
  device_id      text primary key,
  jobs_served    bigint not null,
  last_served_at timestamptz not null
);
