// The Alertmanager webhook against the real warehouse file: what is acknowledged is committed, re-
// delivery records nothing twice, bad payloads get a 400 with the reason, and nothing gets a 5xx.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startAlertService, webhookPayload, type AlertService } from './support/alert-service.js';

const A = 'editor-token-a-0001';

async function post(svc: AlertService, body: unknown, token = A): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${svc.url}/api/v1/alerts/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, body: parsed };
}

async function events(svc: AlertService, tenant = 'team-a') {
  await svc.store.loaded();
  return svc.warehouse.handle.read(
    'SELECT fingerprint, starts_at_ms, seq, state, ends_at_ms, source FROM alert_events WHERE tenant = $1 ORDER BY fingerprint, starts_at_ms, seq',
    [tenant],
  );
}

const dir = () => join(mkdtempSync(join(tmpdir(), 'sextant-alerts-')), 'warehouse.duckdb');
// Times relative to now: the store remembers the last week's instances, and a fixed date would
// move these tests onto its other path (looking old instances up in the table) as it ages.
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const T0 = iso(Math.floor(Date.now() / HOUR) * HOUR - HOUR);
const T1 = iso(Date.parse(T0) + 450_500);

test('firing, re-delivery, resolution and a late firing re-delivery give exactly two state changes', async () => {
  const svc = await startAlertService({ path: dir() });
  try {
    const firing = webhookPayload([{ fingerprint: 'aaaaaaaaaaaaaaaa', status: 'firing', startsAt: T0 }]);
    assert.equal((await post(svc, firing)).status, 200);
    assert.equal((await post(svc, firing)).status, 200, 're-delivery is accepted');
    const resolved = webhookPayload([{ fingerprint: 'aaaaaaaaaaaaaaaa', status: 'resolved', startsAt: T0, endsAt: T1 }]);
    assert.equal((await post(svc, resolved)).status, 200);
    assert.equal((await post(svc, firing)).status, 200, 'a late firing re-delivery is accepted and ignored');
    assert.deepEqual(await events(svc), [
      { fingerprint: 'aaaaaaaaaaaaaaaa', starts_at_ms: Date.parse(T0), seq: 0, state: 'firing', ends_at_ms: null, source: 'webhook' },
      { fingerprint: 'aaaaaaaaaaaaaaaa', starts_at_ms: Date.parse(T0), seq: 1, state: 'resolved', ends_at_ms: Date.parse(T1), source: 'webhook' },
    ]);
    assert.deepEqual(await events(svc, 'team-b'), [], 'tenant b sees nothing of tenant a');
    const viewer = await post(svc, firing, 'viewer-token-a-0001');
    assert.equal(viewer.status, 403);
    assert.match(String(viewer.body.error), /needs editor/);
    assert.equal((await post(svc, firing, 'nope')).status, 401);
  } finally {
    await svc.close();
  }
});

test('hostile label text is kept exactly, and a lone UTF-16 surrogate becomes U+FFFD rather than blocking the history', async () => {
  const svc = await startAlertService({ path: dir() });
  try {
    const labels = { service: `'); DROP TABLE alert_events; --`, quote: '"\\\n{}', lone: 'x\ud800y', emoji: 'é😀' };
    const payload = webhookPayload([{ fingerprint: 'cccccccccccccccc', status: 'firing', startsAt: T0, labels }]);
    assert.equal((await post(svc, payload)).status, 200);
    const res = await fetch(`${svc.url}/api/v1/alerts/history?fingerprint=cccccccccccccccc`, { headers: { authorization: `Bearer ${A}` } });
    const { events: [event] } = (await res.json()) as { events: { service: string; labels: Record<string, string> }[] };
    assert.equal(event?.service, labels.service);
    assert.deepEqual(event?.labels, { ...payload.alerts[0]!.labels, lone: 'x\ufffdy' });
  } finally {
    await svc.close();
  }
});

test('a lone UTF-16 surrogate in an annotation or label name is answered 200, stored as U+FFFD, and a restart finds every alert', async () => {
  const path = dir();
  let svc = await startAlertService({ path });
  try {
    const odd = webhookPayload([{ fingerprint: 'dddddddddddddddd', status: 'firing', startsAt: T0 }]);
    const text = JSON.stringify(odd)
      .replace(/"annotations":\{[^}]*\}/, '"annotations":{"x\\ud800":"y"}')
      .replace('"severity":"critical"}', '"severity":"critical","k\\udc00":"v"}');
    assert.match(text, /"annotations":\{"x\\ud800":"y"\}/, 'the exact payload of the report');
    assert.equal((await post(svc, text)).status, 200);
    const after = webhookPayload([{ fingerprint: 'eeeeeeeeeeeeeeee', status: 'firing', startsAt: T0 }]);
    assert.equal((await post(svc, after)).status, 200, 'later alerts are accepted');
    await svc.close();
    svc = await startAlertService({ path });
    const res = await fetch(`${svc.url}/api/v1/alerts/history?limit=10`, { headers: { authorization: `Bearer ${A}` } });
    assert.equal(res.status, 200);
    const { events: stored } = (await res.json()) as { events: { fingerprint: string; labels: Record<string, string>; annotations: Record<string, string> }[] };
    assert.deepEqual(stored.map((e) => e.fingerprint).sort(), ['dddddddddddddddd', 'eeeeeeeeeeeeeeee']);
    const fixed = stored.find((e) => e.fingerprint === 'dddddddddddddddd');
    assert.deepEqual(fixed?.annotations, { 'x\ufffd': 'y' });
    assert.equal(fixed?.labels['k\ufffd'], 'v');
    assert.equal(svc.store.rejectedLines, 0);
  } finally {
    await svc.close();
  }
});

