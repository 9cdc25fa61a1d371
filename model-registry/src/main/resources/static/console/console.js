// Driftline admin console: a plain single-page app on the registry's API. Everything shown comes
// from the API and is put into the page as text nodes or attribute values, never as HTML.
'use strict';

const TOKEN_KEY = 'driftline.console.token';
const SVG_NS = 'http://www.w3.org/2000/svg';
const session = { token: null, me: null, flash: null };

// ---- DOM helpers ------------------------------------------------------------------------------

/** Creates an element; attributes are set with setAttribute, children appended as nodes or text. */
function el(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/** Creates an SVG element the same way. */
function svg(tag, attrs, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

function fill(node, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function badge(text) {
  const known = ['OK', 'STALE', 'NEVER', 'ACTIVE', 'REVOKED', 'PUBLISHED', 'RECOVERED', 'READY', 'ADAPTING',
    'RUNNING', 'QUEUED', 'ROLLED_BACK', 'FAILED', 'REJECTED', 'OPEN', 'CLOSED', 'ARCHIVED', 'pass', 'fail'];
  return el('span', { class: 'badge ' + (known.includes(text) ? text : 'other') }, text);
}

function table(headers, rows, attrs) {
  return el('table', attrs || {},
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))),
    el('tbody', {}, rows));
}

function when(instant) {
  if (!instant) return '—';
  const d = new Date(instant);
  return Number.isNaN(d.getTime()) ? String(instant) : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function ago(instant) {
  if (!instant) return 'never';
  const seconds = Math.round((Date.now() - new Date(instant).getTime()) / 1000);
  if (seconds < 90) return seconds + ' s ago';
  if (seconds < 5400) return Math.round(seconds / 60) + ' min ago';
  if (seconds < 129600) return Math.round(seconds / 3600) + ' h ago';
  return Math.round(seconds / 86400) + ' d ago';
}

function num(value, digits) {
  return typeof value === 'number' ? value.toFixed(digits === undefined ? 3 : digits) : (value ?? '—');
}

function deviceLink(id) {
  return el('a', { href: '#/device/' + encodeURIComponent(id), 'data-device-id': id }, id);
}

function canOperate() {
  return session.me && (session.me.role === 'OPERATOR' || session.me.role === 'ADMIN');
}

// ---- API ----------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || ('HTTP ' + status));
    this.status = status;
    this.problem = problem || {};
  }
}

/** Calls the registry with the session token; answers parsed JSON or throws an ApiError. */
async function api(path, options) {
  const opts = options || {};
  const headers = { Accept: 'application/json' };
  const token = opts.token || session.token;
  if (token) headers.Authorization = 'Bearer ' + token;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method: opts.method || 'GET', headers, cache: 'no-store',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  } catch (e) {
    throw new ApiError(0, { title: 'registry unreachable', detail: String(e) });
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (!response.ok) {
    if (response.status === 401 && !opts.token) logout('Your token was refused; log in again.');
    throw new ApiError(response.status, data || { title: response.statusText, detail: text.slice(0, 300) });
  }
  return data;
}

/** Reads every page of a registry listing (at most `max` items). */
async function all(path, max) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api(path + sep + 'limit=500' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < (max || 5000));
  return items;
}

/** A notice for a failed call: a proxied service's title says which service and why. */
function notice(error, what) {
  const p = error.problem || {};
  return el('div', { class: 'notice', role: 'status' },
    el('strong', {}, p.title || 'error'), ' — ', what ? what + ': ' : '', p.detail || error.message);
}

function message(text) {
  return el('div', { class: 'message', role: 'status' }, text);
}

// ---- login --------------------------------------------------------------------------------------

async function login(token) {
  const me = await api('/api/v1/me', { token });
  if (me.role === 'DEVICE') throw new ApiError(403, { title: 'Forbidden', detail: 'a device token cannot use the console' });
  session.token = token;
  session.me = me;
  sessionStorage.setItem(TOKEN_KEY, token);
}

function logout(why) {
  session.token = null;
  session.me = null;
  sessionStorage.removeItem(TOKEN_KEY);
  showLogin(why || '');
}

function showLogin(why) {
  document.getElementById('nav').hidden = true;
  document.getElementById('session').hidden = true;
  document.getElementById('page').hidden = true;
  document.getElementById('login').hidden = false;
  document.getElementById('login-error').textContent = why;
  document.getElementById('token').value = '';
}

