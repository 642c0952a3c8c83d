// The fuzzed requests: for every POST route of the API (the Alertmanager webhook, the BI query,
// backfill, reports, the five recommendation actions), the reference upload (PUT/DELETE) and the
// query parameters of the reads, a valid request mutated in its body, its text, its Content-Type,
// its Content-Encoding, its path and its credentials. Case `i` of seed `s` is built from its own
// random sequence, so any single case can be rebuilt (replayed) without the ones before it.
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { seededRandom } from '@sextant/core/stats';
import { mutate, mutateText } from './mutate.js';
import { deep, int, ODD_NUMBERS, ODD_STRINGS, oddValue, pick, raw, toJsonText, type Rng } from './values.js';

export interface FuzzTokens {
  /** Admin of tenant `default`: reaches every route. */
  admin: string;
  editor: string;
  viewer: string;
  /** Admin of tenant `other`. */
  other: string;
}

export const TENANT_OF_TOKEN = { admin: 'default', editor: 'default', viewer: 'default', other: 'other' } as const;

/** What the fuzzer learned from the service before it started. */
export interface FuzzContext {
  now: number;
  tokens: FuzzTokens;
  /** Datasets of tenant default. */
  datasets: string[];
  recommendationIds: string[];
}

export interface FuzzRequest {
  /** The route it aims at, for the tally: "POST /alerts/webhook". */
  route: string;
  method: string;
  /** Path and query string, from the server's root. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The JSON text before any encoding (what a 2xx webhook acknowledged), when the body is JSON. */
  text?: string;
  /** The tenant of the credentials sent, when they are valid. */
  tenant?: string;
  /** What was done to the valid request, for the failure report. */
  changes: string[];
}

const API = '/api/v1';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const iso = (ms: number) => new Date(ms).toISOString();

// A small pool of fingerprints, so re-deliveries and resolutions of the same instance happen.
const FINGERPRINTS = Array.from({ length: 256 }, (_, i) => ((i * 0x9e3779b1) >>> 0).toString(16).padStart(8, '0').repeat(2));