test('an instance older than the store remembers (a week) is looked up in the table: its re-deliveries after a restart record nothing twice', async () => {
  const path = dir();
  const start = iso(Date.parse(T0) - 10 * 24 * HOUR);
  const end = iso(Date.parse(start) + 600_000);
  let svc = await startAlertService({ path });
  try {
    const firing = webhookPayload([{ fingerprint: 'ffffffffffffffff', status: 'firing', startsAt: start }]);
    const resolved = webhookPayload([{ fingerprint: 'ffffffffffffffff', status: 'resolved', startsAt: start, endsAt: end }]);
    assert.equal((await post(svc, firing)).status, 200);
    assert.equal((await post(svc, resolved)).status, 200);
    await svc.close();
    svc = await startAlertService({ path });
    assert.equal((await post(svc, webhookPayload([{ fingerprint: '1111111111111111', status: 'firing', startsAt: T0 }]))).status, 200);
    assert.equal(svc.store.cachedInstances, 1, 'the store warmed with the recent instances only: the old resolved one is left to the table');
    assert.equal((await post(svc, resolved)).status, 200);
    assert.equal((await post(svc, firing)).status, 200);
    assert.deepEqual(
      (await events(svc)).filter((e) => e.fingerprint === 'ffffffffffffffff').map((e) => [e.state, e.starts_at_ms]),
      [['firing', Date.parse(start)], ['resolved', Date.parse(start)]],
    );
    assert.equal(svc.store.cachedInstances, 2, 'the re-delivery looked it up in the table');
  } finally {
    await svc.close();
  }
});

const valid = () => webhookPayload([{ fingerprint: 'bbbbbbbbbbbbbbbb', status: 'firing', startsAt: T0 }]);
const BAD: [string, unknown, RegExp][] = [
  ['not JSON', '{"version": "4", ', /not valid JSON|JSON/],
  ['an array', [valid()], /JSON object/],
  ['version 3', { ...valid(), version: '3' }, /version "4"/],
  ['no alerts', { ...valid(), alerts: [] }, /alerts must not be empty/],
  ['alert without alertname', { ...valid(), alerts: [{ ...valid().alerts[0], labels: { job: 'x' } }] }, /alertname is required/],
  ['bad fingerprint', { ...valid(), alerts: [{ ...valid().alerts[0], fingerprint: 'xyz' }] }, /16 hex digits/],
  ['bad startsAt', { ...valid(), alerts: [{ ...valid().alerts[0], startsAt: 'yesterday' }] }, /alerts\.0\.startsAt: an RFC 3339 time/],
  ['zero startsAt', { ...valid(), alerts: [{ ...valid().alerts[0], startsAt: '0001-01-01T00:00:00Z' }] }, /startsAt must be set/],
  ['resolved without endsAt', { ...valid(), alerts: [{ ...valid().alerts[0], status: 'resolved' }] }, /needs its endsAt/],
  ['resolved before it started', { ...valid(), alerts: [{ ...valid().alerts[0], status: 'resolved', endsAt: '2020-01-01T00:00:00Z' }] }, /before its startsAt/],
  ['label value not a string', { ...valid(), alerts: [{ ...valid().alerts[0], labels: { alertname: 'X', n: 1 } }] }, /alerts\.0\.labels\.n/],
  ['unknown status', { ...valid(), alerts: [{ ...valid().alerts[0], status: 'pending' }] }, /alerts\.0\.status/],
  ['too many alerts', { ...valid(), alerts: Array.from({ length: 1001 }, () => valid().alerts[0]) }, /at most 1000 alerts/],
];

test('bad payloads get a 400 that says what is wrong, and record nothing', async () => {
  const svc = await startAlertService({ path: dir() });
  try {
    for (const [name, body, reason] of BAD) {
      const res = await post(svc, body);
      assert.equal(res.status, 400, name);
      assert.match(String(res.body.error), reason, name);
    }
    const big = await post(svc, { ...valid(), commonAnnotations: { x: 'y'.repeat(1_100_000) } });
    assert.equal(big.status, 413);
    assert.deepEqual(await events(svc), []);
  } finally {
    await svc.close();
  }
});