function showApp() {
  document.getElementById('login').hidden = true;
  document.getElementById('nav').hidden = false;
  document.getElementById('session').hidden = false;
  document.getElementById('page').hidden = false;
  document.getElementById('whoami').textContent = session.me.name + ' (' + session.me.role + ')';
  document.body.dataset.role = session.me.role;
  route();
}

// ---- pages --------------------------------------------------------------------------------------

async function fleetPage(page) {
  const devices = await all('/api/v1/fleet');
  const counts = { OK: 0, STALE: 0, NEVER: 0 };
  devices.forEach((d) => { counts[d.health] = (counts[d.health] || 0) + 1; });
  page.append(el('h1', {}, 'Fleet'),
    el('p', { id: 'fleet-summary' }, devices.length + ' devices: ', counts.OK + ' reporting, ', counts.STALE + ' stale, ',
      counts.NEVER + ' never reported telemetry.'));
  const rows = devices.map((d) => el('tr', { 'data-device-id': d.deviceId },
    el('td', {}, deviceLink(d.deviceId)),
    el('td', {}, d.deviceClass),
    el('td', {}, d.student),
    el('td', {}, d.domain ?? '—'),
    el('td', {}, badge(d.status)),
    el('td', { class: 'desired' }, d.desiredBundle ?? '—'),
    el('td', { class: d.desiredBundle && d.reportedBundle !== d.desiredBundle ? 'reported mismatch' : 'reported',
      title: d.reportedAt ? 'reported ' + when(d.reportedAt) : 'never reported' }, d.reportedBundle ?? '—'),
    el('td', { title: when(d.lastTelemetryAt) }, ago(d.lastTelemetryAt)),
    el('td', { class: 'health' }, badge(d.health))));
  page.append(table(['device', 'class', 'student', 'domain', 'status', 'desired bundle', 'reported bundle',
    'last telemetry', 'health'], rows, { id: 'fleet-table' }));
}

async function devicePage(page, deviceId) {
  const path = '/api/v1/devices/' + encodeURIComponent(deviceId);
  const [device, fleet, telemetry] = await Promise.all([api(path), api('/api/v1/fleet/' + encodeURIComponent(deviceId)),
    api(path + '/telemetry?limit=720')]);
  page.append(el('h1', {}, 'Device ', el('span', { id: 'device-id' }, device.deviceId)));
  page.append(el('dl', { class: 'kv' },
    el('dt', {}, 'class'), el('dd', {}, device.deviceClass),
    el('dt', {}, 'student'), el('dd', {}, device.student),
    el('dt', {}, 'labels'), el('dd', {}, Object.entries(device.labels || {}).map(([k, v]) => k + '=' + v).join(', ') || '—'),
    el('dt', {}, 'status'), el('dd', {}, badge(device.status)),
    el('dt', {}, 'desired bundle'), el('dd', { id: 'device-desired' }, fleet.desiredBundle ?? '—',
      fleet.desiredRolloutId ? ' (rollout #' + fleet.desiredRolloutId + ', generation ' + fleet.desiredGeneration + ')' : ''),
    el('dt', {}, 'reported bundle'), el('dd', {}, fleet.reportedBundle ?? '—'),
    el('dt', {}, 'health'), el('dd', {}, badge(fleet.health), ' last window ', ago(fleet.lastTelemetryAt))));

  const actions = el('div', { id: 'device-actions' });
  page.append(actions);
  if (canOperate() && fleet.desiredRolloutId) {
    actions.append(rollbackButton(fleet.desiredRolloutId, 'rollback-device-rollout',
      'Roll back rollout #' + fleet.desiredRolloutId + ' (every device it still reaches)', actions));
  }

  let incidents = [];
  const incidentNote = el('div', { id: 'device-incidents-note' });
  try {
    incidents = (await api('/console/api/teacher/incidents?limit=200&deviceId=' + encodeURIComponent(deviceId))).items;
  } catch (e) {
    incidentNote.append(notice(e, 'incidents are not marked'));
  }
  page.append(incidentNote);

  const points = telemetry.items;
  if (points.length === 0) {
    page.append(el('p', { id: 'no-telemetry', class: 'muted' }, 'No telemetry windows stored for this device yet.'));
    return;
  }
  const classes = points[points.length - 1].classes;
  page.append(el('p', { class: 'muted' }, points.length + ' windows in the order they arrived (numbers ', points[0].windowSeq, '–',
    points[points.length - 1].windowSeq, '). Devices have no labels, so there is no accuracy: the confidence proxy is ',
    '1 − mean entropy / ln(' + (classes || 'classes') + '), 1 when every frame is certain, 0 when predictions are uniform. ',
    'Red bands: drift incidents (first to last window); green dashes: bundle changes; grey dots: device restarts.'));
  const bundles = bundleChanges(points);
  page.append(chart('chart-confidence', 'Confidence proxy (1 − H / ln K)', points, (p) => p.confidenceProxy, null,
    incidents, bundles, [0, 1]));
  page.append(chart('chart-ood', 'OOD score (mean; dashed: p90)', points, (p) => p.oodMean, (p) => p.oodP90,
    incidents, bundles, null));
  page.append(chart('chart-entropy', 'Mean predictive entropy (nats)', points, (p) => p.meanEntropy, null,
    incidents, bundles, [0, null]));
  if (incidents.length) {
    page.append(el('h2', {}, 'Incidents'), incidentTable(incidents, false));
  }
}