function webhookBody(rnd: Rng, ctx: FuzzContext): unknown {
  const alerts = Array.from({ length: 1 + int(rnd, 4) }, () => {
    // Mostly within the week the store remembers; a fifth older, looked up in the table instead.
    const age = rnd() < 0.8 ? int(rnd, 6 * DAY) : 8 * DAY + int(rnd, 30 * DAY);
    const startsAt = Math.floor((ctx.now - age) / 1000) * 1000 + (rnd() < 0.3 ? int(rnd, 1000) : 0);
    const resolved = rnd() < 0.4;
    const labels: Record<string, string> = {
      alertname: pick(rnd, ['HostCpuUsageCritical', 'ServiceErrorRatioWarning', 'TargetDown', 'Fuzz']),
      instance: `host-${int(rnd, 8)}:9100`,
      severity: pick(rnd, ['critical', 'warning', 'info']),
    };
    // Hostile text in names and values is still a valid payload: it must be stored, not refused.
    if (rnd() < 0.3) labels[pick(rnd, ['service', 'x\ud800', '\udfffkey', 'é😀', 'team'])] = pick(rnd, ODD_STRINGS.filter((s) => s.length <= 16_384));
    return {
      status: resolved ? 'resolved' : 'firing',
      labels,
      annotations: rnd() < 0.3 ? { [pick(rnd, ['summary', 'x\ud800', 'runbook_url'])]: pick(rnd, ['CPU high', '\udc00', 'https://runbooks.example.com/x']) } : { summary: 'CPU usage is high' },
      startsAt: iso(startsAt),
      endsAt: resolved ? iso(startsAt + int(rnd, 2 * HOUR)) : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph?g0.expr=up',
      fingerprint: pick(rnd, FINGERPRINTS),
    };
  });
  return {
    receiver: 'sextant',
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    groupLabels: { alertname: 'Fuzz' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    version: '4',
    groupKey: '{}:{alertname="Fuzz"}',
    truncatedAlerts: 0,
  };
}

function queryBody(rnd: Rng, ctx: FuzzContext): unknown {
  const bucket = pick(rnd, ['raw', '5m', '1h', '1d']);
  const span = pick(rnd, [HOUR, 6 * HOUR, DAY, 8 * DAY, 400 * DAY]);
  const end = ctx.now - int(rnd, DAY);
  const label = pick(rnd, ['instance', 'job', 'service', 'mode', 'hosts.team']);
  return {
    dataset: ctx.datasets.length > 0 ? pick(rnd, ctx.datasets) : 'up',
    measures: ['count', 'sum', 'min', 'max', 'avg', 'p50', 'p95', 'p99', 'last'].filter(() => rnd() < 0.3).concat('avg'),
    groupBy: rnd() < 0.5 ? [label] : [],
    filters: rnd() < 0.4 ? [{ label: pick(rnd, ['instance', 'job']), op: pick(rnd, ['=', '!=', '=~', '!~']), value: pick(rnd, ['host-1:9100', '.*', 'host-.+', '(?=a).*', '(a)\\1', '[', 'a{1000000}', '\ud800']) }] : [],
    bucket,
    range: rnd() < 0.5 ? { start: end - span, end } : { start: iso(end - span), end: iso(end) },
    ...(rnd() < 0.15 ? { join: { table: 'hosts', label: 'instance', column: 'instance', scaleBy: 'cost_per_hour' } } : {}),
  };
}

function backfillBody(rnd: Rng, ctx: FuzzContext): unknown {
  const from = pick(rnd, ['2h', '90m', '1d', '401d', iso(ctx.now - 3 * HOUR), ctx.now - 2 * HOUR, 0, '1970-01-01']);
  return {
    from,
    ...(rnd() < 0.4 ? { to: pick(rnd, ['now', '1h', iso(ctx.now - HOUR), ctx.now]) } : {}),
    ...(rnd() < 0.3 ? { datasets: ctx.datasets.slice(0, 1 + int(rnd, 2)) } : {}),
  };
}

function reportBody(rnd: Rng, ctx: FuzzContext): unknown {
  return {
    period: pick(rnd, ['daily', 'weekly', 'monthly']),
    // Not pdf: printing through Chromium takes seconds by design (tested in the reports' own tests).
    format: pick(rnd, ['html', 'csv', 'xlsx', 'parquet', 'PDF', 'docx']),
    ...(rnd() < 0.5 ? { from: pick(rnd, [iso(ctx.now - 2 * DAY).slice(0, 10), iso(ctx.now - 40 * DAY), '2026-02-30', iso(ctx.now + 10 * DAY).slice(0, 10)]) } : {}),
  };
}

const ACTIONS = ['apply', 'approve', 'rollback', 'dismiss', 'feedback'] as const;

function actionBody(rnd: Rng, action: (typeof ACTIONS)[number]): unknown {
  if (action === 'apply') return pick(rnd, [{}, { execute: true }, { execute: true, dryRun: true }, { dryRun: true }]);
  if (action === 'feedback') return { helpful: rnd() < 0.5, ...(rnd() < 0.5 ? { comment: pick(rnd, ['useful', 'x'.repeat(2001), '\ud800']) } : {}) };
  return {};
}

/** Path segments as they arrive on the wire: percent-encodings that are not UTF-8, traversal, very long. */
const ODD_SEGMENTS = ['%ZZ', '%', '%ED%A0%80', '%F0%9F%98%80', '%C0%AF', '%FF', '%00', '..', '%2E%2E', '%2F', 'a'.repeat(5000), '%E2%80%AE', 'x%20y', 'null', '0'];
/** Query values as they arrive on the wire (already percent-encoded). */
const ODD_QUERY_VALUES = [...ODD_SEGMENTS, '', '-5', '99999999999999999999', '1e999', 'NaN', '99999999999d', '0d', '1d', '2026-11-25T06:00:00Z', 'now', 'true', 'job%3D~%22(%3F%3Da).*%22', 'job%3D%22x%22', '%7B%7D', '1', '10001'];

function segment(rnd: Rng, valid: readonly string[]): string {
  return valid.length > 0 && rnd() < 0.5 ? pick(rnd, valid) : pick(rnd, ODD_SEGMENTS);
}

const READS: [string, string[]][] = [
  ['/alerts/history', ['from', 'to', 'limit', 'fingerprint', 'alertname']],
  ['/alerts/analysis', ['from', 'to']],
  ['/anomalies', ['from', 'to', 'limit', 'severity', 'match', 'dataset']],
  ['/predictions', ['from', 'to', 'limit', 'horizon', 'entity', 'latest']],
  ['/predictions/models', ['limit']],
  ['/export', ['dataset', 'from', 'to', 'level']],
  ['/recommendations', ['status', 'limit']],
  ['/audit', ['action', 'token', 'result', 'from', 'to', 'limit', 'before']],
  ['/reports', ['limit']],
  ['/ingest-runs', ['limit']],
  ['/reference', []],
  ['/datasets', []],
  ['/backfill', []],
  ['/status', []],
];

function readPath(rnd: Rng, ctx: FuzzContext): { path: string; route: string } {
  const [route, params] = pick(rnd, READS);
  const query = params
    .filter(() => rnd() < 0.5)
    .flatMap((name) => {
      const value = name === 'dataset' && rnd() < 0.5 && ctx.datasets.length > 0 ? pick(rnd, ctx.datasets) : pick(rnd, ODD_QUERY_VALUES);
      // A parameter given twice arrives as a list.
      return rnd() < 0.1 ? [`${name}=${value}`, `${name}=${value}`] : [`${name}=${value}`];
    });
  const extra = rnd() < 0.2 ? [`${pick(rnd, ['__proto__', 'x%ED%A0%80', 'from[]', 'a[b]'])}=${pick(rnd, ODD_QUERY_VALUES)}`] : [];
  const all = [...query, ...extra];
  return { route: `GET ${route}`, path: `${API}${route}${all.length > 0 ? `?${all.join('&')}` : ''}` };
}

function referenceUpload(rnd: Rng): { body: Buffer; contentType: string } {
  const rows = 1 + int(rnd, 20);
  const value = () => pick(rnd, ['host-1:9100', 'team-a', '12.5', '-0', '1e999', 'NaN', '', '"quoted, comma"', 'é😀', '\ud800', '2026-11-25', 'true', '\u0000']);
  switch (int(rnd, 4)) {
    case 0: {
      const header = pick(rnd, ['instance,team,cost_per_hour', 'instance,instance', '', 'a\ud800,b', '"unterminated,x', 'instance;team']);
      const lines = Array.from({ length: rows }, () => [value(), value(), value()].join(rnd() < 0.9 ? ',' : ';'));
      return { body: Buffer.from([header, ...lines].join(pick(rnd, ['\n', '\r\n', '\r']))), contentType: 'text/csv' };
    }
    case 1: {
      const lines = Array.from({ length: rows }, () => toJsonText(rnd() < 0.7 ? { instance: value(), team: value(), cost_per_hour: raw(pick(rnd, ODD_NUMBERS)) } : oddValue(rnd)));
      return { body: Buffer.from(lines.join('\n')), contentType: 'application/x-ndjson' };
    }
    case 2:
      return { body: Buffer.from(rnd() < 0.5 ? 'PAR1\u0000\u0000garbagePAR1' : 'not parquet at all'), contentType: 'application/vnd.apache.parquet' };
    default:
      return { body: Buffer.from(toJsonText(oddValue(rnd))), contentType: pick(rnd, ['application/json', 'text/plain', 'text/csv']) };
  }
}

/** Credentials: mostly a valid token of a role and tenant, sometimes a malformed header. */
function credentials(rnd: Rng, tokens: FuzzTokens): { header?: string; tenant?: string; change?: string } {
  const r = rnd();
  if (r < 0.94) {
    const role = r < 0.7 ? 'admin' : r < 0.8 ? 'editor' : r < 0.85 ? 'viewer' : 'other';
    return { header: `Bearer ${tokens[role]}`, tenant: TENANT_OF_TOKEN[role], ...(role === 'admin' ? {} : { change: `token ${role}` }) };
  }
  const bad = pick(rnd, [undefined, 'Bearer', 'Bearer ', `Bearer ${tokens.admin}x`, 'Basic !!!', `Basic ${Buffer.from('nobody:secret').toString('base64')}`, `Basic ${Buffer.from(`admin:${tokens.admin}`).toString('base64')}`, 'Bearer \u00e9', `bearer  ${tokens.admin}`]);
  // A Basic header naming the admin token by its name is valid (Alertmanager's basic_auth); "bearer" is case-insensitive.
  const valid = bad === `Basic ${Buffer.from(`admin:${tokens.admin}`).toString('base64')}` || bad === `bearer  ${tokens.admin}`;
  return { header: bad, ...(valid ? { tenant: 'default' } : {}), change: `authorization ${JSON.stringify(bad)}` };
}

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json;charset=UTF-8',
  'APPLICATION/JSON',
  'application/problem+json',
  'application/json; foo="bar',
  '*/*',
  '',
];

