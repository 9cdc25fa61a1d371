-- Telemetry windows of enrolled devices (io.driftline.core.events.TelemetryWindow from
-- device.telemetry), for the console's charts. Only the newest
-- driftline.registry.telemetry.keep-per-device windows of a device are kept, newest by arrival (id):
-- a device agent numbers its windows from 0 again when it restarts, so window_seq alone neither
-- identifies a window nor orders them.
create table telemetry_window (
  id                   bigserial primary key,
  device_id            text not null references device (id) on delete cascade,
  window_seq           bigint not null,
  window_start         timestamptz not null,
  window_end           timestamptz not null,
  frame_count          integer not null,
  ood_mean             double precision not null,
  ood_p90              double precision not null,
  mean_entropy         double precision not null,
  mean_hdc_similarity  double precision not null,
  uploads              integer not null,
  dropped_over_budget  bigint not null,
  dropped_buffer_full  bigint not null,
  active_bundle        text,
  -- length of the window's class histogram: the number of classes, 0 when not collected
  classes              integer not null,
  received_at          timestamptz not null default now(),
  -- a redelivered window is the same window; a restarted device's window 0 is another
  unique (device_id, window_seq, window_start)
);
create index telemetry_window_device on telemetry_window (device_id, id);