/** Where the active bundle changes, and where the device restarted (its window numbers start again). */
function bundleChanges(points) {
  const changes = [];
  for (let i = 1; i < points.length; i++) {
    if (points[i].activeBundle !== points[i - 1].activeBundle) {
      changes.push({ index: i, kind: 'bundle-change', text: 'bundle ' + (points[i].activeBundle || 'none')
        + ' from window ' + points[i].windowSeq });
    }
    if (points[i].windowSeq < points[i - 1].windowSeq) {
      changes.push({ index: i, kind: 'restart', text: 'the device restarted: window numbers start again at '
        + points[i].windowSeq });
    }
  }
  return changes;
}

/**
 * The points (indexes) an incident covers: the latest run of windows numbered from its first to its
 * last window (a device that restarted may have used the same numbers before).
 */
function spanOf(points, first, last) {
  let b = -1;
  for (let i = points.length - 1; i >= 0; i--) {
    if (points[i].windowSeq >= first && points[i].windowSeq <= last) { b = i; break; }
  }
  if (b < 0) return null;
  let a = b;
  while (a > 0 && points[a - 1].windowSeq >= first && points[a - 1].windowSeq < points[a].windowSeq) a--;
  return [a, b];
}

/** A line chart over the windows in arrival order, with incident bands, bundle changes and restarts. */
function chart(id, title, points, value, value2, incidents, bundles, range) {
  const W = 900, H = 200, L = 50, R = 15, T = 24, B = 28;
  const x0 = 0, x1 = Math.max(1, points.length - 1);
  const values = points.flatMap((p) => [value(p), value2 ? value2(p) : null]).filter((v) => typeof v === 'number');
  let y0 = range && range[0] !== null ? range[0] : Math.min(...values, 0);
  let y1 = range && range[1] !== null ? range[1] : Math.max(...values, y0 + 1e-9);
  if (y1 <= y0) y1 = y0 + 1;
  const X = (seq) => L + (seq - x0) / (x1 - x0) * (W - L - R);
  const Y = (v) => T + (1 - (v - y0) / (y1 - y0)) * (H - T - B);
  const root = svg('svg', { id, class: 'chart', width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img',
    'aria-label': title }, svg('text', { class: 'title', x: L, y: 15 }, title));
  for (let i = 0; i <= 4; i++) {
    const v = y0 + (y1 - y0) * i / 4;
    root.append(svg('line', { class: 'grid', x1: L, x2: W - R, y1: Y(v), y2: Y(v) }),
      svg('text', { x: L - 6, y: Y(v) + 4, 'text-anchor': 'end' }, num(v, 2)));
  }
  for (const incident of incidents) {
    const span = spanOf(points, incident.firstWindowSeq, Math.max(incident.lastWindowSeq, incident.firstWindowSeq));
    if (!span) continue;
    const [a, b] = span;
    root.append(svg('rect', { class: 'incident', x: X(a), y: T, width: Math.max(2, X(b) - X(a)), height: H - T - B,
      'data-incident-id': incident.incidentId },
    svg('title', {}, 'incident ' + incident.incidentId + ' (' + incident.state + ', ' + incident.detector + ' '
      + incident.statistic + '=' + num(incident.statisticValue) + ')')));
    root.append(svg('line', { class: 'incident-start', x1: X(a), x2: X(a), y1: T, y2: H - B }));
  }
  for (const change of bundles) {
    root.append(svg('line', { class: change.kind, x1: X(change.index), x2: X(change.index), y1: T, y2: H - B },
      svg('title', {}, change.text)));
  }
  root.append(svg('line', { class: 'axis', x1: L, x2: W - R, y1: H - B, y2: H - B }),
    svg('line', { class: 'axis', x1: L, x2: L, y1: T, y2: H - B }),
    svg('text', { x: L, y: H - 8 }, 'window ' + points[0].windowSeq),
    svg('text', { x: W - R, y: H - 8, 'text-anchor': 'end' }, 'window ' + points[points.length - 1].windowSeq));
  const line = (f, cls) => {
    const d = points.map((p, index) => [index, f(p)]).filter(([, v]) => typeof v === 'number')
      .map(([index, v], i) => (i ? 'L' : 'M') + X(index).toFixed(1) + ' ' + Y(v).toFixed(1)).join(' ');
    if (d) root.append(svg('path', { class: cls, d }));
  };
  if (value2) line(value2, 'series2');
  line(value, 'series');
  return root;
}