/** Seeded PRNG (mulberry32): the fuzz run is the same every time. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES: unknown[] = [null, 0, -1, 1e308, '', 'x', '0001-01-01T00:00:00Z', '2026-13-45T99:99:99Z', '2026-11-25T06:00:00+02:00', true, [], {}, { a: 1 }, '\u0000', 'é😀', 'a'.repeat(20_000), 'resolved', 'firing', '4'];

function mutate(value: unknown, rnd: () => number, depth = 0): unknown {
  if (Array.isArray(value)) {
    const copy = value.map((v) => (rnd() < 0.3 ? mutate(v, rnd, depth + 1) : v));
    if (rnd() < 0.1) copy.push(copy[0]);
    if (rnd() < 0.1) copy.pop();
    return copy;
  }
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const key = keys[Math.floor(rnd() * keys.length)];
    const r = rnd();
    if (key === undefined) return copy;
    if (r < 0.15) delete copy[key];
    else if (r < 0.4) copy[key] = ODD_VALUES[Math.floor(rnd() * ODD_VALUES.length)];
    else if (r < 0.5) copy[`extra_${Math.floor(rnd() * 100)}`] = 'x';
    else copy[key] = mutate(copy[key], rnd, depth + 1);
    return copy;
  }
  if (typeof value === 'string') {
    const r = rnd();
    if (r < 0.3) return value.slice(0, Math.floor(rnd() * value.length));
    if (r < 0.5) return `${value}${String.fromCharCode(Math.floor(rnd() * 0x3000))}`;
    if (r < 0.6) return value.replace(/[0-9]/, String(Math.floor(rnd() * 10)));
    return ODD_VALUES[Math.floor(rnd() * ODD_VALUES.length)];
  }
  return ODD_VALUES[Math.floor(rnd() * ODD_VALUES.length)];
}

test('fuzz: 2000 seeded mutations of a real payload never get a 5xx, and every acknowledged alert is in the history', async () => {
  const path = dir();
  let svc = await startAlertService({ path });
  const rnd = random(20261125);
  const base = webhookPayload(
    Array.from({ length: 5 }, (_, i) => ({ fingerprint: `${i}`.repeat(16), status: 'firing' as const, startsAt: T0, labels: { instance: `host-${i}` } })),
  );
  const accepted = new Map<string, Set<string>>();
  const statuses = new Map<number, number>();
  try {
    for (let round = 0; round < 100; round++) {
      const bodies = Array.from({ length: 20 }, () => {
        let body: unknown = base;
        const times = 1 + Math.floor(rnd() * 3);
        for (let k = 0; k < times; k++) body = mutate(body, rnd);
        let text = JSON.stringify(body);
        if (rnd() < 0.05) text = text.slice(0, Math.floor(rnd() * text.length));
        return text;
      });
      const results = await Promise.all(bodies.map((b) => post(svc, b)));
      results.forEach((res, i) => {
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        assert.ok(res.status < 500, `5xx for ${bodies[i]!.slice(0, 300)}: ${JSON.stringify(res.body)}`);
        if (res.status === 200) {
          for (const a of (JSON.parse(bodies[i]!) as ReturnType<typeof webhookPayload>).alerts) {
            const key = `${a.fingerprint}@${Date.parse(a.startsAt)}`;
            accepted.set(key, (accepted.get(key) ?? new Set()).add(a.status));
          }
        }
      });
      if (round === 50) {
        // A restart in the middle: what was acknowledged before it must still be there after.
        await svc.close();
        svc = await startAlertService({ path });
      }
    }
    assert.ok((statuses.get(200) ?? 0) > 100 && (statuses.get(400) ?? 0) > 700, `a real mix: ${JSON.stringify([...statuses])}`);
    const stored = new Map<string, Set<string>>();
    for (const e of await events(svc)) {
      const key = `${e.fingerprint}@${e.starts_at_ms}`;
      stored.set(key, (stored.get(key) ?? new Set()).add(String(e.state)));
    }
    for (const [key, states] of accepted) {
      assert.ok(stored.has(key), `acknowledged alert ${key} is in the history`);
      // Firing after resolved is ignored by design; a resolution is never lost.
      if (states.has('resolved')) assert.ok(stored.get(key)!.has('resolved'), `resolution of ${key} is in the history`);
    }
    await svc.store.loaded();
    const [dupes] = await svc.warehouse.handle.read(
      `SELECT count(*) AS n FROM (SELECT tenant, fingerprint, starts_at_ms, state FROM alert_events GROUP BY ALL HAVING count(*) > 1 AND state <> 'firing')`,
    );
    assert.equal(Number(dupes?.n), 0, 'no state recorded twice in a row');
  } finally {
    await svc.close();
  }
});

test('concurrent webhooks share appends to the intake log (group commit) and all are durable before their answer', async () => {
  const svc = await startAlertService({ path: dir() });
  try {
    const bodies = Array.from({ length: 60 }, (_, i) =>
      webhookPayload([{ fingerprint: i.toString(16).padStart(16, '0'), status: 'firing', startsAt: T0 }]),
    );
    const results = await Promise.all(bodies.map((b) => post(svc, b)));
    assert.ok(results.every((r) => r.status === 200));
    assert.equal((await events(svc)).length, 60);
    assert.ok(svc.appends() < 60, `${svc.appends()} appends for 60 requests`);
  } finally {
    await svc.close();
  }
});