const COMPRESS: Record<string, (b: Buffer) => Buffer> = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync };

/** Content-Encoding games: honest compression, a header on a plain body, the wrong algorithm, cut data, a bomb, unknown codings. */
function encode(rnd: Rng, body: Buffer): { body: Buffer; encoding: string; change: string } {
  const r = rnd();
  const name = pick(rnd, ['gzip', 'deflate', 'br']);
  if (r < 0.3) return { body: COMPRESS[name]!(body), encoding: rnd() < 0.2 ? name.toUpperCase() : name, change: `compressed with ${name}` };
  if (r < 0.55) return { body, encoding: name, change: `Content-Encoding ${name} on a plain body` };
  if (r < 0.65) {
    const other = name === 'gzip' ? 'br' : 'gzip';
    return { body: COMPRESS[other]!(body), encoding: name, change: `${other} data labelled ${name}` };
  }
  if (r < 0.72) {
    const packed = COMPRESS[name]!(body);
    return { body: packed.subarray(0, int(rnd, packed.length)), encoding: name, change: `${name} data cut short` };
  }
  if (r < 0.77) return { body: gzipSync(Buffer.alloc(5_000_000, 0x20)), encoding: 'gzip', change: 'gzip bomb (5 MB of spaces)' };
  if (r < 0.82) return { body: deflateRawSync(body), encoding: 'deflate', change: 'raw deflate without zlib header' };
  if (r < 0.9) return { body: gzipSync(gzipSync(body)), encoding: 'gzip, gzip', change: 'gzip twice, both named' };
  const other = pick(rnd, ['identity', 'zstd', 'compress', 'x-gzip', 'gzip;q=1', ' ', 'chunked']);
  return { body, encoding: other, change: `Content-Encoding ${JSON.stringify(other)}` };
}