function rollbackButton(rolloutId, id, label, messages) {
  const button = el('button', { type: 'button', class: 'danger rollback', id, 'data-rollout-id': rolloutId }, label);
  let armed = false;
  button.addEventListener('click', async () => {
    if (!armed) {
      armed = true;
      button.textContent = 'Confirm: roll back rollout #' + rolloutId;
      button.classList.add('armed');
      return;
    }
    button.disabled = true;
    try {
      const result = await api('/api/v1/rollouts/' + encodeURIComponent(rolloutId) + '/rollback', { method: 'POST', body: {} });
      const reissued = (result.reissued || []).map((r) => r.original + ' → ' + r.reissue).join(', ');
      // the page is drawn again from the new state, with the outcome on top
      session.flash = 'Rolled back rollout #' + rolloutId + ': ' + result.restored + ' device(s) restored'
        + (reissued ? ' (re-issued ' + reissued + ')' : '') + ', ' + result.withoutPreviousBundle
        + ' without a previous bundle.';
      await route();
    } catch (e) {
      messages.append(notice(e, 'rollback refused'));
      button.disabled = false;
    }
  });
  return button;
}

function incidentTable(incidents, withDevice) {
  const rows = incidents.map((i) => el('tr', { 'data-incident-id': i.incidentId },
    el('td', {}, i.incidentId),
    withDevice ? el('td', {}, deviceLink(i.deviceId)) : null,
    el('td', {}, badge(i.state)),
    el('td', {}, i.detector),
    el('td', {}, i.statistic + ' = ' + num(i.statisticValue)),
    el('td', { class: 'num' }, i.firstWindowSeq + '–' + i.lastWindowSeq),
    el('td', {}, when(i.openedAt)),
    el('td', {}, when(i.changedAt)),
    el('td', {}, (i.jobIds || []).join(', ') || '—')));
  const headers = ['incident', withDevice ? 'device' : null, 'state', 'detector', 'statistic', 'windows', 'opened',
    'changed', 'jobs'].filter((h) => h !== null);
  return table(headers, rows, { id: 'incident-table' });
}

async function incidentsPage(page) {
  page.append(el('h1', {}, 'Drift incidents'),
    el('p', { class: 'muted' }, 'From the cloud teacher (latest state of each incident, newest first). The statistic is the '
      + 'detector\'s figure that opened it.'));
  try {
    const answer = await api('/console/api/teacher/incidents?limit=200');
    page.append(answer.items.length ? incidentTable(answer.items, true) : el('p', { class: 'muted' }, 'No incidents.'));
  } catch (e) {
    page.append(notice(e, 'incidents unavailable'));
  }
}

/** A gate's decision as a badge and its figures flattened to name=value (registry: passed; teacher: decision). */
function gateFigures(gate) {
  if (!gate) return '—';
  const passed = gate.passed !== undefined ? gate.passed === true
    : (gate.decision !== undefined ? gate.decision === 'ship' : undefined);
  const figures = [];
  const walk = (prefix, value) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      Object.entries(value).forEach(([k, v]) => walk(prefix ? prefix + '.' + k : k, v));
    } else {
      figures.push(prefix + '=' + (typeof value === 'number' ? num(value) : String(value)));
    }
  };
  Object.entries(gate).filter(([k]) => k !== 'passed' && k !== 'decision').forEach(([k, v]) => walk(k, v));
  return el('span', { class: 'gate' }, passed === undefined ? null : badge(passed ? 'pass' : 'fail'), ' ', figures.join(', '));
}

async function jobsPage(page) {
  page.append(el('h1', {}, 'Adaptation jobs'),
    el('p', { class: 'muted' }, 'From the cloud teacher, newest first; each variant with its gate figures.'));
  const messages = el('div', { id: 'job-messages' });
  page.append(messages);
  let jobs;
  try {
    jobs = (await api('/console/api/teacher/jobs?limit=30')).items;
  } catch (e) {
    page.append(notice(e, 'jobs unavailable'));
    return;
  }
  const details = await Promise.all(jobs.map((j) => api('/console/api/teacher/jobs/' + encodeURIComponent(j.jobId))
    .catch(() => null)));
  const terminal = ['PUBLISHED', 'REJECTED', 'FAILED'];
  const rows = jobs.map((j, index) => {
    const variants = (details[index] && details[index].variants) || [];
    const actions = el('td', {});
    if (canOperate() && terminal.includes(j.state)) {
      actions.append(el('button', { type: 'button', class: 'retry', 'data-job-id': j.jobId, onclick: async (event) => {
        event.target.disabled = true;
        try {
          const retry = await api('/console/api/teacher/jobs/' + encodeURIComponent(j.jobId) + '/retry', { method: 'POST', body: {} });
          messages.append(message('Queued job ' + retry.jobId + ' to retry ' + j.jobId + '.'));
        } catch (e) {
          messages.append(notice(e, 'retry refused'));
          event.target.disabled = false;
        }
      } }, 'Retry'));
    }
    return el('tr', { 'data-job-id': j.jobId },
      el('td', {}, j.jobId), el('td', {}, badge(String(j.state))), el('td', {}, String(j.trigger)),
      el('td', { class: 'num' }, (j.devices || []).length), el('td', { class: 'num' }, j.sampleCount),
      el('td', {}, when(j.createdAt)), el('td', {}, when(j.finishedAt)), el('td', {}, j.reason ?? ''),
      el('td', {}, variants.map((v) => el('div', {}, v.variant + ': ' + v.status
        + (v.bundleModel && v.bundleVersion ? ' (' + v.bundleModel + ':' + v.bundleVersion + ')' : '') + ' ', gateFigures(v.gate)))),
      actions);
  });
  page.append(jobs.length ? table(['job', 'state', 'trigger', 'devices', 'samples', 'created', 'finished', 'reason',
    'variants and gates', ''], rows, { id: 'job-table' }) : el('p', { class: 'muted' }, 'No jobs.'));
}

async function modelsPage(page) {
  const [models, versions, rollouts] = await Promise.all([all('/api/v1/models'), all('/api/v1/versions'),
    all('/api/v1/rollouts')]);
  page.append(el('h1', {}, 'Models and bundles'));
  page.append(el('div', { class: 'legend' }, el('span', {}, '— parent student → bundle'),
    el('span', {}, '- - teacher → bundle'), el('span', {}, '··· re-issued on rollback')));
  page.append(lineageGraph(versions));
  page.append(el('h2', {}, 'Versions'));
  page.append(table(['version', 'kind', 'status', 'aliases', 'parent student', 'teacher', 'incident', 'gate', 'created'],
    versions.map((v) => el('tr', { 'data-version': v.name + ':' + v.version },
      el('td', {}, v.name + ':' + v.version), el('td', {}, v.kind), el('td', {}, badge(v.status)),
      el('td', {}, (v.aliases || []).join(', ')), el('td', {}, v.lineage?.parentStudent ?? '—'),
      el('td', {}, v.lineage?.teacher ?? '—'), el('td', {}, v.lineage?.incidentId ?? '—'),
      el('td', {}, v.lineage?.gate ? gateFigures(v.lineage.gate) : '—'), el('td', {}, when(v.createdAt)))),
    { id: 'version-table' }));
  page.append(el('h2', {}, 'Rollouts'));
  const messages = el('div', { id: 'rollout-messages' });
  page.append(messages);
  page.append(table(['rollout', 'bundle', 'cohort', 'devices', 'status', 'created', ''],
    rollouts.slice().reverse().map((r) => el('tr', { 'data-rollout-id': r.id },
      el('td', {}, '#' + r.id), el('td', {}, r.bundle), el('td', {}, cohortText(r.cohort)),
      el('td', { class: 'num' }, r.deviceCount), el('td', {}, badge(r.status)),
      el('td', {}, when(r.createdAt) + ' by ' + r.createdBy),
      el('td', {}, canOperate() && r.status === 'ACTIVE'
        ? rollbackButton(r.id, 'rollback-' + r.id, 'Roll back', messages) : null))),
    { id: 'rollout-table' }));
  page.append(el('p', { class: 'muted' }, models.length + ' registered models.'));
}