type Target = 'webhook' | 'query' | 'backfill' | 'reports' | 'recommendation' | 'reference' | 'read';

/** Share of the cases per target: the webhook and the query API most, every other route regularly. */
const TARGETS: [Target, number][] = [
  ['webhook', 0.34],
  ['query', 0.2],
  ['backfill', 0.08],
  ['reports', 0.04],
  ['recommendation', 0.12],
  ['reference', 0.06],
  ['read', 0.16],
];

function target(rnd: Rng): Target {
  let r = rnd();
  for (const [name, share] of TARGETS) {
    if (r < share) return name;
    r -= share;
  }
  return 'webhook';
}

/** The random sequence of case `index` of run `seed`. */
export function caseRandom(seed: number, index: number): Rng {
  return seededRandom((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
}

/** Case `index` of the run with `seed`. */
export function fuzzCase(seed: number, index: number, ctx: FuzzContext): FuzzRequest {
  const rnd = caseRandom(seed, index);
  const changes: string[] = [];
  const kind = target(rnd);
  const auth = credentials(rnd, ctx.tokens);
  if (auth.change) changes.push(auth.change);
  const headers: Record<string, string> = auth.header !== undefined ? { authorization: auth.header } : {};
  const request = (route: string, method: string, path: string, body?: Buffer, text?: string): FuzzRequest => ({
    route,
    method,
    path,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(auth.tenant !== undefined ? { tenant: auth.tenant } : {}),
    changes,
  });

  if (kind === 'read') {
    const { route, path } = readPath(rnd, ctx);
    return request(route, 'GET', path);
  }
  if (kind === 'reference') {
    const name = segment(rnd, ['hosts', 'fuzz_table', 'Fuzz-Table', '1bad']);
    if (rnd() < 0.25) return request('DELETE /reference/{name}', 'DELETE', `${API}/reference/${name}`);
    const upload = referenceUpload(rnd);
    headers['content-type'] = rnd() < 0.8 ? upload.contentType : pick(rnd, CONTENT_TYPES);
    const params = ['key=instance', 'types=cost_per_hour:number', 'replace=true', 'format=csv', `key=${pick(rnd, ODD_SEGMENTS)}`, 'types=a:b:c', `format=${pick(rnd, ['ndjson', 'parquet', 'xml'])}`].filter(() => rnd() < 0.3);
    changes.push(`upload ${upload.contentType}`);
    return request('PUT /reference/{name}', 'PUT', `${API}/reference/${name}${params.length > 0 ? `?${params.join('&')}` : ''}`, upload.body);
  }

  let route: string;
  let path: string;
  let value: unknown;
  switch (kind) {
    case 'webhook':
      [route, path, value] = ['POST /alerts/webhook', `${API}/alerts/webhook`, webhookBody(rnd, ctx)];
      break;
    case 'query':
      [route, path, value] = ['POST /query', `${API}/query`, queryBody(rnd, ctx)];
      break;
    case 'backfill':
      [route, path, value] = ['POST /backfill', `${API}/backfill`, backfillBody(rnd, ctx)];
      break;
    case 'reports':
      [route, path, value] = ['POST /reports', `${API}/reports`, reportBody(rnd, ctx)];
      break;
    default: {
      const action = pick(rnd, ACTIONS);
      [route, path, value] = [`POST /recommendations/{id}/${action}`, `${API}/recommendations/${segment(rnd, ctx.recommendationIds)}/${action}`, actionBody(rnd, action)];
    }
  }
  // The webhook is left valid more often, so plenty of alerts are acknowledged and checked afterwards.
  const mutations = rnd() < (kind === 'webhook' ? 0.45 : 0.25) ? 0 : 1 + int(rnd, 3);
  for (let k = 0; k < mutations; k++) value = mutate(value, rnd);
  if (mutations > 0) changes.push(`${mutations} mutation(s) of the body`);
  if (rnd() < 0.03) {
    value = { ...(value as object), deep: deep(rnd, 200_000) };
    changes.push('a 200,000-deep value');
  }
  let body: Buffer = Buffer.from(toJsonText(value));
  if (rnd() < 0.08) {
    body = mutateText(body, rnd);
    changes.push('body text damaged');
  }
  const text = body.toString('utf8');
  headers['content-type'] = 'application/json';
  if (rnd() < 0.12) {
    headers['content-type'] = pick(rnd, CONTENT_TYPES);
    changes.push(`Content-Type ${JSON.stringify(headers['content-type'])}`);
    if (headers['content-type'] === '') delete headers['content-type'];
  }
  if (rnd() < 0.12) {
    const encoded = encode(rnd, body);
    body = encoded.body;
    headers['content-encoding'] = encoded.encoding;
    changes.push(encoded.change);
  }
  return request(route, 'POST', path, body, text);
}