function cohortText(cohort) {
  const parts = [];
  for (const key of ['deviceClass', 'student', 'domain']) if (cohort && cohort[key]) parts.push(key + '=' + cohort[key]);
  if (cohort && cohort.deviceIds) parts.push(cohort.deviceIds.length + ' listed devices');
  return parts.join(', ');
}

/** Lineage: teachers, students and bundles in three columns; edges from the lineage fields. */
function lineageGraph(versions) {
  const columns = { teacher: [], student: [], bundle: [] };
  versions.forEach((v) => (columns[v.kind] || columns.bundle).push(v));
  const NW = 170, NH = 26, GAP = 10, COLW = 300, TOP = 30;
  const rows = Math.max(1, ...Object.values(columns).map((c) => c.length));
  // room on the right for the loops of rollback edges within the bundle column
  const W = COLW * 2 + NW + 90, H = TOP + rows * (NH + GAP) + 10;
  const position = new Map();
  const root = svg('svg', { id: 'lineage-graph', class: 'lineage', width: W, height: H, viewBox: '0 0 ' + W + ' ' + H,
    role: 'img', 'aria-label': 'model lineage' });
  ['teacher', 'student', 'bundle'].forEach((kind, c) => {
    root.append(svg('text', { x: 20 + c * COLW, y: 18, class: 'title' }, kind + 's'));
    columns[kind].forEach((v, r) => position.set(v.name + ':' + v.version, { x: 20 + c * COLW, y: TOP + r * (NH + GAP) }));
  });
  const edge = (from, to, cls) => {
    const a = position.get(from), b = position.get(to);
    if (!a || !b) return;
    const sx = a.x + NW, sy = a.y + NH / 2, tx = b.x, ty = b.y + NH / 2;
    const path = a.x < b.x
      ? 'M' + sx + ' ' + sy + ' C' + (sx + 60) + ' ' + sy + ' ' + (tx - 60) + ' ' + ty + ' ' + tx + ' ' + ty
      : 'M' + (a.x + NW) + ' ' + sy + ' C' + (a.x + NW + 50) + ' ' + sy + ' ' + (b.x + NW + 50) + ' ' + ty + ' ' + (b.x + NW) + ' ' + ty;
    root.append(svg('path', { class: 'edge ' + cls, d: path, 'data-from': from, 'data-to': to, 'marker-end': 'url(#arrow)' }));
  };
  root.append(svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6,
    markerHeight: 6, orient: 'auto-start-reverse' }, svg('path', { d: 'M0 0 L10 5 L0 10 z', fill: '#57606a' }))));
  for (const v of versions) {
    const ref = v.name + ':' + v.version;
    if (v.lineage?.parentStudent) edge(v.lineage.parentStudent, ref, 'student');
    if (v.lineage?.teacher) edge(v.lineage.teacher, ref, 'teacher');
    if (v.lineage?.rollbackOf) edge(v.lineage.rollbackOf, ref, 'rollback');
  }
  for (const v of versions) {
    const ref = v.name + ':' + v.version;
    const p = position.get(ref);
    const label = ref.length > 26 ? ref.slice(0, 25) + '…' : ref;
    root.append(svg('g', { class: 'node ' + v.kind + ' ' + v.status, 'data-version': ref },
      svg('title', {}, ref + ' (' + v.status + (v.aliases?.length ? ', ' + v.aliases.join(', ') : '') + ')'),
      svg('rect', { x: p.x, y: p.y, width: NW, height: NH, rx: 4 }),
      svg('text', { x: p.x + 6, y: p.y + 17 }, label + (v.aliases?.length ? ' ★' : ''))));
  }
  return root;
}

async function catalogPage(page) {
  page.append(el('h1', {}, 'Catalog matchmaking'),
    el('p', { class: 'muted' }, 'Queries to the semantic catalog: which devices can run a student or bundle, and what fits a device.'));
  const out = el('div', { id: 'catalog-result' });
  const run = async (path) => {
    out.replaceChildren(el('p', { class: 'muted' }, 'asking the catalog…'));
    try {
      const answer = await api('/console/api/catalog/' + path);
      out.replaceChildren(el('div', { class: 'result' }, render(answer)));
    } catch (e) {
      out.replaceChildren(notice(e, 'catalog query failed'));
    }
  };
  const artefact = el('input', { type: 'text', id: 'catalog-artefact', placeholder: 'student-or-bundle:version' });
  const device = el('input', { type: 'text', id: 'catalog-device', placeholder: 'device id' });
  page.append(
    el('form', { class: 'inline', onsubmit: (e) => { e.preventDefault();
      run('match/artefacts/' + encodeURIComponent(artefact.value.trim()) + '/devices?limit=200'); } },
    el('label', { for: 'catalog-artefact' }, 'Devices that can run'), artefact,
    el('button', { type: 'submit', id: 'catalog-artefact-match' }, 'Match')),
    el('form', { class: 'inline', onsubmit: (e) => { e.preventDefault();
      run('match/devices/' + encodeURIComponent(device.value.trim())); } },
    el('label', { for: 'catalog-device' }, 'What fits device'), device,
    el('button', { type: 'submit', id: 'catalog-device-match' }, 'Match')),
    el('form', { class: 'inline', onsubmit: (e) => { e.preventDefault(); run('inventory'); } },
      el('button', { type: 'submit', id: 'catalog-inventory' }, 'Inventory')),
    out);
}

/** Renders any JSON value as nested lists and definition lists (text only). */
function render(value) {
  if (value === null || value === undefined) return el('span', { class: 'muted' }, '—');
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) return el('span', {}, value.join(', ') || '(none)');
    return el('ol', {}, value.map((v) => el('li', {}, render(v))));
  }
  if (typeof value === 'object') {
    return el('dl', { class: 'kv' }, Object.entries(value).flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, render(v))]));
  }
  return el('span', {}, typeof value === 'number' ? num(value, Number.isInteger(value) ? 0 : 3) : String(value));
}

// ---- routing ------------------------------------------------------------------------------------

const PAGES = { fleet: fleetPage, incidents: incidentsPage, jobs: jobsPage, models: modelsPage, catalog: catalogPage };

async function route() {
  if (!session.me) return;
  const hash = location.hash.replace(/^#\/?/, '') || 'fleet';
  const [name, ...rest] = hash.split('/');
  const page = el('div', { id: 'page-' + name });
  document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', a.dataset.page === name));
  document.getElementById('page').replaceChildren(page);
  if (session.flash) {
    page.append(el('div', { class: 'message', id: 'flash', role: 'status' }, session.flash));
    session.flash = null;
  }
  try {
    if (name === 'device' && rest.length) await devicePage(page, decodeURIComponent(rest.join('/')));
    else await (PAGES[name] || fleetPage)(page);
  } catch (e) {
    page.append(notice(e));
  }
  page.dataset.loaded = 'true';
}

document.getElementById('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = document.getElementById('token').value.trim();
  try {
    await login(token);
    showApp();
  } catch (e) {
    document.getElementById('login-error').textContent = e.status === 401
      ? 'That token is not known to the registry.' : (e.problem.detail || e.message);
  }
});
document.getElementById('logout-button').addEventListener('click', () => logout(''));
window.addEventListener('hashchange', route);

(async () => {
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) {
    try {
      await login(saved);
      showApp();
      return;
    } catch (e) {
      sessionStorage.removeItem(TOKEN_KEY);
    }
  }
  showLogin('');
})();
